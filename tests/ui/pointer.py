"""Strokes with real Qt mouse and tablet events, for every test that draws (one helper,
not a copy per file)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QInputDevice, QMouseEvent, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

LEFT, RIGHT, NO_BUTTON = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton, Qt.MouseButton.NoButton


def send_mouse(widget, kind: QEvent.Type, pos, button=NO_BUTTON, buttons=NO_BUTTON) -> None:
    # QTest's mouseMove carries no buttons, so moves are built by hand.
    point = QPointF(*pos)
    event = QMouseEvent(kind, point, widget.mapToGlobal(point), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def mouse_stroke(widget, points, button=LEFT) -> None:
    send_mouse(widget, QEvent.Type.MouseButtonPress, points[0], button, button)
    for point in points[1:]:
        send_mouse(widget, QEvent.Type.MouseMove, point, NO_BUTTON, button)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, points[-1], button, NO_BUTTON)


def line(start, end, steps: int = 20) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1) = start, end
    return [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for t in np.linspace(0, 1, steps)]


def make_device(pointer_type: QPointingDevice.PointerType, system_id: int) -> QPointingDevice:
    caps = QInputDevice.Capability.Position | QInputDevice.Capability.Pressure
    stylus = QInputDevice.DeviceType.Stylus
    return QPointingDevice(f"test stylus {system_id}", system_id, stylus, pointer_type, caps, 1, 2)


def send_tablet(widget, device, kind: QEvent.Type, pos, pressure: float) -> QTabletEvent:
    point = QPointF(*pos)
    pressed = NO_BUTTON if kind == QEvent.Type.TabletRelease else LEFT
    button = NO_BUTTON if kind == QEvent.Type.TabletMove else LEFT
    event = QTabletEvent(
        kind, device, point, widget.mapToGlobal(point), pressure, 0.0, 0.0, 0.0, 0.0, 0.0,
        Qt.KeyboardModifier.NoModifier, button, pressed,
    )  # fmt: skip
    event.setAccepted(False)  # so the test sees whether the canvas accepted it
    QApplication.sendEvent(widget, event)
    return event


def tablet_stroke(widget, device, points, pressure: float) -> None:
    send_tablet(widget, device, QEvent.Type.TabletPress, points[0], pressure)
    for point in points[1:]:
        send_tablet(widget, device, QEvent.Type.TabletMove, point, pressure)
    send_tablet(widget, device, QEvent.Type.TabletRelease, points[-1], pressure)



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


def drop_files(widget, paths) -> tuple[QDragEnterEvent, QDropEvent]:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, NO_BUTTON, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, NO_BUTTON, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return enter, drop


# ----- the window: draw and wait, hover a map ------------------------------------------

SEVEN = [(0.3, 0.2), (0.5, 0.2), (0.7, 0.2), (0.62, 0.4), (0.55, 0.6), (0.5, 0.8)]  # fractions of the canvas
ONE = [(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]


def settled(window) -> bool:
    """The canvas as it is now analysed and shown."""
    return window.last_result is not None and window.analysis_settled()


def draw(qtbot, window, points=SEVEN):
    """Draw with real mouse events and wait until the window shows the answer."""
    drag(window.canvas, points)
    qtbot.waitUntil(lambda: settled(window), timeout=30_000)
    return window.last_result


def draw_seven(qtbot, window):
    return draw(qtbot, window, SEVEN)


def hover_map(qtbot, window, stage, index, row, col) -> None:
    """A real mouse move onto pixel (row, col) of map `index` in the stage's dock."""
    from PySide6.QtTest import QTest

    dock = window.stage_docks[stage]
    QApplication.processEvents()
    y0, x0 = dock.layout_.origin(index)
    QTest.mouseMove(dock.plot, dock.plot.map_from_image(QPointF(x0 + col + 0.5, y0 + row + 0.5)).toPoint())
    qtbot.waitUntil(lambda: window.view_state.hovered == (stage, index, row, col))
