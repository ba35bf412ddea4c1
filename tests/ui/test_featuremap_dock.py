"""FeatureMapDock: one mosaic per stage, updated in place; hover, click, scale modes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
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


def _scene_pos(dock, index, row, col):
    """The scene position of the centre of pixel (row, col) of map `index`."""
    y0, x0 = dock.layout_.origin(index)
    return dock.view_box.mapViewToScene(QPointF(x0 + col + 0.5, y0 + row + 0.5))


def _widget_pos(dock, index, row, col):
    return dock.plot.mapFromScene(_scene_pos(dock, index, row, col))


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
    np.testing.assert_array_equal(dock.image_item.image, mosaic(maps))  # NaN gaps compare equal
    lo, hi = float(maps.min()), float(maps.max())
    np.testing.assert_allclose(dock.image_item.levels, (lo, hi))
    np.testing.assert_allclose(dock.color_bar.levels(), (lo, hi))
    np.testing.assert_array_equal(dock.image_item.lut, colormaps.lut("viridis"))


def test_items_are_created_once(dock, results):
    def items():
        return ([dock.image_item, dock.view_box, dock.color_bar, dock.empty_overlay, dock.mosaic_image()]
                + list(dock.labels))

    dock.show_result(results[0])
    before = items()
    scene_count = len(dock.plot.scene().items())
    for r in results[1:]:
        dock.show_result(r)
    after = items()
    assert all(a is b for a, b in zip(before, after)) and len(before) == len(after)
    assert np.shares_memory(dock.image_item.image, dock.mosaic_image())  # the buffer, filled in place
    assert len(dock.plot.scene().items()) == scene_count
    np.testing.assert_array_equal(dock.image_item.image, mosaic(results[-1].stages["Conv1 + ReLU"]))


def test_hover_reports_filter_row_col_value(dock, results, qtbot):
    dock.show_result(results[0])
    maps = results[0].stages["Conv1 + ReLU"]
    texts = []
    dock.hovered.connect(texts.append)
    dock.plot.scene().sigMouseMoved.emit(_scene_pos(dock, 2, 12, 7))
    expected = f"Conv1 + ReLU · filter 3 · row 12, col 7 · value {maps[2, 12, 7]:.2f}"
    assert texts == [expected]
    assert dock.readout.text() == expected
    assert dock.locate_scene(_scene_pos(dock, 9, 27, 0)) == (9, 27, 0)

    # a real pointer move over the widget gives the same (once the layout has settled)
    QApplication.processEvents()
    QTest.mouseMove(dock.plot.viewport(), _widget_pos(dock, 6, 3, 20))
    qtbot.waitUntil(lambda: len(texts) == 2)
    assert texts[-1] == f"Conv1 + ReLU · filter 7 · row 3, col 20 · value {maps[6, 3, 20]:.2f}"

    # into a gap: the readout clears
    layout = dock.layout_
    gap = dock.view_box.mapViewToScene(QPointF(layout.width + 0.5, 5.5))
    dock.plot.scene().sigMouseMoved.emit(gap)
    assert texts[-1] == "" and "Hover" in dock.readout.text()


def test_hover_follows_new_results(dock, results):
    dock.show_result(results[0])
    texts = []
    dock.hovered.connect(texts.append)
    dock.plot.scene().sigMouseMoved.emit(_scene_pos(dock, 4, 14, 14))
    dock.show_result(results[1])
    value = results[1].stages["Conv1 + ReLU"][4, 14, 14]
    assert texts[-1].endswith(f"value {value:.2f}")


def test_click_opens_an_enlarged_view(dock, results, qtbot):
    dock.show_result(results[0])
    QApplication.processEvents()
    with qtbot.waitSignal(dock.mapClicked) as signal:
        QTest.mouseClick(dock.plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         _widget_pos(dock, 5, 10, 10))
    assert signal.args == [5]
    viewer = dock.viewer()
    assert viewer is not None and viewer.isVisible() and not viewer.isModal()
    assert viewer.windowTitle() == "Conv1 + ReLU · filter 6"
    maps = results[0].stages["Conv1 + ReLU"]
    np.testing.assert_array_equal(viewer.plot.image_item.image, maps[5])
    # it follows new drawings while open
    dock.show_result(results[1])
    np.testing.assert_array_equal(viewer.plot.image_item.image, results[1].stages["Conv1 + ReLU"][5])
    # and has its own hover readout
    p = viewer.plot.view_box.mapViewToScene(QPointF(3.5, 8.5))
    viewer.plot.scene().sigMouseMoved.emit(p)
    assert viewer.readout.text() == (f"Conv1 + ReLU · filter 6 · row 8, col 3 · "
                                     f"value {results[1].stages['Conv1 + ReLU'][5, 8, 3]:.2f}")
    # the same window is reused for another map
    dock.open_map(0)
    assert dock.viewer() is viewer and viewer.windowTitle().endswith("filter 1")
    viewer.close()


def test_none_shows_the_empty_state(dock, results):
    dock.show_result(results[0])
    assert not dock.is_empty() and not dock.empty_overlay.isVisible()
    dock.show_result(None)
    assert dock.is_empty()
    assert dock.empty_overlay.isVisible()
    assert dock.levels() is None
    image = dock.image_item.image
    assert np.shares_memory(image, dock.mosaic_image())
    np.testing.assert_array_equal(image[~np.isnan(image)], 0.0)  # not the last result
    assert not any(label.isVisible() for label in dock.labels)
    texts = []
    dock.hovered.connect(texts.append)
    dock.plot.scene().sigMouseMoved.emit(_scene_pos(dock, 0, 1, 1))
    assert texts == [] and dock.locate_scene(_scene_pos(dock, 0, 1, 1)) == (0, 1, 1)
    dock.show_result(results[1])
    assert not dock.is_empty() and not dock.empty_overlay.isVisible()
    assert all(label.isVisible() for label in dock.labels[:10])


def test_map_mode_shows_relative_values(dock, results):
    dock.set_scale_mode("map")
    dock.show_result(results[0])
    maps = results[0].stages["Conv1 + ReLU"]
    np.testing.assert_allclose(dock.image_item.image, mosaic(normalise_per_map(maps)))
    assert tuple(dock.image_item.levels) == (0.0, 1.0)
    assert dock.levels().relative
    assert "relative" in dock.color_bar.getAxis("left").labelText
    texts = []
    dock.hovered.connect(texts.append)
    dock.plot.scene().sigMouseMoved.emit(_scene_pos(dock, 1, 10, 10))
    assert f"value {maps[1, 10, 10]:.2f}" in texts[-1]  # hover reads the real value
    dock.set_scale_mode("stage")
    np.testing.assert_array_equal(dock.image_item.image, mosaic(maps))
    assert "relative" not in dock.color_bar.getAxis("left").labelText


def test_fixed_mode_grows_and_resets(dock, results):
    dock.set_scale_mode("fixed")
    ranges = []
    for r in results:
        dock.show_result(r)
        maps = r.stages["Conv1 + ReLU"]
        ranges.append((float(maps.min()), float(maps.max())))
        lo, hi = min(a for a, _ in ranges), max(b for _, b in ranges)
        np.testing.assert_allclose(dock.image_item.levels, (lo, hi))
        np.testing.assert_allclose(dock.color_bar.levels(), (lo, hi))
    dock.reset_fixed_range()
    np.testing.assert_allclose(dock.image_item.levels, ranges[-1])
    assert dock.fixed_range() == pytest.approx(ranges[-1])


def test_colormap_changes_the_lut(dock, results):
    dock.show_result(results[0])
    image = dock.image_item.image
    dock.set_colormap("inferno")
    np.testing.assert_array_equal(dock.image_item.lut, colormaps.lut("inferno"))
    assert dock.image_item.image is image
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
    assert dock.layout_ == MosaicLayout.for_shape((16, 7, 7))
    np.testing.assert_array_equal(dock.image_item.image, mosaic(stages["Narrow"]))
    assert sum(label.isVisible() for label in dock.labels) == 16
    dock.show_result(results[1])
    assert dock.windowTitle() == "Conv1 + ReLU (10 @ 28×28)"
    assert sum(label.isVisible() for label in dock.labels) == 10


def test_presentation_enlarges_fonts(dock):
    small = (dock.font().pointSizeF(), dock.readout.font().pointSizeF(), dock.labels[0].textItem.font().pointSizeF())
    dock.set_presentation(True)
    big = (dock.font().pointSizeF(), dock.readout.font().pointSizeF(), dock.labels[0].textItem.font().pointSizeF())
    assert all(b > s for s, b in zip(small, big))
    dock.set_presentation(False)
    assert dock.readout.font().pointSizeF() == small[1]


def test_no_pan_zoom_and_y_down(dock):
    assert dock.view_box.state["mouseEnabled"] == [False, False]
    assert dock.view_box.state["yInverted"] is True
    assert dock.view_box.state["aspectLocked"]
    assert dock.view_box.state["autoRange"] == [False, False]


def test_ui_modules_do_not_import_torch():
    code = ("import sys, mnistviz.ui.featuremap_dock, mnistviz.ui.prediction_dock; "
            "assert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def _argb(image):
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return rows.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width()].copy()


@pytest.mark.parametrize("levels", [None, (0.5, 0.5), (-1.0, 0.25)])
def test_fast_render_colours_like_pyqtgraph(qtbot, levels):
    """MosaicImageItem's own render gives pyqtgraph's colours; the gaps stay transparent."""
    import pyqtgraph as pg

    from mnistviz.ui.featuremap_dock import MosaicImageItem

    maps = (np.random.default_rng(3).random((10, 28, 28)) * 4 - 1).astype(np.float32)
    image = mosaic(maps)
    levels = levels or (float(np.nanmin(image)), float(np.nanmax(image)))
    fast, reference = MosaicImageItem(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
    for item in (fast, reference):
        item.setLookupTable(colormaps.lut("cividis"))
        item.setImage(image, autoLevels=False, levels=levels)
        item.render()
    got, expected = _argb(fast.qimage), _argb(reference.qimage)
    gaps = np.isnan(image)
    np.testing.assert_array_equal(got[~gaps], expected[~gaps])
    assert (got[gaps][:, 3] == 0).all() and (expected[gaps][:, 3] == 0).all()


def test_colour_bar_numbers_follow_the_levels(dock, results):
    """The numbers beside the colour bar: high, middle, low of the stage; min/max when
    relative; none in the empty state. The bar's own axis is never re-ranged."""
    from mnistviz.export import format_value

    axis_range = list(dock.color_bar.axis.range)
    dock.show_result(results[0])
    maps = results[0].stages["Conv1 + ReLU"]
    lo, hi = float(maps.min()), float(maps.max())
    assert dock.plot.tick_labels() == [format_value(v) for v in (hi, (lo + hi) / 2, lo)]
    texts = [t for t in dock.plot._tick_texts if t.isVisible()]
    assert [t.text() for t in sorted(texts, key=lambda t: t.pos().y())] == dock.plot.tick_labels()
    dock.set_scale_mode("map")
    assert dock.plot.tick_labels() == ["max", "min"]
    dock.show_result(None)
    assert dock.plot.tick_labels() == [] and not any(t.isVisible() for t in dock.plot._tick_texts)
    assert list(dock.color_bar.axis.range) == axis_range
