"""The replay's probability curves, computed on their own thread: up to 200 moments, each
rendered (`FrameRenderer`) and classified (`replay.probabilities_for`), take about a second,
and the window keeps drawing meanwhile. Newest request wins, like the inference worker.

The thread loads its own copy of the window's model (once per model file), so it never
shares the inference worker's module or waits for it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from mnistviz.drawing import Drawing
from mnistviz.replay import compute_curves, frame_times, probabilities_for
from mnistviz.ui.replay_frames import FrameRenderer
from mnistviz.ui.worker import stop_at_exit

STOP_WAIT_MS = 5000  # closing waits for a frame or a model load to finish (well under a second)
_log = logging.getLogger(__name__)


class _CurveWorker(QObject):
    ready = Signal(int, object)  # request id, ProbabilityCurves
    failed = Signal(int, str)
    _wake = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pending: tuple[int, Drawing, Path, bool] | None = None
        self._stopped = threading.Event()
        self._cancelled = threading.Event()  # the frames being computed are no longer wanted
        self._model = None
        self._model_path: Path | None = None
        self._wake.connect(self._drain)  # queued: emitted from the GUI thread

    def submit(self, request_id: int, drawing: Drawing, model_path: Path, centre: bool) -> None:
        with self._lock:
            self._pending = (request_id, drawing, model_path, centre)
            self._cancelled.clear()
        self._wake.emit()

    def cancel(self) -> None:
        with self._lock:
            self._pending = None
            self._cancelled.set()

    def stop(self) -> None:
        self._stopped.set()

    def _newer_waiting(self) -> bool:
        return self._stopped.is_set() or self._cancelled.is_set() or self._pending is not None

    @Slot()
    def _drain(self) -> None:
        while not self._stopped.is_set():
            with self._lock:
                request, self._pending = self._pending, None
            if request is None:
                return
            request_id, drawing, model_path, centre = request
            try:
                curves = self._curves(drawing, model_path, centre)
            except Exception as exc:  # a model that breaks on a frame: no plot, the replay still works
                _log.exception("replay curves failed")
                if not self._stopped.is_set():
                    self.failed.emit(request_id, str(exc) or type(exc).__name__)
                continue
            if curves is not None and not self._stopped.is_set():
                self.ready.emit(request_id, curves)

    def _curves(self, drawing: Drawing, model_path: Path, centre: bool):
        if self._model is None or self._model_path != model_path:
            from mnistviz.model import load_model  # torch: first used on this thread

            self._model, self._model_path = load_model(model_path), model_path
        model, renderer = self._model, FrameRenderer(drawing)
        times = frame_times(drawing)
        frames = (renderer.frame(t) for t in times)
        return compute_curves(times, frames, lambda frame: probabilities_for(frame, model, centre),
                              tuple(model.meta.classes), cancelled=self._newer_waiting)


class CurveJob(QObject):
    """`request(drawing, model_path, centre) -> id`; `ready(id, curves)` for the newest only."""

    ready = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("ReplayCurveThread")
        self._worker = _CurveWorker()
        self._worker.moveToThread(self.thread)
        self._worker.ready.connect(self._on_ready)
        self._worker.failed.connect(self._on_failed)
        self.thread.finished.connect(self._worker.deleteLater)
        self._newest = 0
        self._waiting = False  # the newest request is still being computed
        self._stopped = False
        app = QCoreApplication.instance()
        if app is not None:  # a script that quits the event loop without closing the window
            app.aboutToQuit.connect(self.stop)
        # A window deleted without being closed: Qt aborts if a running QThread is destroyed.
        thread, worker = self.thread, self._worker
        self.destroyed.connect(lambda *_: _stop(thread, worker))
        stop_at_exit(self, self.thread)  # a script that ends without closing the window
        self.thread.start()

    def request(self, drawing: Drawing, model_path: Path, centre: bool) -> int:
        self._newest += 1
        self._waiting = True
        if not self._stopped:  # after stop() the worker is gone: nothing is computed
            self._worker.submit(self._newest, drawing, Path(model_path), centre)
        return self._newest

    def forget(self) -> None:
        """No answer wanted for anything asked so far."""
        self._newest += 1
        self._waiting = False

    def cancel(self) -> None:
        """No answer wanted, and the computation under way stops at its next frame. Called on
        every pointer move while the pen is down: with nothing under way it does nothing."""
        if not self._waiting:
            return
        self.forget()
        if not self._stopped:
            self._worker.cancel()

    def stop(self) -> None:
        self._stopped = True
        _stop(self.thread, self._worker)

    @Slot(int, object)
    def _on_ready(self, request_id: int, curves) -> None:
        if request_id == self._newest:
            self._waiting = False
            self.ready.emit(request_id, curves)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._newest:
            self._waiting = False
            self.failed.emit(request_id, message)


def _stop(thread: QThread, worker: _CurveWorker) -> None:
    """Stop at the next frame (a model load, well under a second, cannot be interrupted)."""
    try:
        if not thread.isRunning():
            return
        worker.stop()
    except RuntimeError:  # already deleted with its thread
        return
    thread.quit()
    if not thread.wait(STOP_WAIT_MS):
        _log.warning("the replay curves were still being computed when the window closed")
