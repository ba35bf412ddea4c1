"""The colour bar beside a heatmap: the colour table as a bar, the numbers at its ends and
middle (or "min" / "max" for relative colours), and a rotated axis label that is shown
whole or not at all. Plain painting, no widget: `HeatmapView` places and paints it.

Left to right: the axis label's column, the bar, the tick marks and numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPixmap

from mnistviz.export import format_value
from mnistviz.mosaic import Levels

TICK_LENGTH = 5.0  # px, the tick marks
TICK_GAP = 3.0  # px between a tick mark and its number
WIDEST_NUMBER = "-0.0000"  # as wide as format_value's usual numbers get
_LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def transparent_pixmap(width: float, height: float, ratio: float) -> QPixmap:
    """An empty pixmap of width x height logical pixels at device pixel ratio `ratio`, for
    painting something once and copying it after that."""
    pixmap = QPixmap(max(1, math.ceil(width * ratio)), max(1, math.ceil(height * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap


class ColourBar:
    """Geometry, text and painting of one colour bar.

    What changes with a result is only the numbers: the bar, its frame and the axis label
    are painted once into a pixmap (`_static`) and copied after that."""

    def __init__(self, bar_width: int = 14):
        self.bar_width = bar_width
        self.font = QFont()
        self._metrics = QFontMetricsF(self.font)
        self._bar_image: QImage | None = None
        self.ticks: list[tuple[float, str]] = []  # (value, text)
        self.tick_range = (0.0, 1.0)
        self._label_variants: tuple[str, ...] = ("",)
        self.label = ""  # the variant shown now
        self.rect = QRectF()  # the bar itself, in the view's coordinates (set by place())
        self.text_colour = QColor("white")
        self.dim_colour = QColor("gray")
        self._static: QPixmap | None = None  # bar, frame, label; None: paint it again
        self._tick_boxes: list[tuple[str, QRectF]] | None = None  # None: lay them out again

    def set_colours(self, text: QColor, dim: QColor) -> None:
        self.text_colour, self.dim_colour = QColor(text), QColor(dim)
        self._static = None

    # -- sizes ---------------------------------------------------------------------------

    def set_font(self, font: QFont) -> None:
        self.font = QFont(font)
        self._metrics = QFontMetricsF(self.font)
        self._static = self._tick_boxes = None
        self._choose_label()

    def label_width(self) -> int:
        """The axis label's column (a fixed width, label or not: the image's room must not
        change with the label)."""
        return math.ceil(0.8 * (self._metrics.height() + 8))

    def numbers_width(self) -> int:
        return math.ceil(TICK_LENGTH + TICK_GAP + self._metrics.horizontalAdvance(WIDEST_NUMBER))

    def width(self) -> int:
        """The whole block: label column, bar, numbers."""
        return self.label_width() + self.bar_width + self.numbers_width()

    def end_margin(self) -> int:
        """Room above and below the bar for half an end number."""
        return math.ceil(self._metrics.height() / 2) + 1

    def place(self, left: float, top: float, bottom: float) -> None:
        """Put the block's left edge at `left`, between `top` and `bottom` (the bar is shorter
        by `end_margin` at each end)."""
        margin = self.end_margin()
        rect = QRectF(left + self.label_width(), top + margin, self.bar_width, max(0.0, bottom - top - 2 * margin))
        if rect != self.rect:
            self.rect = rect
            self._static = self._tick_boxes = None
            self._choose_label()

    # -- content -------------------------------------------------------------------------

    def set_lut(self, lut: np.ndarray) -> None:
        """The colour table as a 1 x 256 image, high values at the top."""
        rgb = np.ascontiguousarray(lut[::-1].astype(np.uint8))
        argb = (0xFF000000 | (rgb[:, 0].astype(np.uint32) << 16) | (rgb[:, 1].astype(np.uint32) << 8)
                | rgb[:, 2].astype(np.uint32)).reshape(256, 1)
        self._bar_image = QImage(argb.tobytes(), 1, 256, 4, QImage.Format.Format_ARGB32).copy()
        self._static = None

    def set_levels(self, levels: Levels | None, label: Sequence[str] | str) -> None:
        """Numbers and axis label (variants, longest first); None: a bar without numbers."""
        self._tick_boxes = None
        if levels is None:
            self.ticks, self.tick_range = [], (0.0, 1.0)
            self._set_label(("",))
            return
        if levels.relative:
            self.ticks = [(0.0, "min"), (1.0, "max")]
        else:  # the exact ends and the middle, as on the exported contact sheet
            mid = (levels.lo + levels.hi) / 2
            self.ticks = [(v, format_value(v)) for v in (levels.lo, mid, levels.hi)]
        self.tick_range = (levels.lo, levels.hi)
        self._set_label((label,) if isinstance(label, str) else tuple(label))

    def tick_labels(self) -> list[str]:
        """The numbers, top to bottom."""
        return [text for _, text in sorted(self.ticks, key=lambda t: -t[0])]

    def _set_label(self, variants: tuple[str, ...]) -> None:
        if variants != self._label_variants:  # the same words for every result of a stage
            self._label_variants = variants
            self._choose_label()

    def _choose_label(self) -> None:
        """The longest label variant that fits along the bar."""
        room = self.rect.height()
        label = next((v for v in self._label_variants if self._metrics.horizontalAdvance(v) <= room), "")
        if label != self.label:
            self.label = label
            self._static = None

    # -- where things are (view coordinates), for painting and tests -------------------------

    def tick_y(self, value: float) -> float:
        lo, hi = self.tick_range
        span = hi - lo if hi > lo else 1.0
        return self.rect.top() + self.rect.height() * (1.0 - min(max((value - lo) / span, 0.0), 1.0))

    def tick_rects(self) -> list[tuple[str, QRectF]]:
        """(text, box) of each number, top to bottom."""
        if self._tick_boxes is None:
            height = self._metrics.height()
            x = self.rect.right() + TICK_LENGTH + TICK_GAP
            self._tick_boxes = []
            for value, text in sorted(self.ticks, key=lambda t: -t[0]):
                y = self.tick_y(value)
                self._tick_boxes.append((text, QRectF(x, y - height / 2, self._metrics.horizontalAdvance(text), height)))
        return self._tick_boxes

    def label_rect(self) -> QRectF:
        """The rotated axis label's box (empty when none is shown)."""
        if not self.label:
            return QRectF()
        length, height = self._metrics.horizontalAdvance(self.label), self._metrics.height()
        centre = self.rect.center()
        x = self.rect.left() - self.label_width() / 2 - height / 2
        return QRectF(x, centre.y() - length / 2, height, length)

    # -- painting ----------------------------------------------------------------------------

    def paint(self, painter: QPainter) -> None:
        if self.rect.height() <= 0:
            return
        ratio = painter.device().devicePixelRatioF()
        if self._static is None or self._static.devicePixelRatio() != ratio:
            self._static = self._paint_static(ratio)
        painter.drawPixmap(self._static_origin(), self._static)
        pen = QPen(self.dim_colour)
        pen.setCosmetic(True)
        painter.setPen(pen)
        for value, _ in self.ticks:
            y = round(self.tick_y(value)) + 0.5
            painter.drawLine(QPointF(self.rect.right() + 1, y), QPointF(self.rect.right() + 1 + TICK_LENGTH, y))
        painter.setFont(self.font)
        painter.setPen(self.text_colour)
        for text, box in self.tick_rects():
            painter.drawText(box, _LEFT_MIDDLE, text)

    def _static_origin(self) -> QPointF:
        return QPointF(self.rect.left() - self.label_width(), self.rect.top() - 1)

    def _paint_static(self, ratio: float) -> QPixmap:
        """The bar, its frame and the rotated axis label, in a transparent pixmap whose
        top-left corner is `_static_origin()`."""
        origin = self._static_origin()
        pixmap = transparent_pixmap(self.label_width() + self.bar_width + 1, self.rect.height() + 2, ratio)
        painter = QPainter(pixmap)
        painter.translate(-origin)
        if self._bar_image is not None:
            painter.drawImage(self.rect, self._bar_image)
        pen = QPen(self.dim_colour)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.drawRect(self.rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        if self.label:
            box = self.label_rect()
            painter.setFont(self.font)
            painter.translate(box.center())
            painter.rotate(-90)
            painter.drawText(QRectF(-box.height() / 2, -box.width() / 2, box.height(), box.width()),
                             Qt.AlignmentFlag.AlignCenter, self.label)
        painter.end()
        return pixmap
