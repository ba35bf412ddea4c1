"""Shared fixtures: a contract model built in the test, the bundled samples, and guards
that keep tests off the user's settings and fail any test that leaves a QThread running."""

from __future__ import annotations

import json
import os
import warnings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

from mnistviz.resources import resource


@pytest.fixture(scope="session")
def samples() -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (100,28,28), labels (100,)): 10 MNIST test digits per class."""
    with np.load(resource("assets", "samples.npz")) as data:
        return data["images"], data["labels"]


def save_scripted(module, path, meta: dict | None = None):
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scripted = torch.jit.script(module.eval())
        extra = {"meta.json": json.dumps(meta)} if meta is not None else {}
        torch.jit.save(scripted, str(path), _extra_files=extra)
    return path


@pytest.fixture
def contract_model_path(tmp_path):
    """A randomly initialised ReadoutNet saved as TorchScript: follows the contract."""
    import torch

    from mnistviz.architectures import ReadoutNet

    torch.manual_seed(0)
    return save_scripted(ReadoutNet(), tmp_path / "contract.pt", {"name": "test-net", "temperature": 1.0})


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """QSettings go to a temporary folder in every test, never the user's."""
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # pragma: no cover
        yield
        return
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(tmp_path / "settings"))
    yield


@pytest.fixture(autouse=True)
def no_thread_left_running(request):
    """Fail a test that leaves a QThread running (napari does the same)."""
    yield
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        return
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    app.processEvents()
    running = [t for t in app.findChildren(QThread) if t.isRunning()]
    running += [t for t in _tracked_threads() if t.isRunning()]
    assert not running, f"test left {len(running)} QThread(s) running"


def _tracked_threads():
    try:
        from mnistviz.ui.worker import live_threads
    except ImportError:
        return []
    return live_threads()
