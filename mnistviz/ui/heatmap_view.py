"""The heatmap the feature-map docks and the enlarged map share, and its parts.

`HeatmapView` is a plain QWidget that paints one image (`HeatmapImage`: values coloured
through a 256-entry table), the filter numbers on its tiles, an optional overlay line
("Draw a digit"), and a `ColourBar` beside it. It shows the image as large as its room
allows, centred, at a whole number of device pixels per image pixel once that is at
least 1:1 (`mnistviz.mosaic.fit_zoom`), so every map pixel is an equal, sharp square.
Also here: the fonts of the plots, the numbers' font (`label_font`), and a one-line
`Readout` that never overflows.

Why not a pyqtgraph view (as the first versions had): painting a graphics scene with a
view box, image item, colour bar item and text items cost about 0.6 ms per dock and
result, most of it Qt's scene machinery and pyqtgraph's Python callbacks; this widget
paints the same in about a tenth of that (`mnistviz bench`, README). Nothing here needs
a scene: no pan, no zoom, one image.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QWidget

from mnistviz import colormaps
from mnistviz.mosaic import Levels, fit_zoom, snap_zoom
from mnistviz.ui import theme as themes
from mnistviz.ui.colour_bar import ColourBar, transparent_pixmap
from mnistviz.ui.heatmap_image import HeatmapImage

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
LABEL_PADDING = 3.0  # px around a filter number inside its box


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


def label_box_size(font: QFont, text: str) -> tuple[float, float]:
    """(width, height) in pixels of the box a filter number `text` in `font` gets."""
    metrics = QFontMetricsF(font)
    return metrics.horizontalAdvance(text) + 2 * LABEL_PADDING, metrics.height() + LABEL_PADDING


def label_font(presentation: bool, tile_w: float, tile_h: float, text: str = "10") -> QFont | None:
    """The largest font up to the label size of the mode whose box for `text` covers at
    most LABEL_AREA of a tile of tile_w x tile_h pixels (and a third of its height); None
    if even MIN_LABEL_POINTS does not fit."""
    font = role_font("label", presentation)
    points = font.pointSizeF()
    while points >= MIN_LABEL_POINTS:
        font.setPointSizeF(points)
        w, h = label_box_size(font, text)
        if w * h <= LABEL_AREA * tile_w * tile_h and h <= tile_h / 3:
            return font
        points -= 0.5
    return None


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


class HeatmapView(QWidget):
    """One image, zoomed and centred, with a colour bar beside it (see module docstring).

    Tell it the image's size (`set_image_size`); it zooms and centres it. `areaChanged(w, h)`
    reports the room the image has (logical pixels) when it changes (a resize, larger
    type), *before* the image is placed in it, so a listener can still change the image's
    size (the dock re-lays out its mosaic); `placed` follows once the image is on its pixels
    (labels can be sized to `zoom()`). The pointer is reported in image coordinates:
    `pointerMoved`, `clicked` (left button, without a drag), and `left` when it leaves.
    """

    left = Signal()
    areaChanged = Signal(float, float)
    placed = Signal()
    pointerMoved = Signal(QPointF)
    clicked = Signal(QPointF)

    MARGIN = 4  # px around everything
    SPACING = 6  # px between the image and the colour bar (and, as before, either side)

    def __init__(self, parent: QWidget | None = None, bar_width: int = 14):
        super().__init__(parent)
        self.heatmap = HeatmapImage(self.update)
        self.colour_bar = ColourBar(bar_width)
        self._image_size = (1.0, 1.0)
        self._area = (0.0, 0.0)
        self._zoom = 0.0  # logical pixels per image pixel, as shown
        self._zoom_limit = math.inf  # set_zoom_limit
        self._image_rect = QRectF()  # where the image is drawn
        self._labels: list[tuple[float, float, str]] = []  # filter numbers: (x, y) in image pixels, text
        self._label_font = role_font("label", False)
        self._label_layer: QPixmap | None = None  # the filter numbers, painted once per layout
        self._overlay = ""
        self._overlay_font = role_font("overlay", False)
        self._press: QPointF | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # every pixel is painted
        self.setMouseTracking(True)
        self.set_theme(themes.DARK)
        self.set_fonts(False)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name) -- as the pyqtgraph view it replaced
        return QSize(100, 30)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(68, 68)

    # -- size and zoom -------------------------------------------------------------------

    def image_area(self) -> tuple[float, float]:
        """(width, height) in logical pixels the image may take: the widget less the
        margins, the spacing and the colour bar."""
        width = self.width() - 2 * self.MARGIN - 3 * self.SPACING - self.colour_bar.width()
        return max(0.0, float(width)), max(0.0, float(self.height() - 2 * self.MARGIN))

    def set_image_size(self, width: float, height: float) -> None:
        """The image's size in its own pixels; it is zoomed and centred to fit."""
        if (width, height) != self._image_size:
            self._image_size = (float(width), float(height))
            self._place()

    def set_zoom_limit(self, limit: float) -> None:
        """Never zoom in further than `limit` (snapped like every zoom): maps shown beside
        another view's are not drawn larger than its (`featuremap_dock.SharedGrid`)."""
        if limit != self._zoom_limit:
            self._zoom_limit = limit
            self._place()

    def natural_zoom(self) -> float:
        """The zoom the image would be shown at without a limit (0 before a layout)."""
        return fit_zoom(*self._image_size, *self._area, self.devicePixelRatioF())

    def zoom(self) -> float:
        """Logical screen pixels per image pixel, as shown."""
        return self._zoom

    def image_rect(self) -> QRectF:
        """Where the image is drawn, in this widget's coordinates."""
        return QRectF(self._image_rect)

    def _refit(self) -> None:
        area = self.image_area()
        if area != self._area:
            self._area = area
            self.areaChanged.emit(*area)
        self._place()

    def _place(self) -> None:
        """The image at its zoom, it and the colour bar together centred, its top-left corner
        on a whole device pixel."""
        image_w, image_h = self._image_size
        ratio = self.devicePixelRatioF()
        zoom = fit_zoom(image_w, image_h, *self._area, ratio)
        if not math.isinf(self._zoom_limit):
            zoom = min(zoom, snap_zoom(self._zoom_limit, ratio))
        bar_w = self.colour_bar.width()
        left = (self.width() - (image_w * zoom + self.SPACING + bar_w)) / 2
        left = round(max(left, self.MARGIN) * ratio) / ratio
        top = round((self.MARGIN + (self._area[1] - image_h * zoom) / 2) * ratio) / ratio
        rect = QRectF(left, top, image_w * zoom, image_h * zoom)
        if rect != self._image_rect:
            self._image_rect = rect
            self._label_layer = None
        self.colour_bar.place(round(left + image_w * zoom + self.SPACING), self.MARGIN, self.height() - self.MARGIN)
        self._zoom = zoom
        self.update()
        self.placed.emit()

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._label_layer = None
        self._refit()

    # -- image <-> widget coordinates ------------------------------------------------------

    def map_to_image(self, pos: QPointF) -> QPointF:
        """A point of this widget in image pixels (x right, y down; may be outside)."""
        if self._zoom <= 0:
            return QPointF(-1.0, -1.0)
        return QPointF((pos.x() - self._image_rect.left()) / self._zoom,
                       (pos.y() - self._image_rect.top()) / self._zoom)

    def map_from_image(self, point: QPointF) -> QPointF:
        """Image pixels -> this widget's coordinates."""
        return QPointF(self._image_rect.left() + point.x() * self._zoom,
                       self._image_rect.top() + point.y() * self._zoom)

    def map_rect_from_image(self, rect: QRectF) -> QRectF:
        top_left = self.map_from_image(rect.topLeft())
        return QRectF(top_left.x(), top_left.y(), rect.width() * self._zoom, rect.height() * self._zoom)

    # -- colours and the colour bar ------------------------------------------------------

    def set_lut(self, name: str) -> None:
        lut = colormaps.lut(name)
        self.heatmap.set_lut(lut)
        self.colour_bar.set_lut(lut)

    def set_levels(self, levels: Levels | None, label: Sequence[str] | str) -> None:
        """Colour bar numbers and axis label (variants, longest first; see `scale_label`);
        None: the empty state, a bar without numbers."""
        self.colour_bar.set_levels(levels, label)
        self.update()

    def tick_labels(self) -> list[str]:
        """The numbers beside the colour bar, top to bottom (for tests and export checks)."""
        return self.colour_bar.tick_labels()

    def axis_label(self) -> str:
        """The axis label shown now."""
        return self.colour_bar.label

    def set_fonts(self, presentation: bool) -> None:
        self.colour_bar.set_font(role_font("axis", presentation))
        self._overlay_font = role_font("overlay", presentation)
        self._refit()

    def set_theme(self, theme: themes.Theme) -> None:
        """Background, the colour bar's frame, numbers and label, the filter numbers' boxes
        (the maps' colours are data)."""
        self._background = QColor(theme.plot_background)
        self._text = QColor(theme.plot_text)
        self._dim = QColor(theme.plot_dim_text)
        self._label_fill = themes.qcolor(theme.label_fill)
        self.colour_bar.set_colours(self._text, self._dim)
        self._label_layer = None
        self.update()

    def colours(self) -> dict[str, QColor]:
        """The theme's colours as painted (for tests)."""
        return {"background": self._background, "text": self._text, "dim": self._dim, "label_fill": self._label_fill}

    # -- what is painted over the image ----------------------------------------------------

    def set_map_labels(self, labels: Sequence[tuple[float, float, str]], font: QFont | None = None) -> None:
        """Filter numbers, each at the top-left corner (x, y in image pixels) of its tile; an
        empty list shows none."""
        labels = list(labels)
        if labels == self._labels and (font is None or font == self._label_font):
            return
        self._labels = labels
        if font is not None:
            self._label_font = QFont(font)
        self._label_layer = None
        self.update()

    def map_label_font(self) -> QFont:
        return QFont(self._label_font)

    def map_label_rects(self) -> list[tuple[str, QRectF]]:
        """(text, box) of each filter number shown, in this widget's coordinates."""
        boxes = []
        for x, y, text in self._labels:
            corner = self.map_from_image(QPointF(x, y))
            w, h = label_box_size(self._label_font, text)
            boxes.append((text, QRectF(round(corner.x()), round(corner.y()), math.ceil(w), math.ceil(h))))
        return boxes

    def set_overlay(self, text: str) -> None:
        """A line centred over the image ("Draw a digit"); "" for none."""
        if text != self._overlay:
            self._overlay = text
            self.update()

    def overlay_text(self) -> str:
        return self._overlay

    def overlay_rect(self) -> QRectF:
        """The overlay's box (empty when there is none)."""
        if not self._overlay:
            return QRectF()
        metrics = QFontMetricsF(self._overlay_font)
        w, h = metrics.horizontalAdvance(self._overlay) + 4 * LABEL_PADDING, metrics.height() + 2 * LABEL_PADDING
        centre = self._image_rect.center()
        return QRectF(round(centre.x() - w / 2), round(centre.y() - h / 2), math.ceil(w), math.ceil(h))

    # -- painting ------------------------------------------------------------------------

    def paintEvent(self, event):  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(event.rect(), self._background)
        image = self.heatmap.qimage()
        if image is not None and not self._image_rect.isEmpty():
            painter.setOpacity(self.heatmap.opacity())
            painter.drawImage(self._image_rect, image)  # nearest pixel: maps stay sharp squares
            painter.setOpacity(1.0)
        if self._labels:
            if self._label_layer is None or self._label_layer.devicePixelRatio() != self.devicePixelRatioF():
                self._label_layer = self._paint_labels()
            painter.drawPixmap(QPointF(0, 0), self._label_layer)
        if self._overlay:
            box = self.overlay_rect()
            painter.fillRect(box, self._label_fill)
            painter.setFont(self._overlay_font)
            painter.setPen(self._dim)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._overlay)
        self.colour_bar.paint(painter)
        painter.end()

    def _paint_labels(self) -> QPixmap:
        """The filter numbers on a transparent pixmap the size of the widget."""
        layer = transparent_pixmap(self.width(), self.height(), self.devicePixelRatioF())
        painter = QPainter(layer)
        painter.setFont(self._label_font)
        painter.setPen(self._text)
        for text, box in self.map_label_rects():
            painter.fillRect(box, self._label_fill)
            painter.drawText(box.adjusted(LABEL_PADDING, LABEL_PADDING / 2, 0, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        painter.end()
        return layer

    # -- pointer -------------------------------------------------------------------------

    def mouseMoveEvent(self, event):  # noqa: N802 (Qt name)
        self.pointerMoved.emit(self.map_to_image(event.position()))
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event):  # noqa: N802 (Qt name)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event):  # noqa: N802 (Qt name)
        press, self._press = self._press, None
        if event.button() == Qt.MouseButton.LeftButton and press is not None:
            moved = (event.position() - press).manhattanLength()
            if moved < QApplication.startDragDistance():
                self.clicked.emit(self.map_to_image(event.position()))
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def leaveEvent(self, event):  # noqa: N802 (Qt name)
        self.left.emit()
        super().leaveEvent(event)
