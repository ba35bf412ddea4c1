"""A screen-only outline over another widget: the receptive field of the hovered map cell.

A transparent child that covers its target and lets every pointer event through, so the
target (the drawing canvas, the Input dock's 28x28 image) needs no change: nothing of
the outline reaches the drawing, its undo history or an export.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

OUTLINE = QColor(255, 200, 0)  # the same yellow as the Filters dock's highlight
RIM = 5.0  # px: the dark rim's width


class FieldOverlay(QWidget):
    """`set_rect(rect | None)`: (top, left, bottom, right) in the target's own image
    coordinates (pixel edges); `to_widget(rect) -> QRectF` maps them onto the target."""

    def __init__(self, target: QWidget, to_widget: Callable[[tuple[float, float, float, float]], QRectF]):
        super().__init__(target)
        self._to_widget = to_widget
        self.rect_on_image: tuple[float, float, float, float] | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setGeometry(target.rect())
        target.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())
        return False

    def set_rect(self, rect: tuple[float, float, float, float] | None) -> None:
        if rect == self.rect_on_image:
            return
        self.rect_on_image = rect
        self.setVisible(rect is not None)
        if rect is not None:
            self.raise_()
        self.update()

    def widget_rect(self) -> QRectF | None:
        return None if self.rect_on_image is None else self._to_widget(self.rect_on_image)

    def image_bounds(self) -> QRectF | None:
        """Where the whole image is shown, if the mapping says (`to_widget.image_extent`)."""
        extent = getattr(self._to_widget, "image_extent", None)
        return None if extent is None else self._to_widget(extent)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        rect = self.widget_rect()
        if rect is None:
            return
        painter = QPainter(self)
        bounds = self.image_bounds()
        if bounds is not None:
            # A field at the image's edge: the outline stays inside the frame, drawn whole.
            rect = rect.intersected(bounds)
            if rect.isEmpty():
                return
            inset = RIM / 2
            inner = bounds.adjusted(inset, inset, -inset, -inset)
            rect = QRectF(QPointF(max(rect.left(), inner.left()), max(rect.top(), inner.top())),
                          QPointF(min(rect.right(), inner.right()), min(rect.bottom(), inner.bottom())))
            painter.setClipRect(bounds)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(0, 0, 0, 160), RIM))  # a dark rim: visible on white ink too
        painter.drawRect(rect)
        painter.setPen(QPen(OUTLINE, 2.5))
        painter.drawRect(rect)
        painter.end()


def square_view(widget: QWidget, image_size: float) -> Callable[[tuple[float, float, float, float]], QRectF]:
    """Image coordinates -> widget coordinates for a widget that shows a square image as
    the largest centred square (the canvas: see Canvas._view_rect)."""
    def to_widget(rect: tuple[float, float, float, float]) -> QRectF:
        side = min(widget.width(), widget.height())
        ratio = widget.devicePixelRatioF()
        left = round((widget.width() - side) / 2 * ratio) / ratio
        top = round((widget.height() - side) / 2 * ratio) / ratio
        scale = side / image_size
        t, l, b, r = rect
        return QRectF(left + l * scale, top + t * scale, (r - l) * scale, (b - t) * scale)

    to_widget.image_extent = (0.0, 0.0, float(image_size), float(image_size))
    return to_widget


def pixel_view(view, field: int = 28) -> Callable[[tuple[float, float, float, float]], QRectF]:
    """Input pixels -> widget coordinates for a `PixelView` (its `image_rect`)."""
    def to_widget(rect: tuple[float, float, float, float]) -> QRectF:
        shown = view.image_rect()
        scale = shown.width() / field
        t, l, b, r = rect
        return QRectF(shown.left() + l * scale, shown.top() + t * scale, (r - l) * scale, (b - t) * scale)

    to_widget.image_extent = (0.0, 0.0, float(field), float(field))
    return to_widget
