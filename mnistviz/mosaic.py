"""Feature-map mosaics and colour scales: numpy only, shared by the docks and the export.

One stage ``(C, H, W)`` becomes one 2-D image: the maps tiled in a grid (2 rows x 5
columns for 10 maps) with thin gaps between them. Gap pixels are NaN, which the heatmap
view draws transparent (its background shows through) and the export paints in
its background colour. One image per stage instead of one per map keeps a repaint
cheap (DESIGN.md: 1.6 ms for all 30 maps instead of 8.5 ms).

Colour scales ("scale modes"):

``"stage"`` (default)
    one range for the whole stage: its min..max in this drawing. Maps of one stage
    can be compared with each other.
``"fixed"``
    one range per stage that only grows across drawings (the union of every range
    seen) until :meth:`StageScale.reset`. Drawings can be compared with each other.
``"map"``
    every map stretched to its own min..max. Shows the pattern inside weak maps, but
    colours are *relative*: the values shown are normalised to [0, 1] per map in
    numpy (a heatmap's levels are per image, not per tile), the levels are (0, 1) and
    ``Levels.relative`` is True, so a colour bar reads "relative", not a value.

On screen the grid follows the room it gets (`fit_grid`: 1x10 in a wide strip, 5x2 in a
tall one); `grid_shape` is the default (the export's contact sheet, a dock not yet laid
out).

Coordinates: ``MosaicLayout.locate(y, x)`` maps a mosaic pixel (row, column; floats
are floored, e.g. the pointer's image coordinates from the heatmap view) back to ``(filter, row, col)``,
all 0-based, or None in a gap or outside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

SCALE_MODES = {
    "stage": "One scale per stage",
    "fixed": "Fixed scale (grows across drawings)",
    "map": "Each map on its own (relative)",
}
DEFAULT_SCALE_MODE = "stage"
MAX_COLUMNS = 5


def grid_shape(channels: int, max_columns: int = MAX_COLUMNS) -> tuple[int, int]:
    """(rows, cols) for `channels` maps: at most `max_columns` columns while that keeps
    the grid wider than tall (10 -> 2x5, 3 -> 1x3); many maps get more columns so the
    grid stays roughly twice as wide as tall (32 -> 4x8, 64 -> 6x12)."""
    if channels < 1:
        raise ValueError(f"a stage needs at least one map, found {channels}")
    cols = min(channels, max(max_columns, math.ceil(math.sqrt(2 * channels))))
    return math.ceil(channels / cols), cols


def grid_choices(channels: int) -> list[tuple[int, int]]:
    """Every (rows, cols) grid for `channels` maps without an empty row or column
    (10 -> 1x10, 2x5, 3x4, 4x3, 5x2, 10x1)."""
    if channels < 1:
        raise ValueError(f"a stage needs at least one map, found {channels}")
    choices = []
    for cols in range(1, channels + 1):
        rows = math.ceil(channels / cols)
        if math.ceil(channels / rows) == cols:
            choices.append((rows, cols))
    return choices


SNAP_FROM = 2.0  # device pixels per image pixel from which the zoom is a whole number


def fit_zoom(image_w: float, image_h: float, area_w: float, area_h: float, pixel_ratio: float = 1.0) -> float:
    """Screen pixels per image pixel for an image shown whole in an area (both in logical
    pixels). From 2:1 up it is snapped down to a whole number of *device* pixels, so every
    image pixel is an equal, sharp square; below that, the exact fit (snapping 1.9 down
    to 1 would halve the maps on a small projector)."""
    if image_w <= 0 or image_h <= 0 or area_w <= 0 or area_h <= 0:
        return 0.0
    return snap_zoom(min(area_w / image_w, area_h / image_h), pixel_ratio)


def snap_zoom(zoom: float, pixel_ratio: float = 1.0) -> float:
    """`zoom` as `fit_zoom` shows it: from 2:1 up, down to whole device pixels."""
    device = zoom * pixel_ratio
    return math.floor(device + 1e-9) / pixel_ratio if device >= SNAP_FROM else zoom


# A grid with empty cells must give tiles this much larger to be chosen (it looks ragged).
EMPTY_CELL_PENALTY = 0.9


def fit_grid(channels: int, height: int, width: int, area_w: float, area_h: float, gap: int | None = None,
             pixel_ratio: float = 1.0) -> tuple[int, int]:
    """(rows, cols) that shows `channels` maps of height x width largest in an area of
    area_w x area_h logical pixels (zoom as `fit_zoom`, so a sharp zoom counts as what it
    shows). Ties, and an area not laid out yet, keep `grid_shape`'s default."""
    default = grid_shape(channels)
    if area_w <= 0 or area_h <= 0:
        return default
    gap = default_gap(height, width) if gap is None else gap

    def score(grid: tuple[int, int]) -> tuple[float, bool]:
        rows, cols = grid
        zoom = fit_zoom(cols * width + (cols - 1) * gap, rows * height + (rows - 1) * gap, area_w, area_h, pixel_ratio)
        return zoom * (1.0 if rows * cols == channels else EMPTY_CELL_PENALTY), grid == default

    return max(grid_choices(channels), key=score)


def fit_shared_grid(channels: int, maps: list[tuple[int, int, float, float]],
                    pixel_ratio: float = 1.0) -> tuple[int, int]:
    """One (rows, cols) for several stages of `channels` maps, each (height, width, area_w,
    area_h): the grid whose smallest map on screen is largest, so no stage's maps are drawn
    larger than another's because it alone chose a wider grid. Ties, and areas not laid out
    yet, keep `grid_shape`'s default."""
    default = grid_shape(channels)
    maps = [m for m in maps if m[2] > 0 and m[3] > 0]
    if not maps:
        return default

    def score(grid: tuple[int, int]) -> tuple[float, bool]:
        rows, cols = grid
        smallest = min(width * fit_zoom(cols * width + (cols - 1) * gap, rows * height + (rows - 1) * gap,
                                        area_w, area_h, pixel_ratio)
                       for height, width, area_w, area_h in maps
                       for gap in (default_gap(height, width),))
        return smallest * (1.0 if rows * cols == channels else EMPTY_CELL_PENALTY), grid == default

    return max(grid_choices(channels), key=score)


def default_gap(height: int, width: int) -> int:
    """Gap in map pixels: about 1/14 of a map (2 px for 28x28, 1 px for 14x14), so the
    gaps look equally thin when mosaics of different map sizes are shown equally wide."""
    return max(1, round(max(height, width) / 14))


@dataclass(frozen=True)
class MosaicLayout:
    """Where each map of a ``(channels, height, width)`` stage sits in the mosaic."""

    channels: int
    height: int
    width: int
    rows: int
    cols: int
    gap: int

    @classmethod
    def for_shape(cls, shape: tuple[int, int, int], gap: int | None = None,
                  max_columns: int = MAX_COLUMNS, cols: int | None = None) -> "MosaicLayout":
        """`cols`: that many columns (as many rows as needed); default `grid_shape`'s."""
        channels, height, width = (int(d) for d in shape)
        if height < 1 or width < 1:
            raise ValueError(f"maps must be at least 1x1, found {height}x{width}")
        if cols is None:
            rows, cols = grid_shape(channels, max_columns)
        else:
            if not 1 <= cols <= channels:
                raise ValueError(f"{cols} columns for {channels} maps")
            rows = math.ceil(channels / cols)
        return cls(channels, height, width, rows, cols, default_gap(height, width) if gap is None else int(gap))

    @classmethod
    def fitted(cls, shape: tuple[int, int, int], area_w: float, area_h: float,
               pixel_ratio: float = 1.0) -> "MosaicLayout":
        """The layout whose tiles come out largest in an area (logical pixels): `fit_grid`."""
        channels, height, width = (int(d) for d in shape)
        _, cols = fit_grid(channels, height, width, area_w, area_h, pixel_ratio=pixel_ratio)
        return cls.for_shape(shape, cols=cols)

    @property
    def stage_shape(self) -> tuple[int, int, int]:
        return (self.channels, self.height, self.width)

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) of the mosaic in pixels."""
        return (self.rows * self.height + (self.rows - 1) * self.gap,
                self.cols * self.width + (self.cols - 1) * self.gap)

    def origin(self, index: int) -> tuple[int, int]:
        """(y, x) of the top-left pixel of map `index` (0-based, row-major)."""
        if not 0 <= index < self.channels:
            raise IndexError(f"map {index} out of range 0..{self.channels - 1}")
        r, c = divmod(index, self.cols)
        return r * (self.height + self.gap), c * (self.width + self.gap)

    def tile_slices(self, index: int) -> tuple[slice, slice]:
        y0, x0 = self.origin(index)
        return slice(y0, y0 + self.height), slice(x0, x0 + self.width)

    def locate(self, y: float, x: float) -> tuple[int, int, int] | None:
        """Mosaic pixel (y, x) -> (filter, row, col), 0-based; None in a gap or outside."""
        if not (math.isfinite(y) and math.isfinite(x)):
            return None
        yi, xi = math.floor(y), math.floor(x)
        total_h, total_w = self.shape
        if not (0 <= yi < total_h and 0 <= xi < total_w):
            return None
        tr, row = divmod(yi, self.height + self.gap)
        tc, col = divmod(xi, self.width + self.gap)
        if row >= self.height or col >= self.width:
            return None  # in a gap
        index = tr * self.cols + tc
        if index >= self.channels:
            return None  # an unused cell of the last row
        return index, row, col

    def new_buffer(self, dtype=np.float32) -> np.ndarray:
        """A mosaic-sized array, all NaN (gaps stay NaN when tiles are filled)."""
        return np.full(self.shape, np.nan, dtype=dtype)

    def fill(self, maps: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Copy the maps ``(C, H, W)`` into their tiles of `out`, in place; gaps untouched."""
        if maps.shape != self.stage_shape:
            raise ValueError(f"expected maps of shape {self.stage_shape}, found {maps.shape}")
        if out.shape != self.shape:
            raise ValueError(f"expected a mosaic buffer of shape {self.shape}, found {out.shape}")
        h, w, step_y, step_x = self.height, self.width, self.height + self.gap, self.width + self.gap
        full_rows = self.channels // self.cols
        if full_rows:
            # Every complete row of tiles in one strided copy: view the buffer as
            # (rows, H+gap, cols, W+gap) and write its (rows, H, cols, W) part.
            n = full_rows * self.cols
            grid = np.lib.stride_tricks.as_strided(
                out, shape=(full_rows, h, self.cols, w),
                strides=(out.strides[0] * step_y, out.strides[0], out.strides[1] * step_x, out.strides[1]),
                writeable=True)
            grid[...] = maps[:n].reshape(full_rows, self.cols, h, w).transpose(0, 2, 1, 3)
        for index in range(full_rows * self.cols, self.channels):
            ys, xs = self.tile_slices(index)
            out[ys, xs] = maps[index]
        return out

    def tile(self, mosaic: np.ndarray, index: int) -> np.ndarray:
        """The view of map `index` inside a mosaic."""
        ys, xs = self.tile_slices(index)
        return mosaic[ys, xs]


def mosaic(maps: np.ndarray, gap: int | None = None, max_columns: int = MAX_COLUMNS,
           cols: int | None = None) -> np.ndarray:
    """Tile a stage ``(C, H, W)`` into one float32 image with NaN gaps."""
    layout = MosaicLayout.for_shape(maps.shape, gap=gap, max_columns=max_columns, cols=cols)
    return layout.fill(maps, layout.new_buffer())


class Levels(NamedTuple):
    """The range a colour table spans. ``relative``: the values were normalised per map
    ("map" mode), so (lo, hi) is (0, 1) and a colour bar should read "relative"."""

    lo: float
    hi: float
    relative: bool = False


def data_range(values: np.ndarray) -> tuple[float, float] | None:
    """(min, max) of the finite values, None if there are none."""
    values = np.asarray(values)
    finite = values if np.isfinite(values).all() else values[np.isfinite(values)]
    if finite.size == 0:
        return None
    return float(finite.min()), float(finite.max())


def widen(lo: float, hi: float) -> tuple[float, float]:
    """A non-empty span for a colour table: a flat range lo..lo becomes lo..lo+1."""
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def value_range(values: np.ndarray) -> tuple[float, float]:
    """Levels for `values`: their finite min..max, widened if flat; (0, 1) if none."""
    found = data_range(values)
    return widen(*found) if found is not None else (0.0, 1.0)


def normalise_per_map(maps: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Each map ``(C, H, W)`` stretched to [0, 1] by its own min..max; a flat map -> 0."""
    maps = np.asarray(maps, dtype=np.float32)
    lo = maps.min(axis=(1, 2), keepdims=True)
    span = maps.max(axis=(1, 2), keepdims=True) - lo
    span[span <= 0] = np.inf  # flat map: (v - lo) / inf == 0
    if out is None:
        out = np.empty_like(maps)
    np.subtract(maps, lo, out=out)
    np.divide(out, span, out=out)
    return out


class StageScale:
    """The colour scale of one stage under a scale mode; remembers the "fixed" range.

    ``prepare(maps)`` returns the values to colour (the maps themselves, or per-map
    normalised copies in "map" mode) and the `Levels` to colour them with.
    """

    def __init__(self, mode: str = DEFAULT_SCALE_MODE):
        self._mode = DEFAULT_SCALE_MODE
        self._fixed: tuple[float, float] | None = None
        self.mode = mode

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        if mode not in SCALE_MODES:
            raise ValueError(f"unknown scale mode {mode!r}; known: {', '.join(SCALE_MODES)}")
        self._mode = mode

    @property
    def fixed_range(self) -> tuple[float, float] | None:
        """The range "fixed" mode has grown to so far, None after a reset."""
        return self._fixed

    def reset(self) -> None:
        """Forget the "fixed" range; the next stage starts it afresh."""
        self._fixed = None

    def levels(self, maps: np.ndarray) -> Levels:
        """The levels for this stage in the current mode ("fixed": grows the range)."""
        if self._mode == "map":
            return Levels(0.0, 1.0, True)
        if self._mode != "fixed":
            return Levels(*value_range(maps), False)
        found = data_range(maps)
        if found is not None:
            lo, hi = found
            if self._fixed is not None:
                lo, hi = min(lo, self._fixed[0]), max(hi, self._fixed[1])
            self._fixed = (lo, hi)  # the data's range; widened only for display
        return Levels(*(widen(*self._fixed) if self._fixed is not None else (0.0, 1.0)), False)

    def prepare(self, maps: np.ndarray, out: np.ndarray | None = None) -> tuple[np.ndarray, Levels]:
        """(values to colour, levels): in "map" mode the maps normalised per map into `out`."""
        levels = self.levels(maps)
        if levels.relative:
            return normalise_per_map(maps, out), levels
        return maps, levels
