"""The image a `HeatmapView` shows: 2-D values, their levels, a 256-entry colour table and an
opacity, coloured into a QImage only when it is painted (and only if something changed).

The colours are pyqtgraph's ImageItem's (the app's earlier renderer, and what the tests
compare with): index = clip((value - lo) * 256 / (hi - lo), 0, 255), NaN transparent. One
vectorised pass into preallocated buffers makes an ARGB32 premultiplied image, the raster
engine's own format, so drawing it is a plain copy.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtGui import QImage


class HeatmapImage:
    """Values, levels, colour table and opacity; `qimage()` colours them when needed.

    `changed` is called whenever what is shown changes (the view repaints)."""

    def __init__(self, changed: Callable[[], None] = lambda: None):
        self._changed = changed
        self.image: np.ndarray | None = None  # the values as given (not copied: a dock's buffer)
        self.levels: tuple[float, float] = (0.0, 1.0)
        self.lut: np.ndarray | None = None  # (256, 3) uint8
        self._opacity = 1.0
        self._qimage: QImage | None = None
        self._stale = True
        self._shape: tuple[int, int] | None = None
        self._table: np.ndarray | None = None

    def set_image(self, image: np.ndarray, levels: tuple[float, float]) -> None:
        """Show `image` (2-D) coloured between `levels` (lo, hi). The array is kept, not
        copied: filling it in place and calling this again shows the new values."""
        image = np.asarray(image)
        if image.ndim != 2:
            raise ValueError(f"a heatmap needs a 2-D image, not shape {image.shape}")
        self.image = image
        self.levels = (float(levels[0]), float(levels[1]))
        self._stale = True
        self._changed()

    def set_lut(self, lut: np.ndarray) -> None:
        lut = np.asarray(lut)
        if lut.shape != (256, 3) or lut.dtype != np.uint8:
            raise ValueError("a colour table is 256 rows of uint8 RGB")
        self.lut = lut
        rgb = lut.astype(np.uint32)
        self._table = 0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
        self._stale = True
        self._changed()

    def set_opacity(self, opacity: float) -> None:
        if opacity != self._opacity:
            self._opacity = float(opacity)
            self._changed()

    def opacity(self) -> float:
        return self._opacity

    def size(self) -> tuple[int, int]:
        """(width, height) in image pixels; (0, 0) before an image."""
        return (0, 0) if self.image is None else (self.image.shape[1], self.image.shape[0])

    def qimage(self) -> QImage | None:
        """The coloured image (None before an image and a colour table). It shares memory with
        buffers that the next colouring overwrites: paint it, do not keep it."""
        if self.image is None or self._table is None or self.image.size == 0:
            return None
        if self._stale:
            self._colour()
            self._stale = False
        return self._qimage

    def _colour(self) -> None:
        image = self.image
        if image.shape != self._shape:
            self._shape = image.shape
            self._scaled = np.empty(image.shape, np.float32)
            self._index = np.empty(image.shape, np.uint8)
            self._gaps = np.empty(image.shape, bool)
            self._argb = np.empty(image.shape, np.uint32)
        lo, hi = self.levels
        scale = 256.0 / (hi - lo if hi != lo else 1.0)
        np.isnan(image, out=self._gaps)
        np.subtract(image, np.float32(lo), out=self._scaled, casting="unsafe")
        np.multiply(self._scaled, np.float32(scale), out=self._scaled)
        np.clip(self._scaled, 0.0, 255.0, out=self._scaled)
        np.copyto(self._scaled, 0.0, where=self._gaps)
        np.copyto(self._index, self._scaled, casting="unsafe")
        np.take(self._table, self._index, out=self._argb)
        np.copyto(self._argb, 0, where=self._gaps)
        h, w = image.shape
        self._qimage = QImage(self._argb.data, w, h, w * 4, QImage.Format.Format_ARGB32_Premultiplied)
