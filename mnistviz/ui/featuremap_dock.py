"""One stage's feature maps as a single heatmap mosaic in a dock.

All maps of a stage are tiled in numpy (`mnistviz.mosaic`) into ONE image shown by ONE
`HeatmapView`, with one colour bar as the legend: a repaint costs one image, not one per
map (DESIGN.md). A result fills a preallocated buffer in place and hands it to the view's
`HeatmapImage` with its levels (``set_image(buffer, levels)``).

The mosaic's grid follows the dock's shape (1x10 in a wide strip, 2x5, 5x2 in a tall
one: `MosaicLayout.fitted`); docks joined in a `SharedGrid` (the window's three stages)
choose one grid together, so one stage's maps are not drawn larger than another's. It is
chosen again only when a dock is resized or its type changes size, never per result; only
a new grid reallocates the buffer.

Numbers for people are 1-based (filter 1..C, as on the labels and in the exported
file names); `mapClicked` carries 0-based indices; rows/cols are 0-based pixel
coordinates. The enlarged view (`mnistviz.ui.map_viewer`) is not the dock's: the dock
asks for it with `mapClicked` and tells it about changes with `mapsChanged`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QObject, QPoint, QPointF, QRect, QRectF, Signal
from PySide6.QtWidgets import QDockWidget, QVBoxLayout, QWidget

from mnistviz import colormaps
from mnistviz.mosaic import DEFAULT_SCALE_MODE, Levels, MosaicLayout, StageScale, fit_shared_grid
from mnistviz.result import Result
from mnistviz.ui import theme as themes
from mnistviz.view_state import HoveredCell, ViewState
from mnistviz.ui.heatmap_view import (
    HINT,
    HINT_VARIANTS,
    HeatmapView,
    Readout,
    label_font,
    reading_texts,
    role_font,
    scale_label,
)

# The contract's stages (model.py has them too, but importing it would import torch).
EMPTY_TEXT = "Draw a digit"  # over the faded maps before anything is drawn
DEFAULT_STAGES = (("Conv1 + ReLU", (10, 28, 28)), ("Conv2 + ReLU", (10, 28, 28)), ("MaxPool", (10, 14, 14)))


class MapSnapshot(NamedTuple):
    """One map as a dock shows it now, for the enlarged view."""

    title: str  # "Conv2 + ReLU · filter 3"
    stage_name: str
    index: int  # 0-based
    raw: np.ndarray | None  # the map's values; None in the empty state
    shown: np.ndarray  # what is coloured (its tile of the dock's mosaic)
    levels: Levels | None
    label: tuple[str, ...]  # the colour bar's axis label, longest first


class FeatureMapDock(QDockWidget):
    """The maps of the stage at `stage_index` (0-based; objectName ``stageDock1``..)."""

    hovered = Signal(str)  # "Conv1 + ReLU · filter 3 · row 12, col 7 · value 0.53"; "" when leaving
    mapClicked = Signal(int, int)  # (stage_index, map_index), 0-based: a map is to be enlarged
    mapsChanged = Signal(int)  # stage_index: a result, colours, fonts or the grid changed
    cellHovered = Signal(object)  # view_state.HoveredCell (stage, filter, row, col), or None when leaving

    def __init__(self, stage_index: int, parent: QWidget | None = None, stage_name: str | None = None,
                 shape: tuple[int, int, int] | None = None, colormap: str = colormaps.DEFAULT,
                 scale_mode: str = DEFAULT_SCALE_MODE):
        super().__init__(parent)
        self.stage_index = stage_index
        self.setObjectName(f"stageDock{stage_index + 1}")
        default_name, default_shape = DEFAULT_STAGES[min(stage_index, len(DEFAULT_STAGES) - 1)]
        self._scale = StageScale(scale_mode)
        self._colormap = colormap
        self._presentation = False
        self._result: Result | None = None
        self._maps: np.ndarray | None = None  # the raw maps shown (hover reads these)
        self._values: np.ndarray | None = None  # what is coloured (the maps, or normalised)
        self._levels: Levels | None = None
        self._hover: tuple[int, int, int] | None = None
        self._label_font = None  # the filter numbers' font; None: the tiles are too small for them
        self.stage_name = ""
        self.layout_: MosaicLayout | None = None
        self.grid_group: SharedGrid | None = None  # set by SharedGrid

        body = QWidget(self)
        self.plot = HeatmapView(body)
        self.heatmap = self.plot.heatmap
        self.readout = Readout(HINT, body)
        body.setObjectName("featureMapBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self.setWidget(body)

        self.plot.set_lut(colormap)
        self.set_theme(themes.DARK)
        self.plot.pointerMoved.connect(self._on_pointer_moved)
        self.plot.clicked.connect(self._on_clicked)
        self.plot.left.connect(self._on_left)
        self.plot.areaChanged.connect(self._on_area_changed)
        self.plot.placed.connect(self._size_labels)
        self.configure(stage_name or default_name, shape or default_shape)
        self.set_presentation(False)
        self.show_result(None)

    # -- configuration -----------------------------------------------------------------

    def configure(self, stage_name: str, shape: tuple[int, int, int]) -> None:
        """Adapt to a stage (name, (C, H, W)): title, mosaic buffer, label positions."""
        shape = tuple(int(d) for d in shape)
        self.stage_name = stage_name
        channels, h, w = shape
        self.setWindowTitle(f"{stage_name} ({channels} @ {h}×{w})")
        if self.layout_ is not None and self.layout_.stage_shape == shape:
            return
        self._normalised = np.empty(shape, np.float32)  # "map" mode: per-map [0, 1] values
        self._zeros = np.zeros(shape, np.float32)
        self._maps = self._values = None
        self._use_layout(MosaicLayout.fitted(shape, *self.plot.image_area(), self.plot.devicePixelRatioF()))
        if self.grid_group is not None:
            self.grid_group.refit()

    def _use_layout(self, layout: MosaicLayout) -> None:
        """A new grid: a new buffer, the labels moved, the image's size told."""
        self.layout_ = layout
        self._buffer = layout.new_buffer()
        total_h, total_w = layout.shape
        self._hover = None
        self.plot.set_image_size(total_w, total_h)
        self._show_labels()

    def _on_area_changed(self, width: float, height: float) -> None:
        """The dock was resized (or its type): the grid that now shows the maps largest."""
        if self.layout_ is None:
            return
        if self.grid_group is not None:
            self.grid_group.refit()
            return
        self.use_grid_columns(MosaicLayout.fitted(self.layout_.stage_shape, width, height,
                                                  self.plot.devicePixelRatioF()).cols)

    def use_grid_columns(self, cols: int) -> None:
        """Show the maps in `cols` columns (a new grid only if it differs)."""
        layout = MosaicLayout.for_shape(self.layout_.stage_shape, cols=cols)
        if layout != self.layout_:
            self._use_layout(layout)
            self._upload()
            self.mapsChanged.emit(self.stage_index)

    def _size_labels(self) -> None:
        """Filter numbers as large as the mode asks while they cover little of a tile."""
        zoom = self.plot.zoom()
        font = label_font(self._presentation, self.layout_.width * zoom, self.layout_.height * zoom,
                          str(self.layout_.channels))
        self._label_font = font
        self._show_labels()

    def _show_labels(self) -> None:
        """The filter numbers (1-based) on their tiles, while maps are shown and they fit."""
        labels = []
        if self._maps is not None and self._label_font is not None:
            for index in range(self.layout_.channels):
                y0, x0 = self.layout_.origin(index)
                labels.append((x0, y0, str(index + 1)))
        self.plot.set_map_labels(labels, self._label_font)

    def listen_to(self, state: ViewState) -> None:
        """Follow the view state's colour map, scale mode and "Reset fixed scale"."""
        self.set_colormap(state.colormap)
        self.set_scale_mode(state.scale_mode)
        state.events.colormap.connect(self.set_colormap)
        state.events.scale_mode.connect(self.set_scale_mode)
        state.events.fixed_reset.connect(lambda _: self.reset_fixed_range())

    # -- updates -----------------------------------------------------------------------

    def show_result(self, result: Result | None) -> None:
        """Show this dock's stage of `result`; None shows the empty state."""
        self._result = result
        maps = None
        if result is not None and self.stage_index < len(result.stages):
            name, maps = list(result.stages.items())[self.stage_index]
            if name != self.stage_name or self.layout_.stage_shape != maps.shape:
                self.configure(name, maps.shape)
        was_empty = self._maps is None
        if maps is None:
            self._maps = self._values = self._levels = None  # the empty state
            self._hover = None
            self._upload()
            self.heatmap.set_opacity(0.35)
            self.plot.set_overlay(EMPTY_TEXT)
            self._show_labels()
            self.plot.set_levels(None, "")
            self.readout.show_text(*HINT_VARIANTS)
        else:
            self._maps = maps
            self._values, levels = self._scale.prepare(maps, out=self._normalised)
            if was_empty:
                self.heatmap.set_opacity(1.0)
                self.plot.set_overlay("")
                self._show_labels()
            if levels != self._levels:
                self.plot.set_levels(levels, scale_label(levels, self._scale.mode))
            self._levels = levels
            self._upload()
            if self._hover is not None:
                self._report(self._hover)
        self.mapsChanged.emit(self.stage_index)

    def _upload(self) -> None:
        """The current values (zeros when empty) into the buffer, in place: one upload."""
        values = self._zeros if self._values is None else self._values
        self.layout_.fill(values, self._buffer)
        lo, hi = (0.0, 1.0) if self._levels is None else (self._levels.lo, self._levels.hi)
        self.heatmap.set_image(self._buffer, (lo, hi))

    def set_colormap(self, name: str) -> None:
        colormaps.lut(name)  # KeyError for an unknown name
        self._colormap = name
        self.plot.set_lut(name)
        self.mapsChanged.emit(self.stage_index)

    def set_scale_mode(self, mode: str) -> None:
        """"stage", "fixed" or "map" (see mnistviz.mosaic); redraws the current result."""
        self._scale.mode = mode
        self._levels = None if self._maps is None else Levels(np.nan, np.nan)  # force a colour-bar update
        self.show_result(self._result)

    def reset_fixed_range(self) -> None:
        """Start the "fixed" range afresh from the current drawing."""
        self._scale.reset()
        if self._maps is not None:
            self._levels = Levels(np.nan, np.nan)
            self.show_result(self._result)

    def set_theme(self, theme: themes.Theme) -> None:
        """The colours around the maps: background, text, filter numbers' boxes."""
        self.widget().setStyleSheet(f"#featureMapBody {{ background: {theme.plot_background}; }} "
                                    f"#readout {{ color: {theme.plot_dim_text}; }}")
        self.plot.set_theme(theme)

    def set_presentation(self, on: bool) -> None:
        """Bigger type for a projector (the filter numbers: as far as the tiles allow)."""
        self._presentation = on
        self.setFont(role_font("title", on, bold=True))
        self.readout.setFont(role_font("readout", on))
        # On a projector the maps need the height; the status bar shows the same reading.
        self.readout.setVisible(not on)
        self.plot.set_fonts(on)  # re-fits the mosaic to the room the larger type leaves
        self._size_labels()
        self.mapsChanged.emit(self.stage_index)

    # -- state, for the window, the enlarged view and tests ----------------------------

    @property
    def scale_mode(self) -> str:
        return self._scale.mode

    @property
    def colormap(self) -> str:
        return self._colormap

    @property
    def presentation(self) -> bool:
        return self._presentation

    def levels(self) -> Levels | None:
        """The levels shown now; None in the empty state."""
        return self._levels

    def fixed_range(self) -> tuple[float, float] | None:
        return self._scale.fixed_range

    def is_empty(self) -> bool:
        return self._maps is None

    def mosaic_image(self) -> np.ndarray:
        """The mosaic buffer the view shows (NaN in the gaps)."""
        return self._buffer

    def map_snapshot(self, index: int) -> MapSnapshot:
        """Map `index` (0-based, clamped to the stage) as shown now."""
        index = min(max(index, 0), self.layout_.channels - 1)
        title = f"{self.stage_name} · filter {index + 1}"
        shown = self.layout_.tile(self._buffer, index)
        if self._maps is None:
            return MapSnapshot(title, self.stage_name, index, None, shown, None, ("",))
        return MapSnapshot(title, self.stage_name, index, self._maps[index], shown, self._levels,
                           scale_label(self._levels, self._scale.mode))

    def tile_rect(self, index: int) -> QRect:
        """Where map `index` is on the screen (global coordinates)."""
        rect = self.plot.map_rect_from_image(self.tile_image_rect(index)).toAlignedRect()
        return rect.translated(self.plot.mapToGlobal(QPoint(0, 0)))

    def tile_image_rect(self, index: int) -> QRectF:
        """Map `index`'s tile in the mosaic, in image pixels."""
        y0, x0 = self.layout_.origin(index)
        return QRectF(x0, y0, self.layout_.width, self.layout_.height)

    # -- hover and click -------------------------------------------------------------

    def locate(self, point: QPointF) -> tuple[int, int, int] | None:
        """A point of the mosaic (image pixels) -> (filter, row, col), 0-based; None in a gap
        or outside."""
        return self.layout_.locate(point.y(), point.x())

    def hover_texts(self, where: tuple[int, int, int]) -> tuple[str, ...]:
        """The reading of a pixel, longest first (the readout shows what fits)."""
        index, row, col = where
        share = None
        if self._levels is not None and self._levels.relative:
            share = float(self._normalised[index, row, col])
        return reading_texts(self.stage_name, index, row, col, self._maps[index, row, col], share)

    def hover_text(self, where: tuple[int, int, int]) -> str:
        return self.hover_texts(where)[0]

    def _report(self, where: tuple[int, int, int]) -> None:
        texts = self.hover_texts(where)
        self.readout.show_text(*texts)
        self.hovered.emit(texts[0])
        self.cellHovered.emit(HoveredCell(self.stage_index, *where))

    def _on_pointer_moved(self, point: QPointF) -> None:
        where = self.locate(point) if self._maps is not None else None
        if where == self._hover:
            return
        self._hover = where
        if where is None:
            self._on_left()
        else:
            self._report(where)

    def _on_left(self) -> None:
        self._hover = None
        self.readout.show_text(*HINT_VARIANTS)
        self.hovered.emit("")
        self.cellHovered.emit(None)

    def _on_clicked(self, point: QPointF) -> None:
        where = self.locate(point)
        if where is not None:
            self.open_map(where[0])

    def open_map(self, index: int) -> None:
        """Ask for map `index` (0-based) enlarged: emits mapClicked(stage_index, index)."""
        self.mapClicked.emit(self.stage_index, index)


class SharedGrid(QObject):
    """Stage docks that choose their mosaic's grid together (`fit_shared_grid`): the one
    whose smallest map on screen is largest, for every dock with as many maps. Alone, each
    dock took the grid best for its own shape, and a slightly taller MaxPool dock showed its
    14x14 maps in 2x5, larger than the 28x28 maps above it in 1x10."""

    def __init__(self, docks: list[FeatureMapDock], parent: QObject | None = None):
        super().__init__(parent)
        self.docks = docks
        for dock in docks:
            dock.grid_group = self
            dock.plot.placed.connect(self.limit_zooms)  # the room a layout really gave
        self.refit()

    def refit(self) -> None:
        groups: dict[int, list[FeatureMapDock]] = {}
        for dock in self.docks:
            if dock.layout_ is not None:
                groups.setdefault(dock.layout_.channels, []).append(dock)
        for channels, docks in groups.items():
            shown = [d for d in docks if not d.isHidden()]  # a closed dock has no say
            maps = [(d.layout_.height, d.layout_.width, *d.plot.image_area()) for d in shown]
            _, cols = fit_shared_grid(channels, maps, docks[0].plot.devicePixelRatioF())
            for dock in docks:
                dock.use_grid_columns(cols)
        self.limit_zooms()

    def limit_zooms(self) -> None:
        """In one grid a taller dock still zooms further: maps of a stage are drawn no larger
        than those of the stages with finer maps (pooled 14x14 maps never larger than the
        28x28 ones), and stages with maps of one size all as large as the smallest of them."""
        docks = [d for d in self.docks if d.layout_ is not None]
        finer_tile = math.inf  # the smallest map on screen among the finer stages done so far
        for size in sorted({d.layout_.height * d.layout_.width for d in docks}, reverse=True):
            same = [d for d in docks if d.layout_.height * d.layout_.width == size]
            tiles = [d.plot.natural_zoom() * d.layout_.width for d in same if not d.isHidden()]
            limit_tile = min([t for t in tiles if t > 0] + [finer_tile])
            for dock in same:
                dock.plot.set_zoom_limit(limit_tile / dock.layout_.width)
            shown = [d.plot.zoom() * d.layout_.width for d in same if not d.isHidden() and d.plot.zoom() > 0]
            finer_tile = min(shown + [finer_tile])
