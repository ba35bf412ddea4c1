"""The Filters dock: the loaded model's kernels on one shared diverging scale; hovering a
map outlines the kernel(s) that made it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QApplication

from mnistviz.ui.explain_common import diverging_colour
from pointer import draw_seven, hover_map


@pytest.fixture
def filters(window):
    dock = window.explain.filters
    dock.setFloating(True)  # room for 110 kernels on the 800 px offscreen screen
    dock.resize(520, 560)
    dock.show()
    QApplication.processEvents()
    return dock


def test_the_models_kernels_are_painted_on_one_shared_scale(qtbot, window, filters):
    result = draw_seven(qtbot, window)
    qtbot.waitUntil(lambda: filters.kernels.conv2 is not None)
    conv1, conv2 = result.network.conv1.weight, result.network.conv2.weight
    np.testing.assert_array_equal(filters.kernels.conv1, conv1[:, 0])
    sizes = np.abs(np.concatenate([conv1.ravel(), conv2.ravel()]))
    limit = np.percentile(sizes, 98)
    assert filters.kernels.limit == pytest.approx(limit)
    assert (sizes > limit).mean() == pytest.approx(0.02, abs=0.005)  # a few saturate, the rest are graded
    assert limit < 0.5 * sizes.max()  # the readout model's one big Conv2 weight does not set the scale
    image = filters.kernels.grab().toImage()
    ratio = image.devicePixelRatio()
    for rect, weights in ((filters.kernels.kernel_rect("conv1", 4), conv1[4, 0]),
                          (filters.kernels.kernel_rect("conv2", 7, 2), conv2[7, 2])):
        unit = rect.width() / 3
        for y, x in ((0, 0), (1, 2), (2, 1)):  # the centre of three weights of that kernel
            point = (rect.left() + (x + 0.5) * unit, rect.top() + (y + 0.5) * unit)
            shown = image.pixelColor(int(point[0] * ratio), int(point[1] * ratio))
            wanted = diverging_colour(weights[y, x], limit)
            assert (shown.red(), shown.green(), shown.blue()) == (wanted.red(), wanted.green(), wanted.blue())


def test_hovering_a_map_outlines_the_kernels_that_made_it(qtbot, window, filters):
    draw_seven(qtbot, window)
    hover_map(qtbot, window, 0, 3, 14, 14)
    assert filters.kernels.highlight == ("conv1", 3)
    assert filters.kernels.highlight_rect() == filters.kernels.kernel_rect("conv1", 3)
    hover_map(qtbot, window, 1, 6, 14, 14)
    assert filters.kernels.highlight == ("conv2", 6)
    row = filters.kernels.highlight_rect()
    assert row.contains(filters.kernels.kernel_rect("conv2", 6, 0)) and row.contains(
        filters.kernels.kernel_rect("conv2", 6, 9))
    assert not row.intersects(filters.kernels.kernel_rect("conv2", 5, 0))
    hover_map(qtbot, window, 2, 8, 7, 7)  # MaxPool map 9 is Conv2 map 9 pooled
    assert filters.kernels.highlight == ("conv2", 8)
    window.view_state.hovered = None
    assert filters.kernels.highlight is None


def test_the_kernels_render_per_model_not_per_drawing(qtbot, window, filters):
    draw_seven(qtbot, window)
    qtbot.waitUntil(lambda: filters.kernels.conv2 is not None)
    count = filters.render_count
    window.canvas.show_sample(3)
    qtbot.waitUntil(lambda: window.analysis_settled(), timeout=30_000)
    assert filters.render_count == count


def test_the_hovered_maps_kernels_are_shown_large_beside_the_grid(qtbot, window, filters):
    result = draw_seven(qtbot, window)
    filters.resize(900, 300)  # a low, wide strip, as under the canvas
    QApplication.processEvents()
    view = filters.kernels
    assert view.shows_text()
    hover_map(qtbot, window, 1, 5, 14, 14)
    title, kernels = view.enlarged()
    assert title == "Conv2 map 6: its 10 kernels, one per Conv1 map"
    room = QRectF(view.grid_width() + 12, 0, view.width() - view.grid_width() - 12, view.height())
    rects = view.enlarged_rects(room, view._metrics()[1])
    assert rects[0].width() > view.kernel_rect("conv2", 5, 0).width()  # larger than in the grid
    image = view.grab().toImage()
    ratio = image.devicePixelRatio()
    weights = result.network.conv2.weight[5, 7]
    unit = rects[7].width() / 3
    centre = rects[7].topLeft() + QPointF(2.5 * unit, 0.5 * unit)  # weight (0, 2) of kernel 8
    shown = image.pixelColor(int(centre.x() * ratio), int(centre.y() * ratio))
    wanted = diverging_colour(weights[0, 2], view.limit)
    assert (shown.red(), shown.green(), shown.blue()) == (wanted.red(), wanted.green(), wanted.blue())


def test_zero_weights_keep_their_edges_on_a_white_page(qtbot):
    """The light theme's page is white, and so is a zero weight: cells and kernels get grey edges."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QImage

    from mnistviz.ui.filters_dock import KernelsView

    view = KernelsView()
    qtbot.addWidget(view)
    view.resize(420, 470)
    conv1, conv2 = np.zeros((10, 3, 3), np.float32), np.zeros((10, 10, 3, 3), np.float32)
    conv1[0, 0, 0] = conv2[0, 0, 0, 0] = 1.0  # a scale to colour on
    view.set_kernels(conv1, conv2)
    image = QImage(view.size(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    view.render(image, QPoint(0, 0))
    rect = view.kernel_rect("conv2", 5, 5)
    unit = rect.width() / 3
    assert unit >= 5

    def grey(x, y) -> int:
        colour = image.pixelColor(int(x), int(y))
        return min(colour.red(), colour.green(), colour.blue())

    middle = rect.top() + 1.5 * unit
    zero = grey(rect.left() + 1.5 * unit, middle)
    assert zero == min(diverging_colour(0.0, 1.0).getRgb()[:3]) >= 240  # a zero weight is (near) white...
    assert grey(rect.left(), middle) < zero - 20  # ...inside a visible kernel edge
    assert grey(round(rect.left() + unit) + 0.5, middle) < zero - 20  # and a line between weights


def test_the_explanation_keeps_2_percent_on_one_line():
    from mnistviz.ui.filters_dock import KernelsView

    assert "2\u00a0% show" in KernelsView.TEXT and " %" not in KernelsView.TEXT
