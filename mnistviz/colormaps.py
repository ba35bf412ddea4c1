"""256-entry colour tables shared by the docks and the PNG export, so both look the same.

The tables are matplotlib's viridis family (CC0), stored in assets/colormaps.npz.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mnistviz.resources import resource

DEFAULT = "viridis"
# Shown in the View menu: name -> label. cividis is the colour-vision-deficiency-safe one.
CHOICES = {
    "viridis": "Viridis (perceptually uniform)",
    "cividis": "Cividis (colour-blind safe)",
    "inferno": "Inferno (high contrast)",
    "magma": "Magma",
}


@lru_cache(maxsize=None)
def _tables() -> dict[str, np.ndarray]:
    with np.load(resource("assets", "colormaps.npz")) as data:
        return {name: data[name] for name in data.files}


def lut(name: str = DEFAULT) -> np.ndarray:
    """(256, 3) uint8 RGB table."""
    tables = _tables()
    if name not in tables:
        raise KeyError(f"unknown colour map {name!r}; known: {', '.join(sorted(tables))}")
    return tables[name]


def apply(values: np.ndarray, lo: float, hi: float, name: str = DEFAULT) -> np.ndarray:
    """Map values to RGB uint8 with [lo, hi] spread over the table (clipped)."""
    span = hi - lo if hi > lo else 1.0
    index = np.clip((values - lo) / span * 255.0, 0, 255).astype(np.uint8)
    return lut(name)[index]
