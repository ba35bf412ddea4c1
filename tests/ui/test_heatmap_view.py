"""HeatmapView and its parts: sharp, centred zoom; readouts and labels that fit; fast colours."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF, QImage
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from mnistviz import colormaps
from mnistviz.mosaic import Levels, mosaic
from mnistviz.ui.heatmap_view import (
    LABEL_AREA,
    HeatmapView,
    MapLabel,
    MosaicImageItem,
    Readout,
    label_font,
    reading_texts,
    scale_label,
)


def _settle():
    for _ in range(3):
        QApplication.processEvents()


@pytest.fixture
def view(qtbot):
    # Inside a plain widget, as in the docks: pyqtgraph's GraphicsView.close() of a top-level
    # ColorBarItem view crashes (it did before this module too).
    holder = QWidget()
    qtbot.addWidget(holder)
    view = HeatmapView(holder)
    QVBoxLayout(holder).addWidget(view)
    view.resize = holder.resize
    view.image_item.setImage(np.zeros((58, 148), np.float32), autoLevels=False, levels=(0, 1))
    view.set_image_size(148, 58)
    view.resize(700, 300)
    holder.show()
    qtbot.waitExposed(holder)
    _settle()
    return view


def _image_on_viewport(view) -> QRectF:
    return view.viewportTransform().mapRect(view.image_item.sceneBoundingRect())


def test_image_is_shown_at_a_whole_zoom_centred_on_whole_pixels(view):
    for size in [(700, 300), (1000, 250), (451, 377)]:
        view.resize(*size)
        _settle()
        area_w, area_h = view.image_area()
        zoom = view.zoom()
        assert zoom == int(zoom) and zoom >= 1
        assert 148 * zoom <= area_w and 58 * zoom <= area_h  # all of it is shown
        assert 148 * (zoom + 1) > area_w or 58 * (zoom + 1) > area_h  # as large as it gets
        image = _image_on_viewport(view)
        assert image.width() == pytest.approx(148 * zoom) and image.height() == pytest.approx(58 * zoom)
        assert image.left() == pytest.approx(round(image.left())) and image.top() == pytest.approx(round(image.top()))
        # centred on the height; sideways, the image and the colour bar together are centred
        assert abs(image.top() - (view.viewport().height() - image.bottom())) <= 2
        bar = view.viewportTransform().mapRect(view.color_bar.mapRectToScene(view.color_bar.rect()))
        assert abs(image.left() - (view.viewport().width() - bar.right())) <= 2


def test_below_one_to_one_the_image_is_fitted_exactly(view):
    view.set_image_size(2000, 100)
    _settle()
    assert 0 < view.zoom() < 1
    assert view.zoom() == pytest.approx(view.image_area()[0] / 2000)


def test_area_changed_reports_the_room_before_placing(view, qtbot):
    seen = []
    view.areaChanged.connect(lambda w, h: seen.append((w, h, view.zoom())))
    with qtbot.waitSignal(view.areaChanged):
        view.resize(1200, 400)
    w, h, _ = seen[-1]
    assert (w, h) == view.image_area()
    assert w > 700 - 150 and h > 300


def test_readout_shows_the_longest_reading_that_fits(qtbot):
    readout = Readout()
    qtbot.addWidget(readout)
    readout.show()
    texts = reading_texts("Conv2 + ReLU", 9, 27, 27, 12.3456, share=1.0)
    metrics = QFontMetricsF(readout.font())
    for width in (900, 420, 300, 200, 120, 40):
        readout.resize(width, 20)
        readout.show_text(*texts)
        assert metrics.horizontalAdvance(readout.text()) <= readout.contentsRect().width()
        assert readout.fits() and readout.full_text() == texts[0]
    readout.resize(900, 20)
    assert readout.text() == texts[0] == "Conv2 + ReLU · filter 10 · row 27, col 27 · value 12.35 (100 % of this map's range)"
    readout.resize(200, 20)
    assert readout.text() in texts[1:]
    assert readout.minimumSizeHint().width() < 200 or readout.sizePolicy().horizontalPolicy().name == "Ignored"


@pytest.mark.parametrize("presentation", [False, True])
@pytest.mark.parametrize("tile", [120, 84, 56, 42, 28])
def test_label_font_keeps_the_number_box_small(qtbot, presentation, tile):
    font = label_font(presentation, tile, tile)
    if font is None:
        return  # too small for a number: none is shown
    w, h = MapLabel.box_size(font, "10")
    assert w * h <= LABEL_AREA * tile * tile
    label = MapLabel("10", "#ffffff", pg.mkBrush(0, 0, 0, 150))
    label.setFont(font)
    assert label.rect().width() * label.rect().height() <= 0.2 * tile * tile


def test_label_font_is_the_mode_size_on_large_tiles():
    assert label_font(False, 200, 200).pointSizeF() == 8
    assert label_font(True, 200, 200).pointSizeF() == 13
    assert label_font(True, 56, 56).pointSizeF() < 13
    assert label_font(True, 10, 10) is None


def test_axis_label_shortens_on_a_short_bar(view):
    view.set_fonts(True)
    levels = Levels(0.0, 1.0, True)
    view.resize(700, 400)
    _settle()
    view.set_levels(levels, scale_label(levels, "map"))
    assert view.axis_label() == "relative (each map)"
    view.resize(700, 130)
    _settle()
    assert view.axis_label() in ("relative", "")
    label = view.color_bar.getAxis("left")
    metrics = QFontMetricsF(label.label.font())
    assert metrics.horizontalAdvance(label.labelText) <= view.color_bar.axis.size().height()
    view.resize(700, 400)
    _settle()
    assert view.axis_label() == "relative (each map)"


def test_colour_bar_numbers_stay_inside_the_view(view):
    view.set_fonts(True)
    view.set_levels(Levels(-0.0123, 1234.0), scale_label(Levels(0, 1), "stage"))
    for height in (400, 160, 110):
        view.resize(700, height)
        _settle()
        viewport = QRectF(view.viewport().rect())
        for item in view.tick_items():
            assert viewport.contains(view.viewportTransform().mapRect(item.sceneBoundingRect()))


def _argb(image):
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return rows.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width()].copy()


@pytest.mark.parametrize("levels", [None, (0.5, 0.5), (-1.0, 0.25)])
def test_fast_render_colours_like_pyqtgraph(qtbot, levels):
    """MosaicImageItem's own render gives pyqtgraph's colours; the gaps stay transparent."""
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


@pytest.mark.parametrize("presentation", [False, True])
def test_the_axis_label_is_shown_whole_or_not_at_all(view, presentation):
    view.set_fonts(presentation)
    levels = Levels(0.0, 1.81)
    label = view.color_bar.getAxis("left").label
    for height in range(90, 260, 6):
        view.set_levels(None, "")  # the empty state, then a drawing: the label comes after the resize
        view.resize(700, height)
        _settle()
        view.set_levels(levels, scale_label(levels, "stage"))
        _settle()
        viewport = QRectF(view.viewport().rect())
        if view.axis_label():
            shown = view.mapFromScene(label.sceneBoundingRect()).boundingRect()
            # The text's box less the document's margins: no letter cut off by the view's edge.
            margin = label.document().documentMargin()
            assert viewport.contains(QRectF(shown).adjusted(0, margin, 0, -margin)), (height, view.axis_label(), shown)
