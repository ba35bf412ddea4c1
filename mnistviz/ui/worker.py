"""Inference off the GUI thread: newest request wins, older ones are dropped.

The GUI thread calls `InferenceService.submit()` as often as it likes; the worker
keeps only the newest canvas state, so a fast drawer never queues a backlog
(PySide6's mandelbrot example and napari's status checker do the same).
torch is first imported here, in the worker thread, so the window appears before it.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

_threads: "weakref.WeakSet[QThread]" = weakref.WeakSet()


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
        self._wake.connect(self._drain)  # queued: _wake is emitted from the GUI thread

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
        try:
            model = self._loader(path)
        except Exception as exc:  # ModelError, or anything a broken file throws
            self.modelFailed.emit(str(exc))
            return
        self._model = model
        meta = model.meta
        self.modelLoaded.emit(ModelInfo(
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
                if self._model is None or self._pending is None:
                    self._scheduled = False
                    return
                request_id, canvas, centre, submitted = self._pending
                self._pending = None
            try:
                result = analyse(canvas, self._model, centre=centre, request_id=request_id)
            except Exception as exc:
                self.failed.emit(f"Analysis failed: {exc}")
                logging.getLogger(__name__).exception("analysis of request %d failed", request_id)
                continue
            self.inferences += 1
            if result is not None:
                result.timings["queue_ms"] = (time.perf_counter() - submitted) * 1000
            self.resultReady.emit(request_id, result)


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
        _threads.add(self.thread)

    def start(self) -> None:
        self.thread.start()

    def load_model(self, path: str | Path) -> None:
        self.loadRequested.emit(str(path))

    def submit(self, canvas: np.ndarray, centre: bool = True) -> int:
        self._next_id += 1
        self.worker.submit(self._next_id, canvas, centre)
        return self._next_id

    @property
    def last_request_id(self) -> int:
        return self._next_id

    def stop(self) -> None:
        """Let the running analysis finish, end the thread and wait for it: no dangling QThread."""
        if self.thread.isRunning():
            self.thread.quit()
            self.thread.wait()
