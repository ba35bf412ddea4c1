"""A log file in the user's log folder. Windowed builds have no console: sys.stdout and
sys.stderr are None there and whatever a command prints would vanish, so they are
pointed at the log."""

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
    redirect_missing_streams()
    return path


def redirect_missing_streams() -> Path | None:
    """Windowed builds (console=False, pythonw) start with sys.stdout and sys.stderr set to
    None: point them at the log file (or os.devnull) so what any command prints is kept.
    Returns the log file, or None. Does nothing when both streams exist."""
    if sys.stdout is not None and sys.stderr is not None:
        return None
    path: Path | None = log_folder() / "mnistviz.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    except OSError:
        path, stream = None, open(os.devnull, "w")  # noqa: SIM115
    sys.stdout = sys.stdout or stream
    sys.stderr = sys.stderr or stream
    return path
