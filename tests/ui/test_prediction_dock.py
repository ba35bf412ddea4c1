"""PredictionDock: bars equal the probabilities, the winner is highlighted, empty state."""

from __future__ import annotations

import numpy as np
import pytest

from mnistviz.export import BAR_COLOUR, WINNER_COLOUR
from mnistviz.formatting import format_probability
from mnistviz.model import load_model
from mnistviz.model_meta import DEFAULT_CLASSES
from mnistviz.result import Result
from mnistviz.ui.prediction_dock import PredictionDock


@pytest.fixture
def dock(qtbot):
    dock = PredictionDock()
    qtbot.addWidget(dock)
    dock.resize(800, 240)
    dock.show()
    return dock


def _result(probabilities, classes=None) -> Result:
    p = np.asarray(probabilities, np.float32)
    classes = classes or tuple(str(c) for c in range(len(p)))
    return Result(probabilities=p, logits=np.log(p + 1e-9), stages={}, input_28=np.zeros((28, 28), np.float32),
                  classes=classes)


def _colour(brush) -> str:
    return brush.color().name().upper()


def test_object_name_and_starts_empty(dock):
    assert dock.objectName() == "predictionDock"
    assert dock.is_empty()
    np.testing.assert_array_equal(dock.bar_heights(), np.zeros(10))


def test_bars_equal_probabilities_and_winner_is_highlighted(dock, contract_model_path, samples):
    images, labels = samples
    model = load_model(contract_model_path)
    result = model.run(images[np.flatnonzero(labels == 3)[0]] / 255.0)
    dock.show_result(result)
    np.testing.assert_allclose(dock.bar_heights(), result.probabilities, rtol=1e-6)
    brushes = dock.bar_brushes()
    winner = result.prediction
    assert dock.winner() == winner
    assert _colour(brushes[winner]) == WINNER_COLOUR
    assert all(_colour(b) == BAR_COLOUR for i, b in enumerate(brushes) if i != winner)
    assert dock.digit_label.text() == result.classes[winner]
    assert dock.probability_label.text() == f"{result.confidence * 100:.1f} %"


def test_updates_in_place_and_winner_moves(dock):
    bars, plot = dock.bars, dock.plot
    items = list(plot.items)
    first = np.array([0.05] * 10)
    first[7] = 0.55
    dock.show_result(_result(first))
    assert (dock.digit_label.text(), dock.probability_label.text()) == ("7", "55.0 %")
    second = np.array([0.02] * 10)
    second[2] = 0.82
    dock.show_result(_result(second))
    dock.show_result(_result(second))
    assert dock.bars is bars and list(plot.items) == items
    np.testing.assert_allclose(dock.bar_heights(), second)
    colours = [_colour(b) for b in dock.bar_brushes()]
    assert colours[2] == WINNER_COLOUR and colours.count(WINNER_COLOUR) == 1
    assert (dock.digit_label.text(), dock.probability_label.text()) == ("2", "82.0 %")
    # the y axis stays 0..1 whatever the heights
    lo, hi = plot.getViewBox().viewRange()[1]
    assert lo == pytest.approx(0.0) and 1.0 <= hi < 1.1


def test_none_empties(dock):
    dock.show_result(_result([0.1, 0.9] + [0.0] * 8))
    dock.show_result(None)
    assert dock.is_empty()
    np.testing.assert_array_equal(dock.bar_heights(), np.zeros(10))
    assert all(_colour(b) == BAR_COLOUR for b in dock.bar_brushes())
    assert dock.digit_label.text() == "?" and dock.probability_label.text() == ""
    assert dock.caption.text() == "Draw a digit"


def test_adapts_to_the_number_of_classes(dock):
    dock.show_result(_result([0.2, 0.7, 0.1], classes=("cat", "dog", "bird")))
    np.testing.assert_allclose(dock.bar_heights(), [0.2, 0.7, 0.1])
    assert len(dock.bar_brushes()) == 3
    ticks = dock.plot.getAxis("bottom")._tickLevels[0]
    assert [label for _, label in ticks] == ["cat", "dog", "bird"]
    assert (dock.digit_label.text(), dock.probability_label.text()) == ("dog", "70.0 %")
    lo, hi = dock.plot.getViewBox().viewRange()[0]
    assert lo < 0 < 2 < hi < 3
    dock.show_result(_result([0.1] * 10))
    assert len(dock.bar_heights()) == 10


def test_presentation_enlarges_fonts(dock):
    before = (dock.digit_label.font().pointSizeF(), dock.caption.font().pointSizeF(), dock.font().pointSizeF())
    dock.set_presentation(True)
    after = (dock.digit_label.font().pointSizeF(), dock.caption.font().pointSizeF(), dock.font().pointSizeF())
    assert all(a > b for a, b in zip(after, before))


def test_near_certain_is_not_shown_as_100_percent_and_the_bars_stay_put(dock):
    sure = np.full(10, 1e-7)
    sure[4] = 1 - sure[:4].sum() - sure[5:].sum()
    unsure = np.full(10, 0.05)
    unsure[1] = 0.55
    for presentation in (False, True):
        dock.set_presentation(presentation)
        lefts = set()
        for probabilities in (unsure, sure, unsure):
            dock.show_result(_result(probabilities))
            dock.widget().layout().activate()  # apply the new text's layout now
            lefts.add(dock.plot_widget.geometry().left())
        assert dock.probability_label.text() == "55.0 %"
        dock.show_result(_result(sure))
        assert dock.probability_label.text() == "> 99.9 %"
        # The left column keeps room for the widest text: the bars do not jump sideways.
        assert len(lefts) == 1, lefts


def test_a_class_label_with_markup_is_shown_as_text(dock):
    p = np.full(10, 0.01)
    p[3] = 0.91
    classes = DEFAULT_CLASSES
    classes = classes[:3] + ("<b>x</b>",) + classes[4:]
    dock.show_result(_result(p, classes))
    label = dock.digit_label
    assert label.text() == "<b>x</b>"
    # As plain text the tags are drawn as characters: far wider than the bold "x" alone.
    assert label.sizeHint().width() >= label.fontMetrics().horizontalAdvance("<b>x</b>")


def test_theme_colours_the_panel_bars_and_labels(dock):
    from mnistviz.ui import theme

    p = np.full(10, 0.01)
    p[4] = 0.91
    dock.show_result(_result(p))
    dock.set_theme(theme.LIGHT)
    assert dock.plot_widget.backgroundBrush().color().name() == theme.LIGHT.plot_background.lower()
    colours = [_colour(b) for b in dock.bar_brushes()]
    assert colours[4] == theme.LIGHT.winner.upper() and colours[0] == theme.LIGHT.bar.upper()
    assert theme.LIGHT.winner.lower() in dock.digit_label.styleSheet().lower()


def test_a_clicked_bar_tints_its_whole_column_and_says_so(dock):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    dock.show_result(_result([0.001] * 3 + [0.99] + [0.001] * 6))
    clicked = []
    dock.classClicked.connect(clicked.append)
    dock.classClicked.connect(dock.set_selected_class)  # as the view state answers
    QTest.mouseClick(dock.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=dock.bar_centre(7))
    assert clicked == [7]
    assert dock.chosen_column() == 7  # a near-zero bar: the column shows the choice
    assert dock.selection_band.opts["height"][0] == 1.0
    assert dock.caption.text() == "showing evidence for 7"
    dock.set_selected_class(None)
    assert dock.chosen_column() is None and dock.caption.text() == "the network's answer"


def test_a_new_answer_repaints_the_labels_without_laying_the_dock_out_again(dock, qtbot):
    # Laying the dock out again for every new probability text cost about 1 ms per result.
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    class LayoutRequests(QObject):
        count = 0

        def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.LayoutRequest:
                LayoutRequests.count += 1
            return False

    for first in (0.9, 0.6):  # settle the first layout
        dock.show_result(_result([first] + [(1 - first) / 9] * 9))
        QApplication.processEvents()
    plot_geometry = dock.plot_widget.geometry()
    watcher = LayoutRequests()
    dock.widget().installEventFilter(watcher)
    dock.installEventFilter(watcher)
    for winner, confidence in ((3, 0.9999), (7, 0.5), (1, 0.12345), (9, 0.2)):
        probabilities = np.full(10, (1 - confidence) / 9)
        probabilities[winner] = confidence
        dock.show_result(_result(probabilities))
        QApplication.processEvents()
        assert dock.probability_label.text() == format_probability(confidence)
    assert watcher.count == 0
    assert dock.plot_widget.geometry() == plot_geometry  # the bars never jump
    dock.show_result(_result([0.1] * 9 + [0.1], classes=("zero", "one", "two", "three", "four", "five", "six",
                                                         "seven", "eight", "nine")))
    for label in (dock.digit_label, dock.probability_label):  # a model's own class names fit too
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
