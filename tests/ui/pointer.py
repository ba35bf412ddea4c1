"""Strokes with real Qt mouse events, for the window tests (one helper, not a copy per file)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def drag(canvas, fractions) -> None:
    """Press, move through and release at points given as fractions of the widget's size,
    so a test holds at any widget size."""
    w, h = canvas.width(), canvas.height()
    points = [QPointF(fx * w, fy * h) for fx, fy in fractions]

    def send(kind, point, buttons):
        event = QMouseEvent(kind, point, canvas.mapToGlobal(point), Qt.MouseButton.LeftButton, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(canvas, event)

    send(QMouseEvent.Type.MouseButtonPress, points[0], Qt.MouseButton.LeftButton)
    for point in points[1:]:
        send(QMouseEvent.Type.MouseMove, point, Qt.MouseButton.LeftButton)
    send(QMouseEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton)
