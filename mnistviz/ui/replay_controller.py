"""The replay timeline's behaviour: which drawing it replays, what a moment shows, Play.

A moment t shows `render_drawing(drawing.until(t))` on the canvas as a read-only preview
(`Canvas.show_preview`); the canvas then emits strokeChanged and the window analyses what
the canvas shows, so every dock follows the timeline through the one pipeline. At the end
of the timeline the canvas is live again. Drawing on a moment continues the drawing from
there: the later strokes are cut as one undo step (Ctrl+Z brings them back), chosen over
refusing the pen, because "what if the 1 had been finished differently?" is the lesson.

The timeline follows the canvas's own drawing: a new stroke, undo, redo, clear or an opened
file puts it at the end of that drawing (live); with no strokes (an image, a sample) it hides.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence

from mnistviz import replay
from mnistviz.drawing import Drawing
from mnistviz.ui.replay_frames import FrameRenderer
from mnistviz.ui.replay_job import CurveJob
from mnistviz.ui.timeline import Timeline

PLAY_TICK_MS = 16  # one display frame: the worker keeps only the newest moment anyway
CURVES_DELAY_MS = 150  # after the last change, so a burst of undo presses asks once


class ReplayController(QObject):
    """`window.replay`. `drawing` (None: nothing to replay), `position_ms`, `live`, `curves`;
    `scrub_to(t_ms)`, `play()`, `pause()`, `set_speed(s)`; actions for the menu."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self.canvas = window.canvas
        self.drawing: Drawing | None = None
        self.position_ms = 0.0
        self.curves = None
        self._renderer: FrameRenderer | None = None
        self._clock: replay.PlaybackClock | None = None
        self._speed = 1.0
        self._closed = False

        self.timeline = Timeline()
        policy = self.timeline.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the canvas must not jump under the pen when it appears
        self.timeline.setSizePolicy(policy)
        self.timeline.hide()
        window.panel.layout().insertWidget(1, self.timeline)  # under the canvas, above its tools
        self.timeline.scrubbed.connect(self._user_scrubbed)
        self.timeline.playClicked.connect(self.toggle_play)
        self.timeline.speedChosen.connect(self.set_speed)

        self.job = CurveJob(self)
        self.job.ready.connect(self._on_curves)
        self.job.failed.connect(lambda _id, _message: self.timeline.set_curves(None))
        self._curves_timer = QTimer(self, singleShot=True, interval=CURVES_DELAY_MS)
        self._curves_timer.timeout.connect(self._ask_for_curves)
        self._play_timer = QTimer(self, interval=PLAY_TICK_MS)
        self._play_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._play_timer.timeout.connect(self._tick)

        self.play_action = self._action("Play / pause replay", "Ctrl+P", self.toggle_play,
                                        "Replay the drawing as it was drawn, every panel following")
        self.back_action = self._action("Replay: back one stroke", "Ctrl+Left",
                                        lambda: self._step(replay.previous_mark), "Go back to where the stroke before ended")
        self.forward_action = self._action("Replay: forward one stroke", "Ctrl+Right",
                                           lambda: self._step(replay.next_mark), "Go on to where the next stroke ended")
        self.start_action = self._action("Replay: first touch", "Ctrl+Home", lambda: self._go(self._start()),
                                         "Go to the drawing's first point")
        self.live_action = self._action("Replay: back to live", "Ctrl+End", self.go_live,
                                        "The whole drawing again; drawing goes on from there")
        self._enable_actions(False)

        self.canvas.strokeChanged.connect(self._canvas_changed)
        self.canvas.strokeFinished.connect(self._canvas_changed)
        window.modelChanged.connect(lambda _info: self._curves_outdated())
        window.input_dock.centringToggled.connect(lambda _on: self._curves_outdated())
        window.installEventFilter(self)

    def actions(self) -> list[QAction]:
        return [self.play_action, self.back_action, self.forward_action, self.start_action, self.live_action]

    @property
    def live(self) -> bool:
        return not self.canvas.previewing()

    # -- following the canvas ------------------------------------------------------------

    def _canvas_changed(self) -> None:
        if self.canvas.previewing():
            return  # the timeline's own moment
        if self.canvas.is_drawing():  # a stroke is recorded when it ends (strokeFinished)
            # The curves (a second of inference) wait until the pen rests: computed meanwhile,
            # they competed with the live analysis for the processor and the interpreter.
            self._curves_timer.stop()
            if self.curves is None:
                self.job.cancel()
            return
        drawing = self.canvas.drawing()
        if drawing is None or not drawing.strokes:
            self._set_drawing(None)
            return
        if self.drawing is None or drawing.strokes != self.drawing.strokes:
            self._set_drawing(drawing)
        elif self.position_ms != drawing.duration_ms:  # the preview was dropped (undo, a file...)
            self._show_position(drawing.duration_ms)
        if self.curves is None and not self._curves_timer.isActive():
            self._schedule_curves()  # asked for before a stroke that then changed nothing
        if self._clock is not None:
            self.pause()

    def _set_drawing(self, drawing: Drawing | None) -> None:
        self.pause()
        self.drawing, self.curves = drawing, None
        self.job.forget()
        self._enable_actions(drawing is not None)
        if drawing is None:
            self._renderer = None
            self._curves_timer.stop()
            self.timeline.hide()
            return
        self._renderer = FrameRenderer(drawing)
        self.timeline.set_span(self._start(), drawing.duration_ms, replay.stroke_ends(drawing))
        self.timeline.set_curves(None, busy=True)
        self._show_position(drawing.duration_ms)
        self.timeline.show()
        self._schedule_curves()

    def _start(self) -> float:
        return replay.start_ms(self.drawing) if self.drawing is not None else 0.0

    # -- moments -------------------------------------------------------------------------

    def scrub_to(self, t_ms: float) -> None:
        """Show the drawing as it was at t_ms: canvas and every dock. At the end: live."""
        if self.drawing is None or self.canvas.is_drawing():
            return
        t_ms = min(max(float(t_ms), self._start()), self.drawing.duration_ms)
        if t_ms >= self.drawing.duration_ms:
            self.canvas.show_preview(None)
        else:
            self.canvas.show_preview(self._renderer.frame(t_ms), self.drawing.until(t_ms))
        self._show_position(t_ms)

    def go_live(self) -> None:
        self.pause()
        if self.drawing is not None:
            self.scrub_to(self.drawing.duration_ms)

    def _user_scrubbed(self, t_ms: float) -> None:
        self.pause()
        self.scrub_to(t_ms)

    def _go(self, t_ms: float) -> None:
        self.pause()
        self.scrub_to(t_ms)

    def _step(self, mark) -> None:
        if self.drawing is not None:
            self._go(mark(self.drawing, self.position_ms))

    def _show_position(self, t_ms: float) -> None:
        self.position_ms = t_ms
        self.timeline.set_position(t_ms, self.live)

    # -- play ----------------------------------------------------------------------------

    def toggle_play(self) -> None:
        if self._clock is not None:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self.drawing is None or self.canvas.is_drawing():
            return
        self._clock = replay.PlaybackClock(self._start(), self.drawing.duration_ms)
        self._clock.set_speed(self._speed, time.monotonic())
        self._clock.play(self.position_ms, time.monotonic())
        self.timeline.set_playing(True)
        self._tick()
        self._play_timer.start()

    def pause(self) -> None:
        if self._clock is None:
            return
        self._play_timer.stop()
        self._clock = None
        self.timeline.set_playing(False)

    def set_speed(self, speed: float) -> None:
        self._speed = speed
        if self._clock is not None:
            self._clock.set_speed(speed, time.monotonic())
        self.timeline.set_speed(speed)

    def _tick(self) -> None:
        clock = self._clock
        if clock is None:
            return
        now = time.monotonic()
        self.scrub_to(clock.position(now))
        if clock.finished(now):
            self.pause()

    # -- the probability plot -----------------------------------------------------------

    def _curves_outdated(self) -> None:
        """Another model or centring: the plot must not show the old answers meanwhile."""
        if self.drawing is not None:
            self.curves = None
            self.job.forget()
            self.timeline.set_curves(None, busy=True)
            self._schedule_curves()

    def _schedule_curves(self) -> None:
        if self.drawing is not None and not self._closed:
            self._curves_timer.start()

    def _ask_for_curves(self) -> None:
        if self._closed:  # a timeout already queued when the window closed
            return
        info = self._window.model_info
        if self.drawing is None or info is None or self.canvas.is_drawing():
            return  # while drawing: asked again when the stroke ends
        self.job.request(self.drawing, info.path, self._window.input_dock.centring())

    def _on_curves(self, _request_id: int, curves) -> None:
        self.curves = curves
        self.timeline.set_curves(curves)

    # -- plumbing ------------------------------------------------------------------------

    def _action(self, text: str, key: str, slot, tip: str) -> QAction:
        action = QAction(text, self._window)
        action.setShortcut(QKeySequence(key))
        action.setToolTip(f"{tip} ({key})")
        action.triggered.connect(slot)
        self._window.addAction(action)  # works before (and without) a menu
        return action

    def _enable_actions(self, on: bool) -> None:
        for action in self.actions():
            action.setEnabled(on)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self._window and event.type() == QEvent.Type.Close:
            self._closed = True
            self.pause()
            self._curves_timer.stop()
            self.job.stop()  # no thread outlives the window; later requests are ignored
        return False
