"""The Evidence dock: the predicted class's evidence over the input, the logit written out
as its sum, another class by clicking its bar, and no work while it is hidden."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mnistviz.ui.evidence_dock import NO_EVIDENCE_TEXT, EvidenceDock, overlay_rgb, upsample
from mnistviz.ui.explain_common import MINUS, number
from pointer import draw_seven

SUM = re.compile(r"logit (\S+) = bias (\S+) \+ evidence (\S+) = (\S+)$")


def one_line(text: str) -> str:
    return " ".join(text.split())


def read(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def click_bar(window, index):
    dock = window.prediction_dock
    if dock.plot_widget.width() < 300:  # the offscreen test screen is 800 px: room for ten bars
        dock.setFloating(True)
        dock.resize(640, 300)
        QApplication.processEvents()
    QTest.mouseClick(dock.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=dock.bar_centre(index))


@pytest.fixture
def evidence(window):
    window.explain.evidence.raise_()
    QApplication.processEvents()
    return window.explain.evidence


def test_the_prediction_is_explained_and_its_sum_adds_up(qtbot, window, evidence):
    result = draw_seven(qtbot, window)
    c = result.prediction
    assert evidence.explained == c
    name, bias, total, logit = SUM.match(one_line(evidence.sum_label.text())).groups()
    assert name == result.classes[c]
    assert read(logit) == pytest.approx(result.logits[c], abs=0.006)
    assert read(bias) + read(total) == pytest.approx(read(logit), abs=0.011)  # rounding of two numbers
    assert read(total) == pytest.approx(result.evidence.maps[c].sum(), abs=0.006)
    assert evidence.method_label.text() == "flatten → linear (exact)"
    limit = np.abs(result.evidence.maps[c]).max()
    np.testing.assert_array_equal(evidence.image.shown_rgb(),
                                  overlay_rgb(result.input_28, upsample(result.evidence.maps[c]), limit))
    assert evidence.bar.labels()[0] == f"{number(limit, sign=True)} for"
    assert evidence.table.logits is not None and evidence.table.predicted == c


def test_clicking_a_bar_explains_that_class_and_clicking_again_goes_back(qtbot, window, evidence):
    result = draw_seven(qtbot, window)
    other = (result.prediction + 3) % 10
    click_bar(window, other)
    assert window.view_state.selected_class == other
    assert evidence.explained == other and window.prediction_dock.selected_class() == other
    name, bias, total, logit = SUM.match(one_line(evidence.sum_label.text())).groups()
    assert name == str(other) and read(logit) == pytest.approx(result.logits[other], abs=0.006)
    assert read(bias) == pytest.approx(result.evidence.bias[other], abs=0.006)
    assert evidence.heading.text() == f"Evidence for {other} (answer: {result.classes[result.prediction]})"
    click_bar(window, other)
    assert window.view_state.selected_class is None and evidence.explained == result.prediction


def test_a_row_of_the_logit_table_selects_its_class_and_clearing_the_canvas_resets(qtbot, window, evidence):
    result = draw_seven(qtbot, window)
    table = evidence.table
    QTest.mouseClick(table, Qt.MouseButton.LeftButton, pos=table.row_rect(2).center().toPoint())
    assert window.view_state.selected_class == 2 and evidence.explained == 2
    assert SUM.match(one_line(evidence.sum_label.text())).group(4) == number(result.logits[2])
    window.canvas.clear()
    qtbot.waitUntil(lambda: window.last_result is None)
    assert window.view_state.selected_class is None


def test_an_approximate_split_and_a_missing_one_are_said_plainly(qtbot, window):
    result = draw_seven(qtbot, window)
    dock = EvidenceDock()
    qtbot.addWidget(dock)
    dock.show()
    approximate = dataclasses.replace(result.evidence, exact=False, method="occlusion (approximate, 7x7 patches)")
    dock.show_result(dataclasses.replace(result, evidence=approximate))
    assert dock.method_label.text() == "occlusion (approximate, 7x7 patches)"
    assert "covering the drawing part by part" in dock.sum_label.text()
    dock.show_result(dataclasses.replace(result, evidence=None))
    assert dock.sum_label.text() == NO_EVIDENCE_TEXT and dock.image.shown_rgb() is None


def test_hidden_evidence_does_not_render_and_catches_up_when_its_tab_is_chosen(qtbot, window):
    dock = window.explain.evidence
    assert not dock.is_on_screen()  # a tab behind the MaxPool dock
    before = dock.render_count
    result = draw_seven(qtbot, window)
    window.canvas.show_sample(3)
    qtbot.waitUntil(lambda: window.last_result is not result and window.last_result is not None
                    and window.analysis_settled(), timeout=30_000)
    assert dock.render_count == before  # two results, no render
    dock.raise_()
    qtbot.waitUntil(lambda: dock.render_count == before + 1)
    assert dock.explained == window.last_result.prediction  # the newest result, not an old one
