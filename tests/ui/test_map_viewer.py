"""MapViewer: one enlarged map for every stage, beside the clicked map, live, closed by Esc."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mnistviz import colormaps
from mnistviz.model import load_model
from mnistviz.ui.featuremap_dock import FeatureMapDock
from mnistviz.ui.map_viewer import MapViewer


@pytest.fixture
def results(contract_model_path, samples):
    model = load_model(contract_model_path)
    images, labels = samples
    return [model.run(images[np.flatnonzero(labels == d)[0]] / 255.0) for d in (7, 0)]


@pytest.fixture
def docks(qtbot, results):
    """Three stage docks, as the window has them, and one viewer following all of them."""
    docks = []
    for index in range(3):
        dock = FeatureMapDock(index)
        qtbot.addWidget(dock)
        dock.resize(560, 180)  # three of them inside the offscreen platform's 800x600 screen
        dock.move(220, 10 + 195 * index)
        dock.show()
        dock.show_result(results[0])
        docks.append(dock)
    qtbot.waitExposed(docks[-1])
    QApplication.processEvents()
    return docks


@pytest.fixture
def viewer(qtbot, docks):
    viewer = MapViewer(docks)
    qtbot.addWidget(viewer)
    return viewer


def _tile_centre(dock, index) -> QPoint:
    """The widget position (in the plot's viewport) of the middle of map `index`."""
    return dock.plot.map_rect_from_image(dock.tile_image_rect(index)).center().toPoint()


def _click(dock, index):
    QTest.mouseClick(dock.plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     _tile_centre(dock, index))


def _visible_viewers():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MapViewer) and w.isVisible()]


def test_one_viewer_follows_clicks_in_every_stage(docks, viewer, results):
    _click(docks[0], 2)  # stage 1, filter 3
    assert _visible_viewers() == [viewer]
    assert viewer.windowTitle() == "Conv1 + ReLU · filter 3"
    _click(docks[1], 4)  # stage 2, filter 5
    assert _visible_viewers() == [viewer]
    assert viewer.windowTitle() == viewer.title.text() == "Conv2 + ReLU · filter 5"
    np.testing.assert_array_equal(viewer.plot.heatmap.image, results[0].stages["Conv2 + ReLU"][4])
    assert viewer.plot.tick_labels() == docks[1].plot.tick_labels()  # its colour bar reads as the stage's
    assert viewer.windowFlags() & Qt.WindowType.Tool == Qt.WindowType.Tool
    assert not viewer.isModal()


def test_esc_hides_the_viewer(docks, viewer):
    _click(docks[2], 7)
    assert viewer.isVisible()
    QTest.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()
    _click(docks[2], 1)  # and it comes back on the next click
    assert viewer.isVisible() and viewer.windowTitle() == "MaxPool · filter 2"


def test_new_results_update_the_viewer(docks, viewer, results):
    _click(docks[1], 4)
    docks[1].show_result(results[1])
    np.testing.assert_array_equal(viewer.plot.heatmap.image, results[1].stages["Conv2 + ReLU"][4])
    lo, hi = docks[1].levels()[:2]
    np.testing.assert_allclose(viewer.plot.heatmap.levels, (lo, hi))
    docks[0].show_result(results[1])  # another stage: no change here
    np.testing.assert_array_equal(viewer.plot.heatmap.image, results[1].stages["Conv2 + ReLU"][4])
    docks[1].show_result(None)  # the empty state: a dimmed map without numbers
    assert viewer.snapshot().raw is None and viewer.plot.tick_labels() == []
    assert viewer.plot.heatmap.opacity() < 1


def test_hover_reads_the_enlarged_map(docks, viewer, results):
    _click(docks[0], 5)
    texts = []
    viewer.hovered.connect(texts.append)
    viewer.plot.pointerMoved.emit(QPointF(3.5, 8.5))
    value = results[0].stages["Conv1 + ReLU"][5, 8, 3]
    assert texts[-1] == viewer.readout.text() == f"Conv1 + ReLU · filter 6 · row 8, col 3 · value {value:.2f}"
    docks[0].show_result(results[1])  # the reading follows a new result under a still pointer
    assert texts[-1].endswith(f"value {results[1].stages['Conv1 + ReLU'][5, 8, 3]:.2f}")


@pytest.mark.parametrize("stage, index", [(0, 0), (0, 9), (2, 9), (1, 5)])
def test_opens_beside_the_clicked_map_inside_the_screen(docks, viewer, stage, index):
    _click(docks[stage], index)
    tile = docks[stage].tile_rect(index)
    frame = viewer.frameGeometry()
    available = (QGuiApplication.screenAt(tile.center()) or viewer.screen()).availableGeometry()
    assert available.contains(frame)
    assert not frame.intersects(tile)  # the clicked map stays in sight
    # near it: the gap between the window and the tile is small on one side at least
    gaps = [frame.left() - tile.right(), tile.left() - frame.right(), frame.top() - tile.bottom(),
            tile.top() - frame.bottom()]
    assert min(g for g in gaps if g >= 0) <= 40


def test_placement_prefers_the_right_and_keeps_on_screen(viewer):
    available = QGuiApplication.primaryScreen().availableGeometry()
    viewer.stage_index = -1
    room_right = QRect(available.left() + 10, available.top() + 100, 50, 50)
    viewer.place_near(room_right)
    assert viewer.frameGeometry().left() > room_right.right()
    corner = QRect(available.right() - 60, available.bottom() - 60, 50, 50)
    viewer.place_near(corner)
    assert available.contains(viewer.frameGeometry()) and not viewer.frameGeometry().intersects(corner)


def test_retargeting_keeps_the_window_where_it_is_unless_it_hides_the_map(docks, viewer):
    _click(docks[0], 0)
    viewer.resize(180, 160)
    viewer.move(3, 5)  # dragged aside, clear of the docks
    where = viewer.pos()
    _click(docks[2], 9)
    assert viewer.pos() == where and viewer.windowTitle() == "MaxPool · filter 10"
    tile = docks[1].tile_rect(0)
    viewer.move(tile.right() - 20, tile.bottom() - 20)  # over the corner of the next map clicked
    _click(docks[1], 0)
    assert viewer.windowTitle() == "Conv2 + ReLU · filter 1"
    assert not viewer.frameGeometry().intersects(tile)


def test_follows_colours_and_presentation(docks, viewer):
    _click(docks[1], 0)
    small = viewer.readout.font().pointSizeF()
    docks[1].set_colormap("inferno")
    np.testing.assert_array_equal(viewer.plot.heatmap.lut, colormaps.lut("inferno"))
    docks[1].set_presentation(True)
    assert viewer.readout.font().pointSizeF() > small
    assert viewer.title.font().pointSizeF() > small


def test_theme(docks, viewer):
    from mnistviz.ui import theme as themes

    viewer.set_theme(themes.LIGHT)
    assert viewer.plot.colours()["background"] == QColor(themes.LIGHT.plot_background)
    assert themes.LIGHT.plot_text in viewer.styleSheet()


def test_zoom_is_whole_pixels(docks, viewer):
    _click(docks[2], 3)  # 14x14
    QApplication.processEvents()
    zoom = viewer.plot.zoom()
    assert zoom >= 1 and zoom == int(zoom)


def test_the_window_has_one_viewer_for_all_stages(qtbot):
    """In the real window: clicks in two stages leave one enlarged map; Esc closes it and
    keeps the drawing."""
    from mnistviz.app import build_window

    win = build_window()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.model_info is not None, timeout=60_000)
    with qtbot.waitSignal(win.resultShown, timeout=30_000, check_params_cb=lambda r: r is not None):
        win.canvas.show_sample(7)
    QApplication.processEvents()
    _click(win.stage_docks[0], 2)
    _click(win.stage_docks[1], 4)
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and "filter" in w.windowTitle()]
    assert [w.windowTitle() for w in shown] == ["Conv2 + ReLU · filter 5"]
    np.testing.assert_array_equal(shown[0].plot.heatmap.image, win.last_result.stages["Conv2 + ReLU"][4])
    QTest.keyClick(shown[0], Qt.Key.Key_Escape)
    assert not shown[0].isVisible()
    assert win.canvas.image_array().any()
    win.close()
