"""256-entry colour tables shared by the docks and the PNG export, so both look the same.

The tables are matplotlib's viridis family (CC0), stored in assets/colormaps.npz, and one
diverging table for signed values (evidence, kernel weights), made here from ColorBrewer's
RdBu (Apache 2.0; colour-blind safe): blue below zero, white at zero, red above.
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


# Signed values: not in CHOICES (the feature maps are never negative after ReLU).
DIVERGING = "diverging"
# ColorBrewer RdBu, 11 classes, reversed: index 0 (most negative) is dark blue.
_RDBU_R = ("#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7",
           "#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f")


def _diverging_table(stops: tuple[str, ...]) -> np.ndarray:
    """(256, 3) uint8: the stops evenly spaced, linearly interpolated; the middle stop at 127.5."""
    rgb = np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in stops], dtype=np.float64)
    positions = np.linspace(0, 255, len(stops))
    table = np.stack([np.interp(np.arange(256), positions, rgb[:, k]) for k in range(3)], axis=1)
    return np.round(table).astype(np.uint8)


@lru_cache(maxsize=None)
def _tables() -> dict[str, np.ndarray]:
    with np.load(resource("assets", "colormaps.npz")) as data:
        tables = {name: data[name] for name in data.files}
    tables[DIVERGING] = _diverging_table(_RDBU_R)
    return tables


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


def apply_signed(values: np.ndarray, limit: float, name: str = DIVERGING) -> np.ndarray:
    """Signed values to RGB with 0 in the middle of the table (white for DIVERGING) and
    -limit / +limit at its ends: the same colour means the same size either side of zero."""
    limit = float(limit) if limit > 0 and np.isfinite(limit) else 1.0
    return apply(values, -limit, limit, name)


def signed_limit(*arrays: np.ndarray) -> float:
    """The largest absolute finite value (1.0 if there is none): a scale centred on 0."""
    largest = max((float(np.abs(a[np.isfinite(a)]).max()) for a in arrays if np.isfinite(a).any()), default=0.0)
    return largest if largest > 0 else 1.0
