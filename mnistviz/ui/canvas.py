"""The drawing canvas: pointer strokes into a 280x280 grey image (white ink on black).

The image is the data sent to the model, so it stays 280x280 whatever the widget's
size or the screen's pixel ratio; the widget shows it in the largest centred square.
Everything drawn on top (grid, brush outline, border) is screen-only.

Signals (none carries pixels; read them with `image_array()`):

* `strokeChanged` - the one to connect to inference. Emitted at once whenever the image
  changed: every painted pointer move, and after clear / undo / redo / set_image_array /
  load_image_file / show_sample. There is no throttle: the window paces the analyses
  (`ui/pacing.AnalysisPacer`, one in flight, the newest canvas next), so a move is never
  held back by a clock.
* `strokeFinished` - a pointer stroke ended (after its last `strokeChanged`).
* `undoStateChanged(can_undo, can_redo)`, `toolChanged(eraser)`,
  `brushSizeChanged(size)`, `gridVisibleChanged(visible)`.
* `loadFailed(message)` - a dropped file could not be used (the canvas is unchanged).

Like Qt's tablet example, tablet events are accepted so Qt synthesizes no mouse
events from them, and mouse events are ignored while a tablet stroke is active.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QInputDevice,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPointingDevice,
    QTabletEvent,
)
from PySide6.QtWidgets import QWidget

from mnistviz.drawing import POINTER_REACH, Drawing, DrawnStroke
from mnistviz.ui.canvas_drop import FileDrops
from mnistviz.ui.canvas_grid import grid_pixmap
from mnistviz.ui.canvas_history import CanvasHistory, Snapshot
from mnistviz.preprocess import ImageInputError, fit_into, ink_box, load_drawing
from mnistviz.samples import sample_canvas
from mnistviz.ui.stroke_painter import PAPER, StrokePainter, image_to_array, render_drawing

CANVAS_SIZE = 280  # image pixels, 10 per pixel of the network's 28x28 input
BRUSH_MIN, BRUSH_MAX = 4, 40
DEFAULT_BRUSH = 18  # about 1/10 of a digit's height, like MNIST strokes


@dataclass
class _Stroke:
    """One pointer stroke in progress, in image coordinates."""

    erase: bool
    from_tablet: bool
    button: Qt.MouseButton
    before: Snapshot
    painter: StrokePainter
    points: list[list[float]]  # [x, y, t_ms, pressure], as recorded in drawing files
    released: bool = False


class Canvas(QWidget):
    strokeChanged = Signal()
    strokeFinished = Signal()
    undoStateChanged = Signal(bool, bool)
    toolChanged = Signal(bool)
    brushSizeChanged = Signal(int)
    gridVisibleChanged = Signal(bool)
    loadFailed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._image = QImage(CANVAS_SIZE, CANVAS_SIZE, QImage.Format.Format_Grayscale8)
        self._image.fill(PAPER)
        self._brush_size = DEFAULT_BRUSH
        self._eraser = False
        self._grid_visible = False
        self._stroke: _Stroke | None = None
        self._hover: QPointF | None = None  # image coordinates of the pointer, for the brush outline
        self._history = CanvasHistory()  # undo/redo, and the strokes as drawing files record them
        self._sample_turn: dict[int, int] = {}


        self.setMinimumSize(CANVAS_SIZE, CANVAS_SIZE)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMouseTracking(True)  # the brush outline follows the pointer
        # The canvas holds the keyboard focus (first in the Tab chain, and taken back by every
        # stroke) so Space never toggles a box clicked earlier outside a quiz.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TabletTracking)
        self._drops = FileDrops(self)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName("Drawing canvas")
        self.setAccessibleDescription("Draw a digit with the left button; the right button erases.")

    # ----- state -------------------------------------------------------------------

    @property
    def brush_size(self) -> int:
        return self._brush_size

    def set_brush_size(self, size: int) -> None:
        size = max(BRUSH_MIN, min(BRUSH_MAX, int(size)))
        if size != self._brush_size:
            self._update_hover_area()  # the old outline...
            self._brush_size = size
            self._update_hover_area()  # ...and the new one
            self.brushSizeChanged.emit(size)

    @property
    def eraser(self) -> bool:
        return self._eraser

    def set_eraser(self, on: bool) -> None:
        if bool(on) != self._eraser:
            self._eraser = bool(on)
            self._update_hover_area()
            self.toolChanged.emit(self._eraser)

    @property
    def grid_visible(self) -> bool:
        return self._grid_visible

    def set_grid_visible(self, visible: bool) -> None:
        if bool(visible) != self._grid_visible:
            self._grid_visible = bool(visible)
            self.update()
            self.gridVisibleChanged.emit(self._grid_visible)

    def can_undo(self) -> bool:
        return self._history.can_undo()

    def can_redo(self) -> bool:
        return self._history.can_redo()

    def is_empty(self) -> bool:
        """No ink, by the same threshold preprocessing uses."""
        return ink_box(self.image_array()) is None

    def is_drawing(self) -> bool:
        return self._stroke is not None

    # ----- pixels in and out ---------------------------------------------------------

    def image_array(self) -> np.ndarray:
        """A copy of the image: uint8 (280, 280), ink high."""
        return image_to_array(self._image)

    def drawing(self) -> Drawing | None:
        """The strokes drawn since the canvas was blank; None when the picture came from an
        image file or a sample (a drawing file holds strokes, not pixels)."""
        return self._history.drawing()

    def set_drawing(self, drawing: Drawing) -> None:
        """Show a drawing (undoable): its strokes replayed by the canvas's own renderer."""
        self._finish_stroke()
        before = self._snapshot()
        self._history.replace(drawing.strokes, recorded=True)
        self._push_undo(before)
        self._write(render_drawing(drawing))

    def set_image_array(self, array: np.ndarray) -> None:
        """Replace the image (undoable). Expects uint8 (280, 280), ink high."""
        array = np.asarray(array)
        if array.shape != (CANVAS_SIZE, CANVAS_SIZE) or array.dtype != np.uint8:
            raise ValueError(
                f"expected a uint8 array of shape ({CANVAS_SIZE}, {CANVAS_SIZE}), "
                f"found {array.dtype} {array.shape}"
            )
        self._finish_stroke()
        before = self._snapshot()
        if np.array_equal(before.image, array):
            return
        self._push_undo(before)
        # A blank canvas starts a new drawing; any other picture is pixels, not strokes.
        self._history.replace((), recorded=not array.any())
        self._write(array)

    def clear(self) -> None:
        """Empty the canvas (undoable)."""
        self.set_image_array(np.zeros((CANVAS_SIZE, CANVAS_SIZE), np.uint8))

    def load_image_file(self, path: str | Path) -> None:
        """Show an image file scaled to fit (undoable); dark ink on light paper is inverted.

        Raises ImageInputError, leaving the canvas unchanged, for a file that cannot
        be read, is too large, or holds no ink.
        """
        drawing = load_drawing(path)
        if ink_box(drawing) is None:
            raise ImageInputError(f"{Path(path).name}: no ink found - the image is blank")
        # No margin: the file's own layout is kept, so centring on/off shows what it does.
        self.set_image_array(fit_into(drawing, CANVAS_SIZE, margin=0))

    def show_sample(self, digit: int) -> None:
        """Show a bundled MNIST test digit of this class; repeated calls cycle through them."""
        turn = self._sample_turn.get(digit, 0)
        self.set_image_array(sample_canvas(digit, turn))
        self._sample_turn[digit] = turn + 1

    def undo(self) -> None:
        self._finish_stroke()
        self._restore(self._history.undo(self._snapshot()))

    def redo(self) -> None:
        self._finish_stroke()
        self._restore(self._history.redo(self._snapshot()))

    def _snapshot(self) -> Snapshot:
        return self._history.snapshot(self.image_array())

    def _restore(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            self._write(snapshot.image)
            self._emit_undo_state()

    def _write(self, array: np.ndarray) -> None:
        self._preview_image = self._preview_drawing = None  # any real change makes the canvas live again
        data = np.ascontiguousarray(array, dtype=np.uint8)
        # copy() detaches the QImage from the numpy buffer.
        self._image = QImage(data.data, CANVAS_SIZE, CANVAS_SIZE, CANVAS_SIZE, QImage.Format.Format_Grayscale8).copy()
        self.update()
        self.strokeChanged.emit()

    def _push_undo(self, before: Snapshot) -> None:
        self._history.push(before)
        self._emit_undo_state()

    def _emit_undo_state(self) -> None:
        self.undoStateChanged.emit(self.can_undo(), self.can_redo())

    # ----- strokes ---------------------------------------------------------------

    def _begin_stroke(self, pos: QPointF, erase: bool, from_tablet: bool, button: Qt.MouseButton,
                      pressure: float) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)  # tablet strokes too (Qt gives focus only on clicks)
        if self._preview_image is not None:  # drawing on a replayed moment continues from there
            self._continue_from_preview()
        # The brush size is fixed for the whole stroke, as the drawing file records it.
        painter = StrokePainter(self._image, erase, self._brush_size)
        self._stroke = _Stroke(erase, from_tablet, button, self._snapshot(), painter, [])
        self._hover = None
        pos = self._record(pos, pressure)
        self._image_changed(painter.begin(pos, pressure))

    def _continue_stroke(self, pos: QPointF, pressure: float) -> None:
        pos = self._within_reach(pos)
        dirty = self._stroke.painter.move(pos, pressure)
        if dirty is not None:  # an unmoved pointer paints nothing and is not recorded
            self._record(pos, pressure)
            self._image_changed(dirty)

    def _end_stroke(self, pos: QPointF, pressure: float = 1.0) -> None:
        self._stroke.released = True
        pos = self._record(pos, pressure)  # the release point closes every recorded stroke
        dirty = self._stroke.painter.end(pos)
        if dirty is not None:
            self._image_changed(dirty)
        self._finish_stroke()

    def _finish_stroke(self) -> None:
        """Close the stroke in progress, if any: record it for undo and report it."""
        stroke = self._stroke
        if stroke is None:
            return
        if not stroke.released:  # ended by undo, clear, a file...: close it where the pointer is
            self._end_stroke(stroke.painter.last_point)
            return
        self._stroke = None
        if not np.array_equal(stroke.before.image, self.image_array()):
            tool = "eraser" if stroke.erase else "pen"
            points = np.array(stroke.points, dtype=np.float64)
            self._history.add_stroke(DrawnStroke(tool, stroke.painter.base_width, points))
            self._push_undo(stroke.before)
        self.strokeFinished.emit()

    def _record(self, pos: QPointF, pressure: float) -> QPointF:
        """Note a painted point for the drawing file; returns the point as painted."""
        pos = self._within_reach(pos)
        t_ms = self._history.time_ms(not_before=self._stroke.points[-1][2] if self._stroke.points else 0.0)
        self._stroke.points.append([pos.x(), pos.y(), t_ms, max(0.0, min(1.0, pressure))])
        return pos

    @staticmethod
    def _within_reach(pos: QPointF) -> QPointF:
        """Clamp absurd positions (a pointer dragged far off the canvas) to what files allow."""
        reach = POINTER_REACH * CANVAS_SIZE
        low, high = CANVAS_SIZE / 2 - reach, CANVAS_SIZE / 2 + reach
        return QPointF(min(max(pos.x(), low), high), min(max(pos.y(), low), high))

    def _image_changed(self, image_rect: QRectF) -> None:
        self.update(self._to_widget_rect(image_rect))
        self.strokeChanged.emit()

    # ----- mouse -------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()
        if self._stroke is not None:  # a tablet stroke, or a second button during a mouse stroke
            return
        button = event.button()
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return
        erase = self._eraser or button == Qt.MouseButton.RightButton
        self._begin_stroke(self._to_image(event.position()), erase, False, button, 1.0)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        event.accept()
        stroke = self._stroke
        if stroke is None:
            self._set_hover(self._to_image(event.position()))
        elif not stroke.from_tablet and event.buttons() & stroke.button:
            self._continue_stroke(self._to_image(event.position()), 1.0)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()
        stroke = self._stroke
        if stroke is not None and not stroke.from_tablet and event.button() == stroke.button:
            self._end_stroke(self._to_image(event.position()))

    def leaveEvent(self, event) -> None:
        self._set_hover(None)
        super().leaveEvent(event)

    # ----- tablet ------------------------------------------------------------------

    def tabletEvent(self, event: QTabletEvent) -> None:
        event.accept()  # no synthesized mouse events after this
        pos = self._to_image(event.position())
        device = event.pointingDevice()
        senses_pressure = device is None or bool(device.capabilities() & QInputDevice.Capability.Pressure)
        pressure = event.pressure() if senses_pressure else 1.0
        kind = event.type()
        stroke = self._stroke
        if kind == QTabletEvent.Type.TabletPress and stroke is None:
            erase = self._eraser or event.pointerType() == QPointingDevice.PointerType.Eraser
            self._begin_stroke(pos, erase, True, event.button(), pressure)
        elif kind == QTabletEvent.Type.TabletMove:
            if stroke is None:
                self._set_hover(pos)
            elif stroke.from_tablet:
                self._continue_stroke(pos, pressure)
        elif kind == QTabletEvent.Type.TabletRelease and stroke is not None and stroke.from_tablet:
            self._end_stroke(pos, pressure)

    # ----- replay preview: what the timeline shows; never the drawing or its undo ------

    _preview_image: QImage | None = None
    _preview_drawing: Drawing | None = None

    def show_preview(self, array: np.ndarray | None, drawing: Drawing | None = None) -> None:
        """Show `array` (uint8 280x280) read-only instead of the drawing: a moment of the replay;
        None: the drawing itself again. strokeChanged follows, so the analysis shows it too.
        A stroke begun on the preview continues `drawing` (the strokes after that moment are
        cut, one undo step); without `drawing` it goes on the drawing itself."""
        if array is None:
            if self._preview_image is None:
                return
            self._preview_image = self._preview_drawing = None
        else:
            data = np.ascontiguousarray(array, dtype=np.uint8)
            self._preview_image = QImage(data.data, CANVAS_SIZE, CANVAS_SIZE, CANVAS_SIZE,
                                         QImage.Format.Format_Grayscale8).copy()
            self._preview_drawing = drawing
        self.update()
        self.strokeChanged.emit()

    def previewing(self) -> bool:
        return self._preview_image is not None

    def shown_array(self) -> np.ndarray:
        """A copy of what the canvas shows: the replay's moment while one is shown, else `image_array()`."""
        return image_to_array(self._preview_image) if self._preview_image is not None else self.image_array()

    def _continue_from_preview(self) -> None:
        drawing = self._preview_drawing
        self._preview_image = self._preview_drawing = None
        if drawing is not None:
            self.set_drawing(drawing)
        self.update()

    # Set by the window to open a dropped file off the GUI thread (a photo takes a second);
    # None: the file is read at once (see ui/canvas_drop.py).
    open_dropped_file = None

    # ----- geometry and painting -----------------------------------------------------

    def sizeHint(self):
        return self.minimumSize()

    def _view_rect(self) -> QRectF:
        """Where the image is shown: the largest centred square, on whole device pixels."""
        side = min(self.width(), self.height())
        dpr = self.devicePixelRatioF()
        left = round((self.width() - side) / 2 * dpr) / dpr
        top = round((self.height() - side) / 2 * dpr) / dpr
        return QRectF(left, top, side, side)

    def _to_image(self, widget_pos: QPointF) -> QPointF:
        view = self._view_rect()
        scale = CANVAS_SIZE / view.width()
        return QPointF((widget_pos.x() - view.left()) * scale, (widget_pos.y() - view.top()) * scale)

    def _to_widget_rect(self, image_rect: QRectF) -> QRect:
        view = self._view_rect()
        scale = view.width() / CANVAS_SIZE
        rect = QRectF(
            view.left() + image_rect.left() * scale,
            view.top() + image_rect.top() * scale,
            image_rect.width() * scale,
            image_rect.height() * scale,
        )
        return rect.toAlignedRect().adjusted(-2, -2, 2, 2)  # room for antialiasing

    def _set_hover(self, image_pos: QPointF | None) -> None:
        if image_pos == self._hover:
            return
        self._update_hover_area()
        self._hover = image_pos
        self._update_hover_area()

    def _update_hover_area(self) -> None:
        if self._hover is not None:
            r = self._brush_size / 2 + 2
            self.update(self._to_widget_rect(QRectF(self._hover.x() - r, self._hover.y() - r, 2 * r, 2 * r)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        view = self._view_rect()
        painter.fillRect(event.rect(), self.palette().window())
        # 1:1 in device pixels needs no filtering; any other scale is smoothed.
        one_to_one = abs(view.width() * self.devicePixelRatioF() - CANVAS_SIZE) < 0.5
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not one_to_one)
        painter.drawImage(view, self._image if self._preview_image is None else self._preview_image)
        if self._grid_visible:
            painter.drawPixmap(view.topLeft(), grid_pixmap(view.width(), view.height(), self.devicePixelRatioF()))
        self._paint_hover(painter, view)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # a sharp one-pixel border
        painter.setPen(QPen(self.palette().mid().color(), 0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(view.adjusted(0, 0, -1 / self.devicePixelRatioF(), -1 / self.devicePixelRatioF()))
        painter.end()

    def _paint_hover(self, painter: QPainter, view: QRectF) -> None:
        if self._hover is None or self._stroke is not None:
            return
        scale = view.width() / CANVAS_SIZE
        centre = QPointF(view.left() + self._hover.x() * scale, view.top() + self._hover.y() * scale)
        radius = self._brush_size / 2 * scale
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self._eraser:
            painter.setPen(QPen(QColor(255, 120, 90), 1.5, Qt.PenStyle.DashLine))
        else:
            painter.setPen(QPen(QColor(120, 190, 255), 1.5))
        painter.drawEllipse(centre, radius, radius)
