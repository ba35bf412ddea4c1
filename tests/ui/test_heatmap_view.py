"""HeatmapView and its parts: sharp, centred zoom; readouts and labels that fit; the colours
of pyqtgraph's ImageItem; image coordinates for the pointer."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from mnistviz import colormaps
from mnistviz.mosaic import Levels, mosaic
from mnistviz.ui.heatmap_image import HeatmapImage
from mnistviz.ui.heatmap_view import (
    LABEL_AREA,
    HeatmapView,
    Readout,
    label_box_size,
    label_font,
    reading_texts,
    scale_label,
)


def _settle():
    for _ in range(3):
        QApplication.processEvents()


@pytest.fixture
def view(qtbot):
    # Inside a plain widget, as in the docks.
    holder = QWidget()
    qtbot.addWidget(holder)
    view = HeatmapView(holder)
    QVBoxLayout(holder).addWidget(view)
    view.resize = holder.resize
    view.set_lut("viridis")
    view.heatmap.set_image(np.zeros((58, 148), np.float32), (0, 1))
    view.set_image_size(148, 58)
    view.resize(700, 300)
    holder.show()
    qtbot.waitExposed(holder)
    _settle()
    return view


def _image_on_viewport(view) -> QRectF:
    return view.image_rect()


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
        assert abs(image.top() - (view.height() - image.bottom())) <= 2
        bar_right = view.colour_bar.rect.right() + view.colour_bar.numbers_width()
        assert image.right() < view.colour_bar.rect.left()
        assert abs(image.left() - (view.width() - bar_right)) <= 2


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
    w, h = label_box_size(font, "10")
    assert w * h <= LABEL_AREA * tile * tile
    view = HeatmapView()
    qtbot.addWidget(view)
    view.set_map_labels([(0.0, 0.0, "10")], font)
    [(text, box)] = view.map_label_rects()
    assert text == "10" and box.width() * box.height() <= 0.2 * tile * tile


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
    metrics = QFontMetricsF(view.colour_bar.font)
    assert metrics.horizontalAdvance(view.axis_label()) <= view.colour_bar.rect.height()
    view.resize(700, 400)
    _settle()
    assert view.axis_label() == "relative (each map)"


def test_colour_bar_numbers_stay_inside_the_view(view):
    view.set_fonts(True)
    view.set_levels(Levels(-0.0123, 1234.0), scale_label(Levels(0, 1), "stage"))
    for height in (400, 160, 110):
        view.resize(700, height)
        _settle()
        numbers = view.colour_bar.tick_rects()
        assert [text for text, _ in numbers] == view.tick_labels() and len(numbers) == 3
        for _, box in numbers:
            assert QRectF(view.rect()).contains(box)


def _argb(image):
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return rows.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width()].copy()


@pytest.mark.parametrize("levels", [None, (0.5, 0.5), (-1.0, 0.25)])
def test_heatmap_colours_like_pyqtgraph(qtbot, levels):
    """HeatmapImage gives pyqtgraph's ImageItem's colours; the gaps stay transparent."""
    maps = (np.random.default_rng(3).random((10, 28, 28)) * 4 - 1).astype(np.float32)
    image = mosaic(maps)
    levels = levels or (float(np.nanmin(image)), float(np.nanmax(image)))
    heatmap, reference = HeatmapImage(), pg.ImageItem(axisOrder="row-major")
    heatmap.set_lut(colormaps.lut("cividis"))
    heatmap.set_image(image, levels)
    reference.setLookupTable(colormaps.lut("cividis"))
    reference.setImage(image, autoLevels=False, levels=levels)
    reference.render()
    got, expected = _argb(heatmap.qimage()), _argb(reference.qimage)
    gaps = np.isnan(image)
    np.testing.assert_array_equal(got[~gaps], expected[~gaps])
    assert (got[gaps][:, 3] == 0).all() and (expected[gaps][:, 3] == 0).all()


@pytest.mark.parametrize("presentation", [False, True])
def test_the_axis_label_is_shown_whole_or_not_at_all(view, presentation):
    view.set_fonts(presentation)
    levels = Levels(0.0, 1.81)
    for height in range(90, 260, 6):
        view.set_levels(None, "")  # the empty state, then a drawing: the label comes after the resize
        view.resize(700, height)
        _settle()
        view.set_levels(levels, scale_label(levels, "stage"))
        _settle()
        if view.axis_label():
            shown = view.colour_bar.label_rect()
            assert QRectF(view.rect()).contains(shown), (height, view.axis_label(), shown)
            assert shown.height() <= view.colour_bar.rect.height()


def test_the_pointer_is_reported_in_image_pixels(view, qtbot):
    """Moves and clicks arrive as image coordinates; a drag is not a click."""
    view.resize(700, 300)
    _settle()
    zoom, rect = view.zoom(), view.image_rect()
    inside = QPointF(rect.left() + 20.5 * zoom, rect.top() + 7.5 * zoom)
    assert view.map_to_image(inside) == QPointF(20.5, 7.5)
    assert view.map_from_image(QPointF(20.5, 7.5)) == inside
    with qtbot.waitSignal(view.pointerMoved) as moved:
        QTest.mouseMove(view, inside.toPoint())
    assert abs(moved.args[0].x() - 20.5) <= 0.5 / zoom + 1e-9 and abs(moved.args[0].y() - 7.5) <= 0.5 / zoom + 1e-9
    with qtbot.waitSignal(view.clicked) as clicked:
        QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, inside.toPoint())
    assert int(clicked.args[0].x()) == 20 and int(clicked.args[0].y()) == 7
    with qtbot.assertNotEmitted(view.clicked):
        QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, inside.toPoint())
        QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           inside.toPoint() + QPoint(40, 0))


def test_what_is_painted_is_the_image_its_labels_and_the_bar(view):
    """The widget's own pixels: each image pixel its colour, a filter number's box over its
    tile, the colour table along the bar (high at the top)."""
    values = np.tile(np.linspace(0, 1, 148, dtype=np.float32), (58, 1))
    view.heatmap.set_image(values, (0.0, 1.0))
    view.set_levels(Levels(0.0, 1.0), "activation")
    view.set_map_labels([(100.0, 40.0, "7")], label_font(False, 200, 200))
    view.resize(700, 300)
    _settle()
    shot = view.grab().toImage()
    lut = colormaps.lut("viridis")
    zoom, rect = view.zoom(), view.image_rect()
    for col in (0, 50, 147):
        pixel = shot.pixelColor(int(rect.left() + (col + 0.5) * zoom), int(rect.top() + 10.5 * zoom))
        index = min(int(values[10, col] * 256), 255)
        assert np.abs(np.array([pixel.red(), pixel.green(), pixel.blue()]) - lut[index]).max() <= 2
    [(_, box)] = view.map_label_rects()
    assert box.topLeft() == view.map_from_image(QPointF(100.0, 40.0))
    view.set_map_labels([])
    bare = view.grab().toImage()
    corner = (int(box.left()) + 1, int(box.bottom()) - 1)  # the box's fill, under no letter
    assert shot.pixelColor(*corner) != bare.pixelColor(*corner)
    beside = (int(box.right()) + 3, int(box.bottom()) - 1)
    assert shot.pixelColor(*beside) == bare.pixelColor(*beside)
    bar = view.colour_bar.rect
    top = shot.pixelColor(int(bar.center().x()), int(bar.top()) + 2)
    bottom = shot.pixelColor(int(bar.center().x()), int(bar.bottom()) - 2)
    assert np.abs(np.array([top.red(), top.green(), top.blue()]) - lut[-1]).max() <= 8
    assert np.abs(np.array([bottom.red(), bottom.green(), bottom.blue()]) - lut[0]).max() <= 8
