"""How this value is made: real pointer moves over the feature maps show the arithmetic of
the cell under the pointer, the numbers the model's own, the receptive field outlined."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mnistviz.explain import cell_arithmetic
from mnistviz.input_geometry import input_rect_on_canvas
from mnistviz.network import receptive_field
from mnistviz.ui.arithmetic_dock import HINT, UNAVAILABLE, ArithmeticDock
from mnistviz.ui.explain_common import MINUS, number, written_sum
from mnistviz.view_state import HoveredCell
from pointer import draw_seven, hover_map

SUM_LINE = re.compile(r"(\S+) \+ bias (\S+) = (\S+) → ReLU → (\S+)")


def read_sum(text):
    """(parts, bias, total, value) as written, and the decimals they were written with."""
    written = SUM_LINE.search(text).groups()
    numbers = [float(t.replace(MINUS, "-")) for t in written]
    return numbers, len(written[2].split(".")[1])


def assert_adds_up(text, expected):
    (parts, bias, total, value), digits = read_sum(text)
    assert round(parts + bias, digits) == pytest.approx(total, abs=1e-9)  # as written, it adds up
    assert total == pytest.approx(expected.total, abs=10 ** -digits)
    assert value == pytest.approx(expected.value, abs=10 ** -digits)


@pytest.fixture
def panel(window):
    window.explain.arithmetic.raise_()
    QApplication.processEvents()
    return window.explain.arithmetic


def test_hovering_a_conv1_cell_shows_patch_kernel_products_and_relu(qtbot, window, panel):
    result = draw_seven(qtbot, window)
    hover_map(qtbot, window, 0, 2, 12, 14)
    expected = cell_arithmetic(result.network, result, 0, 2, 12, 14)
    value = result.stages["Conv1 + ReLU"][2, 12, 14]
    assert panel.heading.text() == f"Conv1 + ReLU · filter 3 · row 12, col 14 = {number(value)}"
    grids = panel.conv_grids
    np.testing.assert_allclose(grids.patch.values, expected.patch)
    np.testing.assert_allclose(grids.kernel.values, expected.kernel)
    np.testing.assert_allclose(grids.products.values, expected.patch * expected.kernel)
    assert expected.value == pytest.approx(value, abs=1e-4)  # the model's own value
    assert panel.conv_sum.text().startswith("sum of the nine products ")
    assert_adds_up(panel.conv_sum.text(), expected)
    assert panel.pages.currentIndex() == 1


def test_hovering_a_conv2_cell_lists_partial_sums_and_a_click_expands_one(qtbot, window, panel):
    result = draw_seven(qtbot, window)
    hover_map(qtbot, window, 1, 4, 10, 13)
    expected = cell_arithmetic(result.network, result, 1, 4, 10, 13)
    chips = panel.partials
    assert [chips.text_of(i) for i in range(10)] == [f"{i + 1}: {number(s)}" for i, s in enumerate(expected.partial_sums)]
    assert expected.value == pytest.approx(result.stages["Conv2 + ReLU"][4, 10, 13], abs=1e-4)
    assert_adds_up(panel.sum_text.text(), expected)
    # A real click on the partial sum of input map 7 shows its patch and kernel.
    QTest.mouseClick(chips, Qt.MouseButton.LeftButton, pos=chips.chip_rect(6).center().toPoint())
    assert chips.selected == 6
    np.testing.assert_allclose(panel.sum_grids.patch.values, expected.patches[6])
    np.testing.assert_allclose(panel.sum_grids.kernel.values, expected.kernels[6])
    assert (panel.sum_grids.patch.values * panel.sum_grids.kernel.values).sum() == pytest.approx(
        expected.partial_sums[6])
    # Leaving the maps keeps the cell on show, so the rows can be clicked.
    window.view_state.hovered = None
    assert panel.cell == (1, 4, 10, 13) and panel.channel == 6


def test_hovering_a_maxpool_cell_shows_the_window_and_its_winner(qtbot, window, panel):
    result = draw_seven(qtbot, window)
    hover_map(qtbot, window, 2, 1, 7, 7)
    conv2 = result.stages["Conv2 + ReLU"][1, 14:16, 14:16]
    np.testing.assert_allclose(panel.pool_grid.values, conv2)
    winner = np.unravel_index(np.argmax(conv2), conv2.shape)
    assert panel.pool_grid.marked == tuple(int(v) for v in winner)
    assert number(result.stages["MaxPool"][1, 7, 7]) in panel.pool_text.text()
    assert panel.pages.currentIndex() == 3


def test_the_receptive_field_is_outlined_on_the_canvas_and_the_input(qtbot, window, panel):
    result = draw_seven(qtbot, window)
    hover_map(qtbot, window, 1, 0, 9, 12)
    top, left, bottom, right = receptive_field(result.network, 1, 9, 12)
    assert (bottom - top, right - left) == (4, 4)  # two 3x3 convolutions see 5x5 input pixels
    assert window.explain.input_outline.rect_on_image == (top, left, bottom + 1, right + 1)
    on_canvas = input_rect_on_canvas((top, left, bottom, right), window.canvas.image_array(), result.steps)
    assert window.explain.canvas_outline.rect_on_image == pytest.approx(on_canvas)
    assert window.explain.canvas_outline.isVisible()
    # The outline is painted over the canvas: yellow where its edge is.
    grab = window.canvas.grab().toImage()
    edge = window.explain.canvas_outline.widget_rect()
    ratio = grab.devicePixelRatio()
    colour = grab.pixelColor(int(edge.center().x() * ratio), int(edge.top() * ratio))
    assert colour.red() > 200 and colour.green() > 150 and colour.blue() < 100
    window.view_state.hovered = None  # the pointer left the maps
    assert not window.explain.canvas_outline.isVisible()


def test_a_model_whose_layers_were_not_read_says_so(qtbot, window):
    result = draw_seven(qtbot, window)
    panel = ArithmeticDock()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_result(dataclasses.replace(result, network=None))
    assert panel.message.text() == HINT
    panel.set_cell(HoveredCell(0, 0, 5, 5))
    assert panel.message.text() == UNAVAILABLE and panel.pages.currentIndex() == 0
    assert "not available for this model" in UNAVAILABLE


def test_hidden_panel_does_not_render_and_catches_up_when_shown(qtbot, window):
    panel = window.explain.arithmetic
    assert not panel.is_on_screen()  # a tab behind the Prediction dock
    before = panel.render_count
    result = draw_seven(qtbot, window)
    window.view_state.hovered = (0, 1, 14, 14)
    assert panel.render_count == before and panel.is_stale()
    panel.raise_()
    qtbot.waitUntil(lambda: panel.render_count == before + 1)
    assert panel.shown.value == pytest.approx(result.stages["Conv1 + ReLU"][1, 14, 14], abs=1e-4)


def test_sums_are_written_with_two_decimals_that_add_up():
    from mnistviz.ui.arithmetic_dock import sum_line

    assert written_sum(1.5912, -0.4209, total=1.1703) == ([1.59, -0.42], 1.17)  # already adds up
    parts, total = written_sum(2.4149, 0.0049, total=2.4198)  # 2.41 + 0.00 would not make 2.42
    assert total == 2.42 and round(sum(parts), 2) == 2.42 and parts in ([2.42, 0.0], [2.41, 0.01])
    assert written_sum(0.5915, 8.0849, total=8.6764) == ([0.59, 8.09], 8.68)
    rng = np.random.default_rng(3)
    for parts_sum, bias in rng.normal(0, 3, (500, 2)):
        total = parts_sum + bias
        line = sum_line("sum of the nine products", parts_sum, bias, total, max(total, 0.0))
        (p, b, t, v), digits = read_sum(line)
        assert digits == 2 and round(p + b, 2) == pytest.approx(t, abs=1e-9), line
        assert abs(p - parts_sum) <= 0.0101 and abs(b - bias) <= 0.0101 and t == pytest.approx(round(total, 2))
        assert v == pytest.approx(max(t, 0.0))


def test_the_conv1_view_says_the_input_is_normalised(qtbot, window, panel):
    draw_seven(qtbot, window)
    hover_map(qtbot, window, 0, 1, 14, 14)
    qtbot.waitUntil(lambda: panel.pages.currentIndex() == 1)
    note = panel.conv_note.text()
    assert "normalised" in note and "(value − 0.1307) ÷ 0.3081" in note
    assert "blank paper is −0.42 and full ink 2.82" in note
    assert panel.conv_note.isVisible()
