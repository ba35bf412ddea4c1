"""Quiz mode: the answer is hidden (not painted) until Space; the next drawing hides it again."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from pointer import ONE, SEVEN, drag, draw, settled


def key(window, k) -> None:
    QTest.keyClick(window, k)


def painted(widget) -> np.ndarray:
    """The widget as it is painted now, (H, W, 3) uint8."""
    image = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_RGB888)
    ptr = image.constBits()
    return np.frombuffer(ptr, np.uint8, image.sizeInBytes()).reshape(
        image.height(), image.bytesPerLine())[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def winner_pixels(window, widget) -> int:
    """Pixels within a little of the theme's winner colour: the big digit, its percentage, its bar."""
    colour = QColor(window.theme.winner)
    target = np.array([colour.red(), colour.green(), colour.blue()])
    return int((np.abs(painted(widget).astype(int) - target).sum(axis=2) < 30).sum())


@pytest.fixture
def quiz(qtbot, window):
    draw(qtbot, window, SEVEN)
    assert winner_pixels(window, window.prediction_dock) > 200  # the answer is on screen before the quiz
    window.quiz.height_before = window.minimumSizeHint().height()
    key(window, Qt.Key.Key_F5)
    assert window.quiz.active and window.quiz_action.isChecked()
    return window


def test_the_answer_is_not_painted_while_hidden(qtbot, quiz):
    window = quiz
    dock = window.prediction_dock
    cover = window.quiz.covers["predictionDock"]
    assert cover.isVisible() and window.quiz.banner.isVisible()
    assert cover.geometry().contains(dock.widget().geometry())  # the bars and the digit are under it
    assert winner_pixels(window, dock) == 0
    hidden_seven = painted(dock)
    # another answer, still hidden: the dock paints exactly the same pixels (nothing leaks)
    window.panel.clear_action.trigger()
    draw(qtbot, window, ONE)
    assert window.last_result.prediction == 1 and cover.isVisible()
    np.testing.assert_array_equal(painted(dock), hidden_seven)
    # and the same as with nothing drawn at all
    window.panel.clear_action.trigger()
    qtbot.waitUntil(lambda: window.last_result is None and window.analysis_settled())
    np.testing.assert_array_equal(painted(dock), hidden_seven)


def test_space_reveals_and_the_next_drawing_hides_again(qtbot, quiz):
    window = quiz
    dock, cover = window.prediction_dock, window.quiz.covers["predictionDock"]
    key(window, Qt.Key.Key_Space)
    assert not cover.isVisible() and not window.quiz.covers["evidenceDock"].isVisible()
    assert dock.digit_label.isVisible() and dock.digit_label.text() == "7" and dock.plot_widget.isVisible()
    assert winner_pixels(window, dock) > 200  # the answer is painted again
    assert "Revealed" in window.quiz.banner_label.text()
    drag(window.canvas, [(0.2, 0.9), (0.3, 0.9)])  # the drawing changes: hidden before the answer arrives
    assert cover.isVisible() and "Space" in window.quiz.banner_label.text()
    qtbot.waitUntil(lambda: settled(window), timeout=30_000)
    assert winner_pixels(window, dock) == 0


def test_another_model_hides_the_answer_again(qtbot, quiz):
    window = quiz
    key(window, Qt.Key.Key_Space)
    assert not window.quiz.answer_hidden()
    with qtbot.waitSignal(window.modelChanged, timeout=60_000):
        window.model_actions["gap"].trigger()
    assert window.quiz.answer_hidden() and window.quiz.covers["predictionDock"].isVisible()


def test_the_evidence_and_other_answer_docks_are_covered(quiz):
    window = quiz
    for name in ("evidenceDock", "networkDock"):
        cover = window.quiz.covers[name]
        assert cover.isVisible() and cover.geometry() == cover.host.widget().geometry()
    assert not any(window.quiz.covers[f"stageDock{i}"].isVisible() for i in (1, 2, 3))  # maps stay, unless asked


def test_the_replay_curves_are_covered_too(qtbot, quiz):
    window = quiz
    plot = window.replay.timeline.plot
    qtbot.waitUntil(plot.isVisible)
    cover = window.quiz.covers["replayCurves"]
    assert cover.isVisible() and cover.geometry() == plot.rect()
    key(window, Qt.Key.Key_Space)
    assert not cover.isVisible()


def test_the_banner_is_obvious_and_takes_no_height(quiz):
    window = quiz
    banner = window.quiz.banner
    assert window.menuBar().cornerWidget(Qt.Corner.TopRightCorner) is banner and banner.isVisible()
    assert banner.width() > window.width() // 3 and "Space" in window.quiz.banner_label.text()
    assert window.minimumSizeHint().height() <= window.quiz.height_before + 4  # the window does not grow


def test_the_maps_can_be_hidden_too(qtbot, quiz):
    window = quiz
    box = window.quiz.maps_box
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert box.isChecked()
    for i in (1, 2, 3):
        cover = window.quiz.covers[f"stageDock{i}"]
        assert cover.isVisible() and cover.geometry().contains(window.stage_docks[i - 1].widget().geometry())
    key(window, Qt.Key.Key_Space)
    assert not window.quiz.covers["stageDock1"].isVisible()


def test_esc_or_f5_leaves_and_never_clears(qtbot, quiz):
    window = quiz
    ink = window.canvas.image_array().copy()
    key(window, Qt.Key.Key_Escape)
    assert not window.quiz.active and not window.quiz.banner.isVisible()
    assert not window.quiz.covers["predictionDock"].isVisible()
    np.testing.assert_array_equal(window.canvas.image_array(), ink)
    key(window, Qt.Key.Key_F5)
    assert window.quiz.active
    key(window, Qt.Key.Key_F5)
    assert not window.quiz.active and not window.quiz_action.isChecked()
    key(window, Qt.Key.Key_Space)  # outside the quiz Space does nothing to the covers
    assert not window.quiz.covers["predictionDock"].isVisible()


def test_the_keys_are_listed_in_help(window):
    from mnistviz.ui.help_pages import shortcut_sections

    rows = dict(row for _, rows in shortcut_sections(window) for row in rows)
    assert rows["Quiz mode (guess, then reveal)"] == "F5"
    assert rows["Reveal the answer (quiz)"] == "Space"
    assert rows["Pin drawing for comparison"] == "Ctrl+K"
