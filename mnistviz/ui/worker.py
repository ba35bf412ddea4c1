"""Inference off the GUI thread: newest request wins, older ones are dropped.

The GUI thread calls `InferenceService.submit()` as often as it likes; the worker
keeps only the newest canvas state, so a fast drawer never queues a backlog
(PySide6's mandelbrot example and napari's status checker do the same).
torch is first imported here, in the worker thread, so the window appears before it.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

_threads: "weakref.WeakSet[QThread]" = weakref.WeakSet()
# Everything that owns a QThread and has stop(): stopped at interpreter exit (see below).
_owners: "weakref.WeakSet[QObject]" = weakref.WeakSet()
# Threads stop() gave up waiting for (a load or analysis still running), with their workers:
# their Python wrappers must outlive the window, or Qt destroys a running QThread and aborts.
_abandoned: list[tuple[QThread, QObject]] = []
STOP_WAIT_MS = 500  # how long closing waits for a running analysis before abandoning it


def stop_at_exit(owner: QObject, thread: QThread) -> None:
    """Have `owner.stop()` called at interpreter exit if the window never closed, and count
    `thread` in `live_threads()`."""
    _threads.add(thread)
    _owners.add(owner)


def live_threads() -> list[QThread]:
    """Every worker thread still alive (the test suite fails a test that leaves one running)."""
    return list(_threads)


@dataclass(frozen=True)
class ModelInfo:
    """What the window needs to know about a loaded model, without touching torch."""

    path: Path
    name: str
    stage_names: tuple[str, ...]
    stage_shapes: tuple[tuple[int, int, int], ...]
    classes: tuple[str, ...]
    test_accuracy: float | None
    temperature: float
    architecture: str | None
    trained_on: str | None


def _default_loader(path):
    from mnistviz.model import configure_threads, load_model

    configure_threads()
    return load_model(path)


class InferenceWorker(QObject):
    """Lives in its own QThread. Slots run there; signals reach the GUI thread queued."""

    resultReady = Signal(int, object)  # request id, Result (None for an empty canvas)
    failed = Signal(str)  # an error while analysing: shown in the status bar
    modelLoaded = Signal(object)  # ModelInfo
    modelFailed = Signal(str)  # the previous model stays in use
    _wake = Signal()

    def __init__(self, loader: Callable = _default_loader) -> None:
        super().__init__()
        self._loader = loader
        self._model = None
        self._lock = threading.Lock()
        self._pending: tuple[int, np.ndarray, bool, float] | None = None
        self._scheduled = False
        self.inferences = 0  # how many requests were really computed (the rest were dropped)
        # The newest answer so far, (request id, Result or None), set before its resultReady is
        # emitted: whichever answer reaches the window first, the window shows this one.
        self.newest_answer: tuple[int, object] = (0, None)
        # Set by abandon(): nothing more is computed or emitted. Emits hold _emit_lock, so once
        # abandon() returns no signal can reach a window that is being deleted.
        self._abandoned = threading.Event()
        self._emit_lock = threading.Lock()
        self._wake.connect(self._drain)  # queued: _wake is emitted from the GUI thread

    def abandon(self) -> None:
        """Any thread: drop waiting requests and never emit again (a running load finishes unseen)."""
        with self._emit_lock:
            self._abandoned.set()
        with self._lock:
            self._pending = None

    def _emit(self, signal, *args) -> None:
        with self._emit_lock:
            if not self._abandoned.is_set():
                signal.emit(*args)

    def submit(self, request_id: int, canvas: np.ndarray, centre: bool) -> None:
        """Any thread. Replaces whatever request is still waiting."""
        with self._lock:
            self._pending = (request_id, canvas, centre, time.perf_counter())
            if self._scheduled:
                return
            self._scheduled = True
        self._wake.emit()

    @Slot(str)
    def load(self, path: str) -> None:
        if self._abandoned.is_set():
            return
        try:
            model = self._loader(path)
        except Exception as exc:  # ModelError, or anything a broken file throws
            self._emit(self.modelFailed, str(exc) or type(exc).__name__)
            return
        if self._abandoned.is_set():
            return  # the window closed while this loaded
        self._model = model
        meta = model.meta
        self._emit(self.modelLoaded, ModelInfo(
            path=Path(path), name=meta.name, stage_names=tuple(meta.stage_names),
            stage_shapes=tuple(model.stage_shapes), classes=tuple(meta.classes),
            test_accuracy=meta.test_accuracy, temperature=meta.temperature,
            architecture=meta.architecture, trained_on=meta.trained_on,
        ))
        self._drain()  # a drawing made while loading gets its answer now

    @Slot()
    def _drain(self) -> None:
        from mnistviz.pipeline import analyse

        while True:
            with self._lock:
                if self._model is None or self._pending is None or self._abandoned.is_set():
                    self._scheduled = False
                    return
                request_id, canvas, centre, submitted = self._pending
                self._pending = None
            try:
                # analyse() checks the outputs against the shapes recorded at load time and
                # refuses NaN or infinity: a broken answer becomes `failed`, never a Result.
                result = analyse(canvas, self._model, centre=centre, request_id=request_id)
            except Exception as exc:
                logging.getLogger(__name__).exception("analysis of request %d failed", request_id)
                self._emit(self.failed, f"Analysis failed: {exc}")
                continue
            self.inferences += 1
            if result is not None:
                result.timings["queue_ms"] = (time.perf_counter() - submitted) * 1000
            self.newest_answer = (request_id, result)  # one assignment: atomic for the GUI thread
            self._emit(self.resultReady, request_id, result)


class InferenceService(QObject):
    """Owns the worker and its thread; the window talks only to this."""

    loadRequested = Signal(str)

    def __init__(self, loader: Callable = _default_loader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("InferenceThread")
        self.worker = InferenceWorker(loader)
        self.worker.moveToThread(self.thread)
        self.loadRequested.connect(self.worker.load)
        self.thread.finished.connect(self.worker.deleteLater)
        self._next_id = 0
        self._stopped = False
        stop_at_exit(self, self.thread)
        app = QCoreApplication.instance()
        if app is not None:  # a script that quits the event loop without closing the window
            app.aboutToQuit.connect(self.stop)

    def start(self) -> None:
        self.thread.start()

    def load_model(self, path: str | Path) -> None:
        self.loadRequested.emit(str(path))

    def submit(self, canvas: np.ndarray, centre: bool = True) -> int:
        self._next_id += 1
        if not self._stopped:
            self.worker.submit(self._next_id, canvas, centre)
        return self._next_id

    @property
    def last_request_id(self) -> int:
        return self._next_id

    def stop(self, wait_ms: int = STOP_WAIT_MS) -> None:
        """End the thread without blocking the caller for a long load or analysis.

        The worker is told to abandon its work and emit nothing more; a slot still running
        (torch.jit.load, a slow forward) cannot be interrupted, so after `wait_ms` the thread
        is left to end on its own, kept alive until then (and waited for at interpreter exit).
        """
        if self._stopped:
            return
        self._stopped = True
        if not self.thread.isRunning():
            return
        self.worker.abandon()
        self.thread.quit()  # the event loop ends as soon as the running slot returns
        if not self.thread.wait(wait_ms):
            _abandoned.append((self.thread, self.worker))
            logging.getLogger(__name__).info("closing without waiting for the running model work")


def wait_for_abandoned_threads() -> None:
    """Stop every thread owner and wait for abandoned threads: Qt aborts the process if a
    QThread object is destroyed while its thread runs, which interpreter exit would otherwise do."""
    for owner in list(_owners):
        try:
            owner.stop()
        except RuntimeError:  # its C++ side is already gone: its thread was stopped with it
            pass
    while _abandoned:
        thread, _worker = _abandoned.pop()
        thread.wait()  # the abandoned load or analysis returns on its own; nothing is emitted


# weakref.finalize registers its own exit hook on first use; an abandoned thread still importing
# torch would register it during exit, too late, and torch's finalizers would then fail noisily.
# Registering it now puts it before ours, so it runs after we have waited.
weakref.finalize(ModelInfo, lambda: None)
# Runs before PySide6's own exit clean-up (atexit is last-in, first-out and QtCore was imported first).
atexit.register(wait_for_abandoned_threads)
