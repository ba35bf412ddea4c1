"""One lookup for bundled files, from source and from a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def root() -> Path:
    """The folder holding models/ and assets/: the bundle's data folder when frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resource(*parts: str) -> Path:
    return root().joinpath(*parts)


def bundled_model(name: str = "readout") -> Path:
    return resource("models", f"{name}.pt")


BUNDLED_MODELS = ("readout", "gap")
SAMPLES = ("assets", "samples.npz")
