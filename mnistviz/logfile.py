"""A log file in the user's log folder. Windowed builds have no console: sys.stdout and
sys.stderr are None there, and a print() would raise, so they are pointed at the log."""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path


def log_folder() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "mnistviz" / "Logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / "mnistviz"
    return Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state")) / "mnistviz"


def quiet_torchscript_warning() -> None:
    """torch 2.13 warns that TorchScript is deprecated on every load: not the user's concern."""
    warnings.filterwarnings("ignore", message=r".*TorchScript.*", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=r".*torch\.jit.*", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"torch\..*")


def setup_logging() -> Path | None:
    """Log to mnistviz.log; returns its path, or None when no folder could be made."""
    quiet_torchscript_warning()
    path: Path | None = log_folder() / "mnistviz.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        path, handler = None, logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if sys.stdout is None or sys.stderr is None:
        stream = open(path, "a", encoding="utf-8", buffering=1) if path else open(os.devnull, "w")  # noqa: SIM115
        sys.stdout = sys.stdout or stream
        sys.stderr = sys.stderr or stream
    return path
