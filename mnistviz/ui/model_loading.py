"""Loading models into the window: the first one once the window is on screen, later ones
from the Model menu or File ▸ Load model; what a loaded model changes; a refusal in words.

The first model waits for the canvas's first paint. Loading imports torch in the worker
thread, and that import (about 1.6 s here) holds Python's interpreter lock for most of
its time: started while the window was still being built and painted, it slowed the
window's first appearance by about 0.4 s (scripts/bench_startup.sh, README), and the
first prediction came no sooner. A window that is never painted (hidden, minimised,
a script) still gets its model after FIRST_LOAD_FALLBACK_MS.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Slot

from mnistviz.resources import BUNDLED_MODELS, bundled_model
from mnistviz.ui.worker import ModelInfo

MODEL_FILTER = "mnistviz models (*.pt *.pth *.ts *.ptl);;All files (*)"
FIRST_LOAD_FALLBACK_MS = 1000


class ModelLoading(QObject):
    """The window's model: loads it with the window's InferenceService and applies it."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.requested: Path | None = None  # the newest path asked for; a refusal names it
        self._first: Path | None = None  # the first model, until it is asked for
        worker = window.service.worker
        worker.modelLoaded.connect(self._on_loaded)
        worker.modelFailed.connect(self._on_failed)

    def initial_path(self) -> Path:
        """The model of the last session (a saved path that is gone is still tried: the
        refusal says so and falls back), else the built-in one."""
        saved = self.window.settings.get("model")
        return bundled_model(saved) if saved in BUNDLED_MODELS else Path(saved)

    def load_first(self, path: str | Path) -> None:
        """Load `path` once the canvas has been painted (or after the fallback delay),
        unless another model was asked for by then."""
        self._first = Path(path)
        self.window.model_label.setText(f"Loading model {self._first.name}…")
        self.window.canvas.installEventFilter(self)
        QTimer.singleShot(FIRST_LOAD_FALLBACK_MS, self, self._load_first_now)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint and watched is self.window.canvas:
            watched.removeEventFilter(self)
            # After this paint returns: the window is on screen before torch is imported.
            QTimer.singleShot(0, self, self._load_first_now)
        return False

    def _load_first_now(self) -> None:
        if self._first is not None:
            self.load(self._first)

    def load(self, path: str | Path) -> None:
        self._first = None  # asked for: the first model is not loaded after it
        self.window.canvas.removeEventFilter(self)
        self.requested = Path(path)
        self.window.model_label.setText(f"Loading model {self.requested.name}…")
        self.window.service.load_model(path)

    def ask_and_load(self) -> None:
        path = self.window.ask_for_file("Load a model", "last_model_folder", MODEL_FILTER)
        if path:
            self.load(path)

    @Slot(object)
    def _on_loaded(self, info: ModelInfo) -> None:
        window = self.window
        if window.model_info is None:
            # Torch, Qt and the window are ~200,000 long-lived objects: a full garbage
            # collection walked them all and froze the window for ~130 ms now and then.
            gc.freeze()
        window.model_info = info
        for dock, name, shape in zip(window.stage_docks, info.stage_names, info.stage_shapes):
            dock.configure(name, shape)
        bundled = {Path(a.data()).resolve(): n for n, a in window.model_actions.items()}
        name = bundled.get(info.path.resolve())
        if name:
            window.model_actions[name].setChecked(True)
            window.settings.set("model", name)
        else:
            checked = window.model_group.checkedAction()
            if checked:
                checked.setChecked(False)
            window.settings.set("model", str(info.path))
        accuracy = "" if info.test_accuracy is None else f" · test accuracy {info.test_accuracy * 100:.2f} %"
        window.model_label.setText(f"Model: {info.name}{accuracy}")
        window.modelChanged.emit(info)
        window.request_analysis()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        window = self.window
        logging.getLogger(__name__).warning("model refused: %s", message)
        requested = self.requested
        name = requested.name
        plain = (f"{name} is not a model mnistviz can use: it needs a model file made for mnistviz, "
                 "like the ones in the Model menu." if requested.is_file()
                 else f"{name} is a folder, not a model file: choose a model file inside it."
                 if requested.is_dir()
                 else f"{name} was not found: it may have been moved, renamed or deleted.")
        if window.model_info is not None:
            window.model_label.setText(f"Model: {window.model_info.name} (kept)")
            plain += f"\n\nStill using the model “{window.model_info.name}”."
        else:
            window.model_label.setText("No model loaded")
        # Nothing loaded yet (a saved or --model path went bad): the built-in model, and the bad
        # path is forgotten, or every start would fail the same way.
        fallback = bundled_model()
        falls_back = window.model_info is None and requested.resolve() != fallback.resolve()
        if falls_back:
            plain = f"The model “{name}” could not be loaded; using the built-in model instead.\n\n{plain}"
            window.settings.forget("model")
        window.tell_user("Cannot load the model", plain, details=message)
        window.modelRefused.emit(message)
        if falls_back:
            self.load(fallback)
