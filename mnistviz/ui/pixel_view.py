"""`PixelView`: a grey image shown crisply, with optional marks; `Step`: a caption over one.
Shared by the Input dock's input view and its steps view."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QToolTip, QVBoxLayout, QWidget

from mnistviz.preprocess import FIELD_SIZE

MARK_COLOUR = QColor(255, 80, 60)  # centre of mass
TARGET_COLOUR = QColor(80, 200, 255)  # the field's centre, where the centre of mass goes
BOX_COLOUR = QColor(255, 190, 60)  # the part of a photo kept as the digit


class PixelView(QWidget):
    """A grey image in [0, 1], shown square and as large as fits.

    Upscaled by a whole number of device pixels per image pixel with no filtering,
    so each of the network's pixels is a sharp square; shrinking is smoothed.
    Optional marks: the centre of mass (red dot), the target centre (blue cross), and a box
    (the part of a photo kept as the digit, an orange outline).
    Without an image it shows `placeholder`: on black (`dark_placeholder`, where an
    image will appear) or as a dashed outline (a step that was skipped).
    """

    def __init__(self, placeholder: str = "", field: int | None = None, parent: QWidget | None = None):
        """`field`: scale as if the image were field x field pixels, so a smaller image
        (the 20 px fit) shows its pixels the same size as the 28x28 ones beside it."""
        super().__init__(parent)
        self.placeholder = placeholder
        self.dark_placeholder = True
        self.align_top = False  # steps sit right under their captions
        # Whole device pixels per image pixel from this scale up; below it the image fills the
        # view (a small step picture would otherwise stay at one pixel per pixel).
        self.whole_from = 1.0
        self._field = field
        self._image: QImage | None = None
        self._buffer: np.ndarray | None = None  # keeps the QImage's pixels alive
        self._mass: tuple[float, float] | None = None
        self._target: tuple[float, float] | None = None
        self._box: tuple[float, float, float, float] | None = None
        self.setMinimumSize(56, 56)

    def set_image(
        self,
        image: np.ndarray | None,
        mass: tuple[float, float] | None = None,
        target: tuple[float, float] | None = None,
        box: tuple[float, float, float, float] | None = None,
    ) -> None:
        """`mass` and `target` are (row, column) in pixel-centre coordinates; `box` is
        (top, left, bottom, right) as fractions of the image."""
        if image is None:
            self._image = self._buffer = None
        else:
            self._buffer = np.ascontiguousarray((np.clip(image, 0, 1) * 255).round().astype(np.uint8))
            h, w = self._buffer.shape
            self._image = QImage(self._buffer.data, w, h, w, QImage.Format.Format_Grayscale8)
        self._mass, self._target, self._box = mass, target, box
        self.update()

    def has_image(self) -> bool:
        return self._image is not None

    def shown_array(self) -> np.ndarray | None:
        """The grey levels on show (uint8), or None for the placeholder."""
        return None if self._buffer is None else self._buffer.copy()

    def marks(self) -> tuple[tuple[float, float] | None, tuple[float, float] | None]:
        """(centre of mass, target) as (row, column), each None when not shown."""
        return self._mass, self._target

    def box(self) -> tuple[float, float, float, float] | None:
        return self._box

    def image_rect(self) -> QRectF:
        """Where the image (or the placeholder) is drawn, in widget coordinates."""
        field = self._field or FIELD_SIZE
        w, h = (self._image.width(), self._image.height()) if self._image is not None else (field, field)
        span_w, span_h = (self._field, self._field) if self._field else (w, h)
        dpr = self.devicePixelRatioF()
        fit = min(self.width() * dpr / span_w, self.height() * dpr / span_h)  # device pixels per image pixel
        if fit >= self.whole_from:
            fit = float(int(fit))  # whole device pixels per image pixel: no uneven rows
        width, height = w * fit / dpr, h * fit / dpr
        left = round((self.width() - width) / 2 * dpr) / dpr
        top = 0.0 if self.align_top else round((self.height() - height) / 2 * dpr) / dpr
        return QRectF(left, top, width, height)

    def sizeHint(self) -> QSize:
        return QSize(224, 224)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.image_rect()
        if self._image is None:
            self._paint_placeholder(painter, rect)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, rect.width() < self._image.width())
        painter.drawImage(rect, self._image)
        self._paint_frame(painter, rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scale = rect.width() / self._image.width()
        mark = max(6.0, min(12.0, scale * 1.2))
        if self._box is not None:
            top, left, bottom, right = self._box
            painter.setPen(QPen(BOX_COLOUR, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(rect.left() + left * rect.width(), rect.top() + top * rect.height(),
                                    (right - left) * rect.width(), (bottom - top) * rect.height()))
        if self._target is not None:
            centre = self._to_widget(rect, scale, self._target)
            painter.setPen(QPen(TARGET_COLOUR, 2))
            painter.drawLine(centre - QPointF(mark, 0), centre + QPointF(mark, 0))
            painter.drawLine(centre - QPointF(0, mark), centre + QPointF(0, mark))
        if self._mass is not None:
            painter.setPen(QPen(Qt.GlobalColor.black, 1))
            painter.setBrush(MARK_COLOUR)
            painter.drawEllipse(self._to_widget(rect, scale, self._mass), mark / 2, mark / 2)

    @staticmethod
    def _to_widget(rect: QRectF, scale: float, row_col: tuple[float, float]) -> QPointF:
        row, col = row_col
        return QPointF(rect.left() + (col + 0.5) * scale, rect.top() + (row + 0.5) * scale)

    def _paint_frame(self, painter: QPainter, rect: QRectF, style=Qt.PenStyle.SolidLine) -> None:
        inset = 1 / self.devicePixelRatioF()
        painter.setPen(QPen(self.palette().mid().color(), 0, style))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0, 0, -inset, -inset))

    def _paint_placeholder(self, painter: QPainter, rect: QRectF) -> None:
        if self.dark_placeholder:
            painter.fillRect(rect, QColor(0, 0, 0))
            self._paint_frame(painter, rect)
            text_colour, scale = QColor(150, 150, 150), 1.4
        else:
            self._paint_frame(painter, rect, Qt.PenStyle.DashLine)
            text_colour, scale = self.palette().placeholderText().color(), 1.0
        if self.placeholder:
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * scale)
            painter.setFont(font)
            painter.setPen(text_colour)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)


class Caption(QLabel):
    """One line that never wraps: cut short with "…" when narrow (large type on a projector),
    so the picture under it keeps its room. `text()` stays whole."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def shown_text(self) -> str:
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(self.contentsRect(), int(self.alignment()), self.shown_text())

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.shown_text() != self.text():
            step_tip = self.parentWidget().toolTip() if self.parentWidget() is not None else ""
            QToolTip.showText(event.globalPos(), "\n".join(t for t in (self.text(), step_tip) if t), self)
            return True
        return super().event(event)


class Step(QWidget):
    """One step on the way to the network's input: a caption over its image."""

    def __init__(self, caption: str, field: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = Caption(caption)
        self.view = PixelView(field=field)
        self.view.align_top = True
        self.view.dark_placeholder = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)
