"""FeatureMapDock: one mosaic per stage, updated in place; hover, click, scale modes; a grid
that follows the dock's shape; presentation type that leaves the maps visible."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mnistviz import colormaps
from mnistviz.model import load_model
from mnistviz.mosaic import MosaicLayout, mosaic, normalise_per_map
from mnistviz.result import Result
from mnistviz.ui.featuremap_dock import FeatureMapDock


@pytest.fixture
def model(contract_model_path):
    return load_model(contract_model_path)


@pytest.fixture
def results(model, samples):
    images, labels = samples
    return [model.run(images[np.flatnonzero(labels == d)[0]] / 255.0) for d in (7, 0, 3, 1)]


@pytest.fixture
def dock(qtbot):
    dock = FeatureMapDock(0)
    qtbot.addWidget(dock)
    dock.resize(900, 320)
    dock.show()
    qtbot.waitExposed(dock)
    return dock


def _image_pos(dock, index, row, col):
    """The centre of pixel (row, col) of map `index`, in the mosaic's pixels."""
    y0, x0 = dock.layout_.origin(index)
    return QPointF(x0 + col + 0.5, y0 + row + 0.5)


def _widget_pos(dock, index, row, col):
    return dock.plot.map_from_image(_image_pos(dock, index, row, col)).toPoint()


def _labels_shown(dock):
    return [text for text, _ in dock.plot.map_label_rects()]


def _mosaic(dock, maps):
    """The mosaic of `maps` in the grid the dock has chosen for its size."""
    return mosaic(maps, cols=dock.layout_.cols)


def test_names_and_titles(qtbot):
    docks = [FeatureMapDock(i) for i in range(3)]
    for d in docks:
        qtbot.addWidget(d)
    assert [d.objectName() for d in docks] == ["stageDock1", "stageDock2", "stageDock3"]
    assert [d.windowTitle() for d in docks] == ["Conv1 + ReLU (10 @ 28×28)", "Conv2 + ReLU (10 @ 28×28)",
                                                "MaxPool (10 @ 14×14)"]
    docks[2].configure("Pool 3x3", (16, 9, 9))
    assert docks[2].windowTitle() == "Pool 3x3 (16 @ 9×9)"


@pytest.mark.parametrize("stage_index", [0, 1, 2])
def test_image_is_the_mosaic_of_the_stage(qtbot, results, stage_index):
    dock = FeatureMapDock(stage_index)
    qtbot.addWidget(dock)
    dock.show_result(results[0])
    maps = list(results[0].stages.values())[stage_index]
    np.testing.assert_array_equal(dock.heatmap.image, _mosaic(dock, maps))  # NaN gaps compare equal
    lo, hi = float(maps.min()), float(maps.max())
    np.testing.assert_allclose(dock.heatmap.levels, (lo, hi))
    np.testing.assert_allclose(dock.plot.colour_bar.tick_range, (lo, hi))
    np.testing.assert_array_equal(dock.heatmap.lut, colormaps.lut("viridis"))


def test_parts_are_created_once(dock, results):
    def parts():
        return [dock.plot, dock.heatmap, dock.plot.colour_bar, dock.mosaic_image()]

    dock.show_result(results[0])
    before = parts()
    for r in results[1:]:
        dock.show_result(r)
    after = parts()
    assert all(a is b for a, b in zip(before, after)) and len(before) == len(after)
    assert np.shares_memory(dock.heatmap.image, dock.mosaic_image())  # the buffer, filled in place
    np.testing.assert_array_equal(dock.heatmap.image, _mosaic(dock, results[-1].stages["Conv1 + ReLU"]))


def test_hover_reports_filter_row_col_value(dock, results, qtbot):
    dock.show_result(results[0])
    maps = results[0].stages["Conv1 + ReLU"]
    texts = []
    dock.hovered.connect(texts.append)
    dock.plot.pointerMoved.emit(_image_pos(dock, 2, 12, 7))
    expected = f"Conv1 + ReLU · filter 3 · row 12, col 7 · value {maps[2, 12, 7]:.2f}"
    assert texts == [expected]
    assert dock.readout.text() == expected
    assert dock.locate(_image_pos(dock, 9, 27, 0)) == (9, 27, 0)

    # a real pointer move over the widget gives the same (once the layout has settled)
    QApplication.processEvents()
    QTest.mouseMove(dock.plot, _widget_pos(dock, 6, 3, 20))
    qtbot.waitUntil(lambda: len(texts) == 2)
    assert texts[-1] == f"Conv1 + ReLU · filter 7 · row 3, col 20 · value {maps[6, 3, 20]:.2f}"

    # into a gap: the readout clears
    layout = dock.layout_
    dock.plot.pointerMoved.emit(QPointF(layout.width + 0.5, 5.5))
    assert texts[-1] == "" and "Hover" in dock.readout.text()


def test_hover_follows_new_results(dock, results):
    dock.show_result(results[0])
    texts = []
    dock.hovered.connect(texts.append)
    dock.plot.pointerMoved.emit(_image_pos(dock, 4, 14, 14))
    dock.show_result(results[1])
    value = results[1].stages["Conv1 + ReLU"][4, 14, 14]
    assert texts[-1].endswith(f"value {value:.2f}")


def test_click_asks_for_the_map_enlarged(dock, results, qtbot):
    """A click on a tile emits (stage, map); the dock opens nothing itself (the one viewer
    is the window's, see test_map_viewer.py)."""
    dock.show_result(results[0])
    QApplication.processEvents()
    with qtbot.waitSignal(dock.mapClicked) as signal:
        QTest.mouseClick(dock.plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         _widget_pos(dock, 5, 10, 10))
    assert signal.args == [0, 5]
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not dock] == []
    snap = dock.map_snapshot(5)
    assert snap.title == "Conv1 + ReLU · filter 6"
    np.testing.assert_array_equal(snap.shown, results[0].stages["Conv1 + ReLU"][5])
    np.testing.assert_array_equal(snap.raw, results[0].stages["Conv1 + ReLU"][5])


def test_none_shows_the_empty_state(dock, results):
    dock.show_result(results[0])
    assert not dock.is_empty() and not dock.plot.overlay_text()
    dock.show_result(None)
    assert dock.is_empty()
    assert dock.plot.overlay_text() == "Draw a digit" and dock.heatmap.opacity() < 1
    assert dock.levels() is None
    image = dock.heatmap.image
    assert np.shares_memory(image, dock.mosaic_image())
    np.testing.assert_array_equal(image[~np.isnan(image)], 0.0)  # not the last result
    assert _labels_shown(dock) == []
    texts = []
    dock.hovered.connect(texts.append)
    dock.plot.pointerMoved.emit(_image_pos(dock, 0, 1, 1))
    assert texts == [] and dock.locate(_image_pos(dock, 0, 1, 1)) == (0, 1, 1)
    dock.show_result(results[1])
    assert not dock.is_empty() and not dock.plot.overlay_text() and dock.heatmap.opacity() == 1
    assert _labels_shown(dock) == [str(i) for i in range(1, 11)]


def test_map_mode_shows_relative_values(dock, results):
    dock.set_scale_mode("map")
    dock.show_result(results[0])
    maps = results[0].stages["Conv1 + ReLU"]
    np.testing.assert_allclose(dock.heatmap.image, _mosaic(dock, normalise_per_map(maps)))
    assert tuple(dock.heatmap.levels) == (0.0, 1.0)
    assert dock.levels().relative
    assert "relative" in dock.plot.axis_label()
    texts = []
    dock.hovered.connect(texts.append)
    dock.plot.pointerMoved.emit(_image_pos(dock, 1, 10, 10))
    assert f"value {maps[1, 10, 10]:.2f}" in texts[-1]  # hover reads the real value
    dock.set_scale_mode("stage")
    np.testing.assert_array_equal(dock.heatmap.image, _mosaic(dock, maps))
    assert "relative" not in dock.plot.axis_label() and dock.plot.axis_label()


def test_fixed_mode_grows_and_resets(dock, results):
    dock.set_scale_mode("fixed")
    ranges = []
    for r in results:
        dock.show_result(r)
        maps = r.stages["Conv1 + ReLU"]
        ranges.append((float(maps.min()), float(maps.max())))
        lo, hi = min(a for a, _ in ranges), max(b for _, b in ranges)
        np.testing.assert_allclose(dock.heatmap.levels, (lo, hi))
        np.testing.assert_allclose(dock.plot.colour_bar.tick_range, (lo, hi))
    dock.reset_fixed_range()
    np.testing.assert_allclose(dock.heatmap.levels, ranges[-1])
    assert dock.fixed_range() == pytest.approx(ranges[-1])


def test_colormap_changes_the_lut(dock, results):
    dock.show_result(results[0])
    image = dock.heatmap.image
    dock.set_colormap("inferno")
    np.testing.assert_array_equal(dock.heatmap.lut, colormaps.lut("inferno"))
    assert dock.heatmap.image is image
    with pytest.raises(KeyError):
        dock.set_colormap("jet")


def test_adapts_to_another_model(dock, results):
    rng = np.random.default_rng(0)
    stages = {"Narrow": rng.random((16, 7, 7), np.float32), "B": rng.random((4, 3, 3), np.float32),
              "C": rng.random((4, 3, 3), np.float32)}
    other = Result(probabilities=np.full(10, 0.1, np.float32), logits=np.zeros(10, np.float32), stages=stages,
                   input_28=np.zeros((28, 28), np.float32))
    dock.show_result(results[0])
    dock.show_result(other)
    assert dock.windowTitle() == "Narrow (16 @ 7×7)"
    assert dock.layout_ == MosaicLayout.fitted((16, 7, 7), *dock.plot.image_area())
    np.testing.assert_array_equal(dock.heatmap.image, _mosaic(dock, stages["Narrow"]))
    assert _labels_shown(dock) == [str(i) for i in range(1, 17)]
    dock.show_result(results[1])
    assert dock.windowTitle() == "Conv1 + ReLU (10 @ 28×28)"
    assert _labels_shown(dock) == [str(i) for i in range(1, 11)]


def test_presentation_enlarges_fonts(dock):
    small = (dock.font().pointSizeF(), dock.readout.font().pointSizeF(), dock.plot.map_label_font().pointSizeF())
    dock.set_presentation(True)
    big = (dock.font().pointSizeF(), dock.readout.font().pointSizeF(), dock.plot.map_label_font().pointSizeF())
    assert all(b > s for s, b in zip(small, big))
    dock.set_presentation(False)
    assert dock.readout.font().pointSizeF() == small[1]


def test_ui_modules_do_not_import_torch():
    code = ("import sys, mnistviz.ui.featuremap_dock, mnistviz.ui.map_viewer, mnistviz.ui.prediction_dock; "
            "assert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_colour_bar_numbers_follow_the_levels(dock, results):
    """The numbers beside the colour bar: high, middle, low of the stage; min/max when
    relative; none in the empty state. The bar's own axis is never re-ranged."""
    from mnistviz.export import format_value

    dock.show_result(results[0])
    maps = results[0].stages["Conv1 + ReLU"]
    lo, hi = float(maps.min()), float(maps.max())
    assert dock.plot.tick_labels() == [format_value(v) for v in (hi, (lo + hi) / 2, lo)]
    boxes = dock.plot.colour_bar.tick_rects()
    assert [text for text, _ in sorted(boxes, key=lambda b: b[1].top())] == dock.plot.tick_labels()
    dock.set_scale_mode("map")
    assert dock.plot.tick_labels() == ["max", "min"]
    dock.show_result(None)
    assert dock.plot.tick_labels() == [] and dock.plot.colour_bar.tick_rects() == []


# -- the grid follows the dock's shape ---------------------------------------------------


def _resize(dock, width, height):
    dock.resize(width, height)
    for _ in range(3):  # the dock's layout, then the plot's graphics layout
        QApplication.processEvents()


def _tile_rect(dock, index):
    """Map `index`'s tile in the view's coordinates (pixels)."""
    return dock.plot.map_rect_from_image(dock.tile_image_rect(index))


def _zoom(dock):
    """Device pixels per map pixel, as painted."""
    return dock.plot.devicePixelRatioF() * dock.plot.image_rect().width() / dock.layout_.shape[1]


def test_wide_docks_get_more_columns_than_tall_ones(dock, results):
    dock.show_result(results[0])
    _resize(dock, 1500, 220)
    wide = dock.layout_
    _resize(dock, 260, 900)
    tall = dock.layout_
    assert wide.cols > tall.cols and wide.rows < tall.rows
    assert wide.rows * wide.cols >= 10 and tall.rows * tall.cols >= 10


def test_tiles_grow_with_the_dock_width(dock, results):
    """A short dock used to fit a 2x5 grid to its height: widening it gained nothing."""
    dock.show_result(results[0])
    _resize(dock, 700, 260)
    before = _tile_rect(dock, 0).width()
    _resize(dock, 1500, 260)
    after = _tile_rect(dock, 0).width()
    assert after > before * 1.2


@pytest.mark.parametrize("stage_index", [0, 2])
def test_hover_and_click_map_back_in_every_layout(qtbot, results, stage_index):
    dock = FeatureMapDock(stage_index)
    qtbot.addWidget(dock)
    dock.show()
    dock.show_result(results[0])
    maps = list(results[0].stages.values())[stage_index]
    channels, h, w = maps.shape
    layouts = set()
    for size in [(1600, 200), (800, 300), (500, 500), (300, 900), (200, 1400)]:
        _resize(dock, *size)
        layouts.add((dock.layout_.rows, dock.layout_.cols))
        np.testing.assert_array_equal(dock.heatmap.image, _mosaic(dock, maps))  # refilled on re-layout
        for index, row, col in [(0, 0, 0), (3, h - 1, 2), (7, 5, w - 1), (9, h - 1, w - 1)]:
            assert dock.locate(_image_pos(dock, index, row, col)) == (index, row, col)
            assert dock.hover_text((index, row, col)).startswith(f"{dock.stage_name} · filter {index + 1} · "
                                                                 f"row {row}, col {col} · ")
        rect = _tile_rect(dock, 9)  # a real click in the middle of the last tile
        with qtbot.waitSignal(dock.mapClicked) as clicked:
            QTest.mouseClick(dock.plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             rect.center().toPoint())
        assert clicked.args == [stage_index, 9]
    assert len(layouts) >= 3


def test_zoom_is_whole_device_pixels_and_centred(dock, results):
    dock.show_result(results[0])
    for size in [(900, 320), (1300, 260), (640, 400), (333, 777)]:
        _resize(dock, *size)
        zoom = _zoom(dock)
        assert zoom >= 2
        assert zoom == pytest.approx(round(zoom), abs=1e-6)
        # centred: the image and its colour bar together leave equal room left and right (and
        # the image above and below) to a pixel, and its top-left corner is on a whole pixel
        image, bar = dock.plot.image_rect(), dock.plot.colour_bar
        right = bar.rect.right() + bar.numbers_width()
        assert abs(image.left() - (dock.plot.width() - right)) <= 1
        assert abs(image.top() - (dock.plot.height() - image.bottom())) <= 1
        top_left = image.topLeft()
        assert top_left.x() == pytest.approx(round(top_left.x()), abs=1e-6)
        assert top_left.y() == pytest.approx(round(top_left.y()), abs=1e-6)


def test_one_upload_per_result_and_a_new_buffer_only_for_a_new_grid(dock, results, monkeypatch):
    dock.show_result(results[0])
    _resize(dock, 1500, 220)
    buffer = dock.mosaic_image()
    uploads = []
    set_image = dock.heatmap.set_image
    monkeypatch.setattr(dock.heatmap, "set_image", lambda *a, **k: (uploads.append(a[0]), set_image(*a, **k)))
    for r in results[1:]:
        dock.show_result(r)
    assert len(uploads) == len(results) - 1
    assert all(image is buffer for image in uploads)
    _resize(dock, 1500, 240)  # a little taller: the same grid
    assert dock.mosaic_image() is buffer
    _resize(dock, 300, 900)  # another grid: one new buffer, filled with the shown maps
    assert dock.mosaic_image() is not buffer and np.shares_memory(dock.heatmap.image, dock.mosaic_image())
    np.testing.assert_array_equal(dock.mosaic_image(), _mosaic(dock, results[-1].stages["Conv1 + ReLU"]))


# -- presentation: nothing covers the maps, nothing is clipped ---------------------------

# Stage dock sizes measured in the running app (presentation mode, full screen, type 1.5x;
# and windowed) on screens of 1024x768, 1280x800 and 1920x1080.
DOCK_SIZES = [(590, 153), (590, 132), (737, 143), (737, 133), (960, 241), (960, 204),
              (590, 173), (737, 184), (960, 265)]


@pytest.mark.parametrize("size", DOCK_SIZES)
@pytest.mark.parametrize("stage_index", [0, 2])
def test_presentation_labels_leave_the_maps_visible_and_text_fits(qtbot, results, size, stage_index):
    dock = FeatureMapDock(stage_index)
    qtbot.addWidget(dock)
    dock.show()
    dock.set_presentation(True)
    dock.set_scale_mode("map")  # the longest readout and axis label
    dock.show_result(results[0])
    _resize(dock, *size)
    viewport = QRectF(dock.plot.rect())
    # every shown filter number covers at most a fifth of its tile
    for index, (text, box) in enumerate(dock.plot.map_label_rects()):
        assert text == str(index + 1)
        tile = _tile_rect(dock, index)
        covered = box.intersected(tile)
        assert covered.width() * covered.height() <= 0.2 * tile.width() * tile.height()
        assert viewport.contains(box)
    # the reading goes to the window's status bar: the dock's own readout line gives its
    # height to the maps
    channels, h, w = list(results[0].stages.values())[stage_index].shape
    assert not dock.readout.isVisible()
    with qtbot.waitSignal(dock.hovered) as hovered:
        dock.plot.pointerMoved.emit(_image_pos(dock, 9, h - 1, w - 1))
    assert "filter 10" in hovered.args[0]
    # the colour bar's numbers and its axis label are inside the view
    numbers = dock.plot.colour_bar.tick_rects()
    assert len(numbers) == 2
    for _, box in numbers:
        assert viewport.contains(box)
    bar = dock.plot.colour_bar
    if bar.label:
        assert QFontMetricsF(bar.font).horizontalAdvance(bar.label) <= bar.rect.height()
        assert viewport.contains(bar.label_rect())


def test_presentation_numbers_are_large_where_the_tiles_are(qtbot, results):
    """Large tiles keep the presentation label size; small tiles get smaller numbers."""
    dock = FeatureMapDock(0)
    qtbot.addWidget(dock)
    dock.show()
    dock.set_presentation(True)
    dock.show_result(results[0])
    _resize(dock, 1400, 700)
    assert _labels_shown(dock) and dock.plot.map_label_font().pointSizeF() == 13
    _resize(dock, 590, 153)
    assert (not _labels_shown(dock)) or dock.plot.map_label_font().pointSizeF() < 13


def test_theme_colours_the_panel_but_not_the_maps(dock, results):
    from mnistviz.ui import theme as themes

    dock.show_result(results[0])
    lut = dock.heatmap.lut
    dock.set_theme(themes.LIGHT)
    colours = dock.plot.colours()
    assert colours["background"] == QColor(themes.LIGHT.plot_background)
    assert colours["label_fill"] == themes.qcolor(themes.LIGHT.label_fill)
    assert colours["text"] == QColor(themes.LIGHT.plot_text)
    assert dock.plot.colour_bar.text_colour == QColor(themes.LIGHT.plot_text)
    assert themes.LIGHT.plot_background in dock.widget().styleSheet()
    assert dock.heatmap.lut is lut  # the heatmap colours are data
    # painted in the theme: the background around the maps, and the bar's numbers
    shot = dock.plot.grab().toImage()
    assert shot.pixelColor(1, 1) == QColor(themes.LIGHT.plot_background)
    [(_, number), *_] = dock.plot.colour_bar.tick_rects()
    text = [shot.pixelColor(x, y) for x in range(int(number.left()), int(number.right()))
            for y in range(int(number.top()), int(number.bottom()))]
    darkest = min(text, key=lambda c: c.lightness())
    assert darkest.lightness() < QColor(themes.LIGHT.plot_background).lightness() - 100
