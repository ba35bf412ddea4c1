"""The one stroke renderer: the live canvas paints with it, and drawing files replay through it.

A stroke is painted as a dot where it starts, quadratic curves from midpoint to midpoint
through the pointer positions (smooth at any pointer speed), and a straight tail to where
the pointer lifted. Because the canvas and `render_drawing` run this same code on the
same kind of image, a drawing file replays to exactly the pixels drawn live.

Needs only QtGui (no QApplication), so `mnistviz predict` can render drawing files.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

from mnistviz.drawing import CANVAS_SIZE, Drawing, DrawnStroke

INK, PAPER = 255, 0
PRESSURE_MIN_FRACTION = 0.25  # the lightest tablet touch draws a quarter of the brush width


def width_for_pressure(base_width: float, pressure: float) -> float:
    if pressure >= 1.0:
        return float(base_width)  # exactly the brush width for a mouse
    low = base_width * PRESSURE_MIN_FRACTION
    return low + (base_width - low) * max(0.0, pressure)


def blank_image() -> QImage:
    image = QImage(CANVAS_SIZE[0], CANVAS_SIZE[1], QImage.Format.Format_Grayscale8)
    image.fill(PAPER)
    return image


def image_to_array(image: QImage) -> np.ndarray:
    """A copy: uint8 (height, width), ink high."""
    stride = image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * image.height())
    return rows.reshape(image.height(), stride)[:, : image.width()].copy()


class StrokePainter:
    """Paints one stroke onto `image`; each call returns the image rectangle it changed."""

    def __init__(self, image: QImage, erase: bool, base_width: float):
        self._image = image
        self._colour = QColor(PAPER, PAPER, PAPER) if erase else QColor(INK, INK, INK)
        self.base_width = float(base_width)
        self._last_point = QPointF()
        self._last_mid = QPointF()
        self._last_width = 0.0

    def begin(self, pos: QPointF, pressure: float) -> QRectF:
        width = width_for_pressure(self.base_width, pressure)
        self._last_point, self._last_mid, self._last_width = QPointF(pos), QPointF(pos), width
        painter = self._painter()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colour)
        painter.drawEllipse(pos, width / 2, width / 2)
        painter.end()
        return QRectF(pos.x() - width / 2, pos.y() - width / 2, width, width)

    def move(self, pos: QPointF, pressure: float) -> QRectF | None:
        """None when the pointer did not move (nothing painted, nothing to record)."""
        if pos == self._last_point:
            return None
        width = width_for_pressure(self.base_width, pressure)
        mid = (self._last_point + pos) / 2
        path = QPainterPath(self._last_mid)
        path.quadTo(self._last_point, mid)
        dirty = self._paint_path(path, (self._last_width + width) / 2)
        self._last_point, self._last_mid, self._last_width = QPointF(pos), mid, width
        return dirty

    def end(self, pos: QPointF) -> QRectF | None:
        """The tail from the last midpoint to where the pointer lifted."""
        if pos == self._last_mid:
            return None
        path = QPainterPath(self._last_mid)
        path.lineTo(pos)
        return self._paint_path(path, self._last_width)

    @property
    def last_point(self) -> QPointF:
        return QPointF(self._last_point)

    def _painter(self) -> QPainter:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        return painter

    def _paint_path(self, path: QPainterPath, width: float) -> QRectF:
        painter = self._painter()
        painter.setPen(QPen(self._colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.drawPath(path)
        painter.end()
        pad = width / 2
        return path.controlPointRect().adjusted(-pad, -pad, pad, pad)


def paint_stroke(image: QImage, stroke: DrawnStroke) -> None:
    """Replay one recorded stroke: first point = press, last point = release."""
    points = stroke.points
    painter = StrokePainter(image, stroke.erase, stroke.width)
    painter.begin(QPointF(points[0, 0], points[0, 1]), points[0, 3])
    for x, y, _t, pressure in points[1:-1]:
        painter.move(QPointF(x, y), pressure)
    if len(points) > 1:
        painter.end(QPointF(points[-1, 0], points[-1, 1]))


def render_drawing(drawing: Drawing) -> np.ndarray:
    """The drawing's pixels: uint8 (280, 280), ink 255 on 0, as the canvas showed them."""
    image = blank_image()
    for stroke in drawing.strokes:
        paint_stroke(image, stroke)
    return image_to_array(image)
