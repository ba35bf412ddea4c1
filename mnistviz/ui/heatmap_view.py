"""The heatmap parts the feature-map docks and the enlarged map share.

`HeatmapView` is one ViewBox holding one `MosaicImageItem`, with a `ColourBar` beside it.
It shows its image as large as its room allows, centred, at a whole number of device
pixels per image pixel once that is at least 1:1 (`mnistviz.mosaic.fit_zoom`), so every
map pixel is an equal, sharp square. Also here: the colours and fonts of the plots, the
filter-number labels (`MapLabel`), and a one-line `Readout` that never overflows.

Repaint cost (measured with ``mnistviz bench``): everything that changes with a result
is a plain Qt item or the image. The filter numbers are `MapLabel`s (no Python runs to
paint them); the colour bar's numbers are Qt text items beside a bar that itself never
changes (`ColourBar`); the axis label is set only when its text changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QLabel,
    QSizePolicy,
)

from mnistviz import colormaps
from mnistviz.export import format_value
from mnistviz.mosaic import Levels, fit_zoom, snap_zoom
from mnistviz.ui import theme as themes

HINT = "Hover over a map to read its values · click a map to enlarge it"
HINT_VARIANTS = (HINT, "Hover a map to read it · click to enlarge", "Hover or click a map")

# Font sizes in points: (normal, presentation)
_SIZES = {
    "title": (10, 16),
    "readout": (10, 17),
    "label": (8, 13),
    "overlay": (16, 30),
    "axis": (8, 13),
}

# A filter number's box covers at most this share of its tile, else its font shrinks;
# below MIN_LABEL_POINTS it is not shown (the readout names the filter on hover).
LABEL_AREA = 0.12
MIN_LABEL_POINTS = 6.0


def role_font(role: str, presentation: bool, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(_SIZES[role][1 if presentation else 0])
    font.setBold(bold)
    return font


def format_reading(value: float) -> str:
    """A hovered value: two decimals for everyday activations."""
    value = float(value)
    if value == 0 or 0.01 <= abs(value) < 10_000:
        return f"{value:.2f}"
    return f"{value:.2g}"


def color_map(name: str) -> pg.ColorMap:
    """The app's 256-entry table as a pyqtgraph ColorMap (for the colour bar)."""
    return pg.ColorMap(np.linspace(0.0, 1.0, 256), colormaps.lut(name), name=name)


def reading_texts(stage_name: str, index: int, row: int, col: int, value: float,
                  share: float | None = None) -> tuple[str, ...]:
    """A hovered pixel (0-based index, row, col) in words, longest first, for a `Readout`.
    `share`: the value as a fraction of its map's range ("map" scale mode)."""
    reading = f"value {format_reading(value)}"
    if share is not None:
        reading += f" ({share * 100:.0f} % of this map's range)"
    where = f"filter {index + 1} · row {row}, col {col}"
    return (f"{stage_name} · {where} · {reading}", f"{where} · {reading}",
            f"{where} · {format_reading(value)}", f"{index + 1} · ({row}, {col}) · {format_reading(value)}")


def scale_label(levels: Levels | None, mode: str) -> tuple[str, ...]:
    """The colour bar's axis label, longest first (a short bar shows a shorter one)."""
    if levels is None:
        return ("",)
    if levels.relative:
        return ("relative (each map)", "relative", "")
    return ("activation (fixed)", "activation", "") if mode == "fixed" else ("activation", "")


class MapLabel(QGraphicsRectItem):
    """A filter number on its tile: text on a translucent box, at a fixed size in pixels
    whatever the zoom (ItemIgnoresTransformations), anchored at its top-left corner.

    Plain Qt items, so a repaint runs no Python for them (a pg.TextItem runs its own
    `paint` and a transform update per paint: 30 of them per result cost ~0.6 ms).
    `textItem` is the text (as on pg.TextItem).
    """

    PADDING = 3.0

    def __init__(self, text: str, colour: str, fill, parent: QGraphicsItem | None = None):
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setBrush(fill)
        self.textItem = QGraphicsSimpleTextItem(text, self)
        self.textItem.setBrush(QColor(colour))
        self.textItem.setPos(self.PADDING, self.PADDING / 2)
        keep_painted(self, self.textItem)
        self._fit()

    @classmethod
    def box_size(cls, font: QFont, text: str) -> tuple[float, float]:
        """(width, height) in pixels of the box a label with `text` in `font` gets."""
        metrics = QFontMetricsF(font)
        return metrics.horizontalAdvance(text) + 2 * cls.PADDING, metrics.height() + cls.PADDING

    def setFont(self, font: QFont) -> None:  # noqa: N802 (as pg.TextItem)
        self.textItem.setFont(font)
        self._fit()

    def text(self) -> str:
        return self.textItem.text()

    def _fit(self) -> None:
        box = self.textItem.boundingRect()
        self.setRect(0.0, 0.0, box.width() + 2 * self.PADDING, box.height() + self.PADDING)


def keep_painted(*items: QGraphicsItem) -> None:
    """Cache what each item paints as a pixmap (Qt's DeviceCoordinateCache), for items that look
    the same result after result: a repaint around them then copies the pixmap instead of
    running their paint (pyqtgraph's axes run Python; text is laid out again every paint).
    Each item's own update() (a new pen, font or range) clears its cache, so it never goes stale."""
    for item in items:
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def label_font(presentation: bool, tile_w: float, tile_h: float, text: str = "10") -> QFont | None:
    """The largest font up to the label size of the mode whose `MapLabel` box for `text`
    covers at most LABEL_AREA of a tile of tile_w x tile_h pixels (and a third of its
    height); None if even MIN_LABEL_POINTS does not fit."""
    font = role_font("label", presentation)
    points = font.pointSizeF()
    while points >= MIN_LABEL_POINTS:
        font.setPointSizeF(points)
        w, h = MapLabel.box_size(font, text)
        if w * h <= LABEL_AREA * tile_w * tile_h and h <= tile_h / 3:
            return font
        points -= 0.5
    return None


class MosaicImageItem(pg.ImageItem):
    """A pg.ImageItem with a fast `render` for what the docks show: a 2-D float mosaic with
    NaN gaps, scalar levels and a 256-entry uint8 RGB colour table (anything else goes
    to pyqtgraph's general `render`).

    One vectorised pass into preallocated buffers makes an ARGB32 (premultiplied, the
    raster engine's own format) image with the gaps transparent. The colours are
    pyqtgraph's: index = clip((value - lo) * 256 / (hi - lo), 0, 255). pyqtgraph's path
    (NaN scan, nditer rescale, lookup, alpha channel, RGBA8888 image) took about 0.2 ms
    per dock inside a repaint, this about a quarter of it.
    """

    def __init__(self, *args, **kwargs):
        self._shape: tuple[int, int] | None = None
        self._lut_id: int | None = None
        super().__init__(*args, **kwargs)

    def render(self):
        image, lut, levels = self.image, self.lut, self.levels
        if not (isinstance(image, np.ndarray) and image.ndim == 2 and image.dtype == np.float32
                and isinstance(lut, np.ndarray) and lut.shape == (256, 3) and lut.dtype == np.uint8
                and levels is not None and np.ndim(levels) == 1 and len(levels) == 2
                and self.axisOrder == "row-major" and not self.autoDownsample and image.size > 0):
            return super().render()
        if image.shape != self._shape:
            self._shape = image.shape
            self._scaled = np.empty(image.shape, np.float32)
            self._index = np.empty(image.shape, np.uint8)
            self._gaps = np.empty(image.shape, bool)
            self._argb = np.empty(image.shape, np.uint32)
        if id(lut) != self._lut_id:
            self._lut_id = id(lut)
            rgb = lut.astype(np.uint32)
            self._table = 0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
        lo, hi = float(levels[0]), float(levels[1])
        scale = 256.0 / (hi - lo if hi != lo else 1.0)
        np.isnan(image, out=self._gaps)
        np.subtract(image, np.float32(lo), out=self._scaled)
        np.multiply(self._scaled, np.float32(scale), out=self._scaled)
        np.clip(self._scaled, 0.0, 255.0, out=self._scaled)
        np.copyto(self._scaled, 0.0, where=self._gaps)
        np.copyto(self._index, self._scaled, casting="unsafe")
        np.take(self._table, self._index, out=self._argb)
        np.copyto(self._argb, 0, where=self._gaps)
        h, w = image.shape
        self.qimage = QImage(self._argb.data, w, h, w * 4, QImage.Format.Format_ARGB32_Premultiplied)
        self._renderRequired = False
        self._unrenderable = False


class ColourBar(pg.ColorBarItem):
    """A ColorBarItem whose value axis stays as it was drawn: `setLevels` only records the
    levels (``levels()``); the numbers are `HeatmapView`'s items beside the bar.

    pyqtgraph re-ranges the axis on every ``setLevels``, which made it regenerate its
    picture and re-lay out the colour bar for every result (about 0.6 ms per dock,
    measured). The colour map still goes through pyqtgraph.
    """

    def _update_items(self, update_cmap=False):
        if update_cmap:
            super()._update_items(update_cmap=True)


class Readout(QLabel):
    """One line that never makes its window wider nor runs out of it: it shows the first of
    its variants (longest first) that fits its width, else the last one elided."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("readout")
        # Ignored: a long reading must not widen the dock (a QLabel's minimum is its text).
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setContentsMargins(6, 0, 0, 0)
        self._variants: tuple[str, ...] = (text,)
        self._choose()

    def show_text(self, *variants: str) -> None:
        self._variants = variants or ("",)
        self._choose()

    def full_text(self) -> str:
        return self._variants[0]

    def fits(self) -> bool:
        return QFontMetricsF(self.font()).horizontalAdvance(self.text()) <= self.contentsRect().width()

    def _choose(self) -> None:
        width = self.contentsRect().width()
        metrics = QFontMetricsF(self.font())
        text = next((v for v in self._variants if metrics.horizontalAdvance(v) <= width), None)
        if text is None:
            text = metrics.elidedText(self._variants[-1], Qt.TextElideMode.ElideRight, width)
        if text != self.text():
            self.setText(text)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._choose()

    def changeEvent(self, event):  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._choose()


TICK_LENGTH = 5.0  # px, the colour bar's tick marks
TICK_GAP = 3.0  # px between a tick mark and its number
WIDEST_NUMBER = "-0.0000"  # as wide as format_value's usual numbers get


class HeatmapView(pg.GraphicsLayoutWidget):
    """A ViewBox (aspect locked, y down, no pan/zoom/menu) holding one image, plus a
    vertical colour bar: the part the docks and the enlarged view share.

    Tell it the image's size (`set_image_size`); it zooms and centres it (see module
    docstring). `areaChanged(w, h)` reports the room the image has (logical pixels) when
    it changes (a resize, larger type), *before* the image is placed in it, so a listener
    can still change the image's size (the dock re-lays out its mosaic); `placed` follows
    once the image is on its pixels (labels can be sized to `zoom()`).
    """

    left = Signal()
    areaChanged = Signal(float, float)
    placed = Signal()

    def __init__(self, parent=None, bar_width: int = 14):
        self._image_size: tuple[float, float] | None = None  # set before GraphicsView.__init__ resizes
        super().__init__(parent)
        self.ci.setContentsMargins(4, 4, 4, 4)
        self.ci.setSpacing(6)
        self.view_box = pg.ViewBox(lockAspect=True, enableMouse=False, enableMenu=False, invertY=True,
                                   defaultPadding=0)
        self.view_box.disableAutoRange()
        self.image_item = MosaicImageItem(axisOrder="row-major")
        self.view_box.addItem(self.image_item)
        self.color_bar = ColourBar(values=(0.0, 1.0), width=bar_width, interactive=False,
                                   colorMapMenu=False)
        self.color_bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        for side in ("left", "right", "top", "bottom"):
            # An SI prefix would re-typeset the axis label (QGraphicsTextItem.setHtml)
            # whenever the axis range changes.
            self.color_bar.getAxis(side).enableAutoSIPrefix(False)
        # The value axis is only the bar's edge and the room for the numbers, which are
        # Qt items (text and tick marks) placed on it: a new result changes their text.
        value_axis = self.color_bar.axis
        value_axis.setTicks([[], []])
        value_axis.setStyle(showValues=False, tickLength=0)
        self._tick_marks = [QGraphicsLineItem(value_axis) for _ in range(3)]
        self._tick_texts = [QGraphicsSimpleTextItem(value_axis) for _ in range(3)]
        value_axis.geometryChanged.connect(self._on_bar_resized)
        # The bar and its axes look the same for every result: painted once, then copied.
        keep_painted(self.color_bar.bar, *(self.color_bar.getAxis(side) for side in ("left", "right", "top", "bottom")))
        self._ticks: list[tuple[float, str]] = []
        self._tick_range = (0.0, 1.0)
        self._label_variants: tuple[str, ...] = ("",)
        self._label: str | None = None
        # Stretchable spacers either side keep image and colour bar together, centred,
        # when the image is narrower than the widget.
        self._spacers = [pg.GraphicsWidget(), pg.GraphicsWidget()]
        for spacer in self._spacers:
            spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
            spacer.setMinimumWidth(0)
            spacer.setPreferredWidth(0)
        self.ci.addItem(self._spacers[0], row=0, col=0)
        self.ci.addItem(self.view_box, row=0, col=1)
        self.ci.addItem(self.color_bar, row=0, col=2)
        self.ci.addItem(self._spacers[1], row=0, col=3)
        self.ci.layout.setColumnStretchFactor(0, 1)
        self.ci.layout.setColumnStretchFactor(1, 1000)  # the image takes all it can use first
        self.ci.layout.setColumnStretchFactor(3, 1)
        self._image_size = (1.0, 1.0)
        self._area = (0.0, 0.0)
        self._zoom = 0.0  # planned: logical pixels per image pixel
        self._zoom_limit = math.inf  # set_zoom_limit
        self._shown_zoom = 0.0  # as placed in the view box the layout gave
        self.set_theme(themes.DARK)
        # geometryChanged, not sigResized: a move also shifts the image off whole pixels.
        self.view_box.geometryChanged.connect(self._place_image)
        self.setMouseTracking(True)

    # -- size and zoom -------------------------------------------------------------------

    def image_area(self) -> tuple[float, float]:
        """(width, height) in logical pixels the image may take: the widget less the
        margins, the spacing and the colour bar."""
        layout = self.ci.layout
        left, top, right, bottom = layout.getContentsMargins()
        bar = self.color_bar.effectiveSizeHint(Qt.SizeHint.PreferredSize).width()
        width = self.viewport().width() - left - right - 3 * layout.horizontalSpacing() - bar
        return max(0.0, width), max(0.0, self.viewport().height() - top - bottom)

    def set_image_size(self, width: float, height: float) -> None:
        """The image's size in its own pixels; it is zoomed and centred to fit."""
        if (width, height) != self._image_size:
            self._image_size = (float(width), float(height))
            self._apply_zoom()

    def set_zoom_limit(self, limit: float) -> None:
        """Never zoom in further than `limit` (snapped like every zoom): maps shown beside
        another view's are not drawn larger than its (`featuremap_dock.SharedGrid`)."""
        if limit != self._zoom_limit:
            self._zoom_limit = limit
            if self._image_size is not None:
                self._apply_zoom()

    def natural_zoom(self) -> float:
        """The zoom the image would be shown at without a limit (0 before a layout)."""
        if self._image_size is None:
            return 0.0
        image_w, image_h = self._image_size
        area_w, area_h = self._area
        # The view box's height as laid out (its width follows the zoom: not a limit here).
        height = min(area_h, self.view_box.size().height() or area_h)
        return fit_zoom(image_w, image_h, area_w, height, self.devicePixelRatioF())

    def _limited(self, zoom: float) -> float:
        if math.isinf(self._zoom_limit):
            return zoom
        return min(zoom, snap_zoom(self._zoom_limit, self.devicePixelRatioF()))

    def zoom(self) -> float:
        """Logical screen pixels per image pixel, as shown."""
        return self._shown_zoom

    def _refit(self) -> None:
        if self._image_size is None:
            return  # GraphicsView.__init__ resizes before this class is set up
        area = self.image_area()
        if area != self._area:
            self._area = area
            self.areaChanged.emit(*area)
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        image_w, image_h = self._image_size
        self._zoom = self._limited(fit_zoom(image_w, image_h, *self._area, self.devicePixelRatioF()))
        # The view box only as wide as the image: the spacers centre image and colour bar.
        self.view_box.setMaximumWidth(max(1.0, math.ceil(image_w * self._zoom)))
        self._place_image()

    def _place_image(self) -> None:
        """The view range that shows the image at the planned zoom, centred, its top-left
        corner on a whole device pixel."""
        size = self.view_box.size()
        box_w, box_h = size.width(), size.height()
        image_w, image_h = self._image_size
        if box_w <= 0 or box_h <= 0:
            return
        zoom, ratio = self._zoom, self.devicePixelRatioF()
        if zoom <= 0 or image_w * zoom > box_w + 0.5 or image_h * zoom > box_h + 0.5:
            zoom = self._limited(fit_zoom(image_w, image_h, box_w, box_h, ratio))  # the layout gave less room
        corner = self.view_box.scenePos()
        left = round((corner.x() + (box_w - image_w * zoom) / 2) * ratio) / ratio - corner.x()
        top = round((corner.y() + (box_h - image_h * zoom) / 2) * ratio) / ratio - corner.y()
        self.view_box.setRange(xRange=(-left / zoom, (box_w - left) / zoom),
                               yRange=(-top / zoom, (box_h - top) / zoom), padding=0)
        self._shown_zoom = zoom
        self.placed.emit()

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._refit()

    # -- colours and the colour bar ------------------------------------------------------

    def set_lut(self, name: str) -> None:
        self.image_item.setLookupTable(colormaps.lut(name))
        self.color_bar.setColorMap(color_map(name))

    def set_levels(self, levels: Levels | None, label: Sequence[str] | str) -> None:
        """Colour bar range and axis label (variants, longest first; see `scale_label`);
        None: the empty state, a bar without numbers."""
        if levels is None:
            self.color_bar.setLevels((0.0, 1.0))
            self._set_ticks([], (0.0, 1.0))
            self._set_label(("",))
            return
        self.color_bar.setLevels((levels.lo, levels.hi))
        if levels.relative:
            ticks = [(0.0, "min"), (1.0, "max")]
        else:  # the exact ends and the middle, as on the exported contact sheet
            mid = (levels.lo + levels.hi) / 2
            ticks = [(v, format_value(v)) for v in (levels.lo, mid, levels.hi)]
        self._set_ticks(ticks, (levels.lo, levels.hi))
        self._set_label((label,) if isinstance(label, str) else tuple(label))

    def tick_labels(self) -> list[str]:
        """The numbers beside the colour bar, top to bottom (for tests and export checks)."""
        return [text for _, text in sorted(self._ticks, key=lambda t: -t[0])]

    def tick_items(self) -> list[QGraphicsSimpleTextItem]:
        return [text for text in self._tick_texts if text.isVisible()]

    def _set_ticks(self, ticks: list[tuple[float, str]], value_range: tuple[float, float]) -> None:
        if ticks == self._ticks and value_range == self._tick_range:
            return
        self._ticks, self._tick_range = ticks, value_range
        for index, (mark, text) in enumerate(zip(self._tick_marks, self._tick_texts)):
            shown = index < len(ticks)
            mark.setVisible(shown)
            text.setVisible(shown)
            if shown:
                text.setText(ticks[index][1])
        self._place_ticks()

    def _on_bar_resized(self) -> None:
        self._place_ticks()
        self._choose_label()

    def _place_ticks(self) -> None:
        """Tick marks and numbers at their values' heights on the value axis (top = high)."""
        height = self.color_bar.axis.size().height()
        lo, hi = self._tick_range
        span = hi - lo if hi > lo else 1.0
        for (value, _), mark, text in zip(self._ticks, self._tick_marks, self._tick_texts):
            y = height * (1.0 - min(max((value - lo) / span, 0.0), 1.0))
            mark.setLine(0.0, y, TICK_LENGTH, y)
            text.setPos(TICK_LENGTH + TICK_GAP, y - text.boundingRect().height() / 2)

    def _set_label(self, variants: tuple[str, ...]) -> None:
        if variants == self._label_variants:
            return  # the same words for every result of a stage (a resize re-chooses them)
        self._label_variants = variants
        self._choose_label()

    def _choose_label(self) -> None:
        """The longest label variant that fits along the bar; set only when it changed:
        pyqtgraph lays the axis out again for it."""
        axis = self.color_bar.getAxis("left")
        room = self.color_bar.axis.size().height()
        metrics = QFontMetricsF(axis.label.font())
        label = next((v for v in self._label_variants if metrics.horizontalAdvance(v) <= room), "")
        if label != self._label:
            self._label = label
            axis.setLabel(label)
            # pyqtgraph centres the label along the axis only on a resize, by the old text's
            # length: a label set later stuck out past the view's edge ("activatio").
            axis.resizeEvent()

    def axis_label(self) -> str:
        """The axis label shown now."""
        return self._label or ""

    def set_fonts(self, presentation: bool) -> None:
        font = role_font("axis", presentation)
        metrics = QFontMetricsF(font)
        for text in self._tick_texts:
            text.setFont(font)
        # Room for the numbers beside the bar, and above and below it for the ends' numbers.
        self.color_bar.axis.setWidth(math.ceil(TICK_LENGTH + TICK_GAP + metrics.horizontalAdvance(WIDEST_NUMBER)))
        margin = math.ceil(metrics.height() / 2) + 1
        self.color_bar.layout.setContentsMargins(0, margin, 0, margin)
        left = self.color_bar.getAxis("left")
        left.label.setFont(font)
        # A fixed width, label or not: the image's room must not change with the label.
        left.setWidth(math.ceil(0.8 * (metrics.height() + 8)))  # as pyqtgraph sizes it
        left.setLabel(left.labelText)
        self._label = None
        self._choose_label()
        self._place_ticks()
        self._refit()

    def set_theme(self, theme: themes.Theme) -> None:
        """Background, the colour bar's frame, numbers and label (the maps' colours are data)."""
        self.setBackground(theme.plot_background)
        dim = pg.mkPen(theme.plot_dim_text)
        for side in ("left", "right", "top", "bottom"):
            self.color_bar.getAxis(side).setPen(dim)
        self.color_bar.getAxis("left").setTextPen(theme.plot_dim_text)
        for mark, text in zip(self._tick_marks, self._tick_texts):
            mark.setPen(dim)
            text.setBrush(QColor(theme.plot_text))

    # -- pointer -------------------------------------------------------------------------

    def scene_to_view(self, scene_pos) -> QPointF:
        return self.view_box.mapSceneToView(scene_pos)

    def leaveEvent(self, event):  # noqa: N802 (Qt name)
        self.left.emit()
        super().leaveEvent(event)
