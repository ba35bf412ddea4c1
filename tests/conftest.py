"""Shared fixtures: a contract model built in the test, the bundled samples, and guards
that keep tests off the user's settings and fail any test that leaves a QThread running."""

from __future__ import annotations

import os

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
    from model_files import save_scripted as save  # torch only when a test makes a model

    return save(module, path, meta)


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


# --- a real X server, for the tests that must read what the screen shows -------------------

class XServer:
    """Xvfb with openbox on a free display number; `run(...)` starts a program on it."""

    def __init__(self, width: int, height: int):
        import shutil
        import subprocess
        import time
        from pathlib import Path

        missing = [tool for tool in ("Xvfb", "openbox", "xdotool") if shutil.which(tool) is None]
        if missing:  # a failure, not a skip: CI installs them (README's apt command)
            raise RuntimeError(f"screen tests need {', '.join(missing)}: install them with the README's apt command")
        number = 90
        while Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            number += 1
        self.display = f":{number}"
        self.size = (width, height)
        self._processes = [subprocess.Popen(["Xvfb", self.display, "-screen", "0", f"{width}x{height}x24",
                                             "-nolisten", "tcp", "-br"], stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)]
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline or self._processes[0].poll() is not None:
                self.stop()
                raise RuntimeError(f"Xvfb did not start on {self.display}")
            time.sleep(0.05)
        self._processes.append(subprocess.Popen(["openbox"], env=self.env(), stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL))
        time.sleep(0.5)  # openbox takes the screen before the first window maps

    def env(self, **extra) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
        env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb", **extra)
        return env

    def run(self, args: list[str], settings_dir, timeout: float = 240):
        """Run a program on this screen with its own settings folder; returns CompletedProcess."""
        import subprocess

        env = self.env(XDG_CONFIG_HOME=str(settings_dir))
        return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)

    def stop(self) -> None:
        for process in reversed(self._processes):
            process.terminate()
            try:
                process.wait(10)
            except Exception:  # pragma: no cover
                process.kill()


@pytest.fixture(scope="session")
def x_screens():
    """x_screens(width, height) -> a running XServer of that size (one per size per run)."""
    servers: dict[tuple[int, int], XServer] = {}

    def get(width: int, height: int) -> XServer:
        if (width, height) not in servers:
            servers[(width, height)] = XServer(width, height)
        return servers[(width, height)]

    yield get
    for server in servers.values():
        server.stop()
