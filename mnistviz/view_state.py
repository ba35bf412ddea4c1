"""What the user has chosen to look at, in one Qt-free object that views listen to.

napari's layer model is the pattern: the choices live on a plain object with change
events (`state.events.colormap.connect(callback)`); menus set attributes, docks and the
export read them and listen. No view reads another view's widgets or a menu's check
state. No numpy, no Qt: tested without a window.

Events fire only on a real change, after the attribute holds the new value, with the new
value as the one argument (`fixed_reset` carries None).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

COLORMAPS = ("viridis", "cividis", "inferno", "magma")  # as colormaps.CHOICES (not imported: numpy)
DEFAULT_COLORMAP = "viridis"
SCALE_MODES = ("stage", "fixed", "map")  # as mosaic.SCALE_MODES
DEFAULT_SCALE_MODE = "stage"


class HoveredCell(NamedTuple):
    """One pixel of one feature map, all 0-based: stage index, filter, row, column."""

    stage: int
    filter: int
    row: int
    col: int


class Event:
    """A list of callbacks, called in the order they connected."""

    def __init__(self, name: str):
        self.name = name
        self._callbacks: list[Callable[[Any], None]] = []

    def connect(self, callback: Callable[[Any], None]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[[Any], None]) -> None:
        self._callbacks.remove(callback)

    def emit(self, value: Any) -> None:
        for callback in list(self._callbacks):  # a callback may disconnect itself
            callback(value)


class Events:
    """`events.<name>` for every attribute of `ViewState` that can change."""

    NAMES = ("colormap", "scale_mode", "fixed_ranges", "fixed_reset", "selected_class", "hovered", "compare_pin")

    def __init__(self):
        for name in self.NAMES:
            setattr(self, name, Event(name))


class ViewState:
    """colormap, scale_mode, fixed_ranges (stage name -> (lo, hi) shown in "fixed" mode),
    selected_class (None: the predicted class), hovered (a `HoveredCell` or None)."""

    def __init__(self, colormap: str = DEFAULT_COLORMAP, scale_mode: str = DEFAULT_SCALE_MODE):
        self.events = Events()
        self._colormap = DEFAULT_COLORMAP
        self._scale_mode = DEFAULT_SCALE_MODE
        self._fixed_ranges: dict[str, tuple[float, float]] = {}
        self._selected_class: int | None = None
        self._hovered: HoveredCell | None = None
        self._compare_pin: Any = None  # the pinned Result (drawing A of Compare), or None
        self.colormap = colormap
        self.scale_mode = scale_mode

    def on_change(self, name: str, callback: Callable[[Any], None]) -> None:
        """Same as ``events.<name>.connect(callback)``, with a clear error for a wrong name."""
        if name not in Events.NAMES:
            raise ValueError(f"no view-state event {name!r}; known: {', '.join(Events.NAMES)}")
        getattr(self.events, name).connect(callback)

    def _change(self, name: str, value: Any) -> None:
        if getattr(self, "_" + name) == value:
            return
        setattr(self, "_" + name, value)
        getattr(self.events, name).emit(value)

    @property
    def colormap(self) -> str:
        return self._colormap

    @colormap.setter
    def colormap(self, name: str) -> None:
        if name not in COLORMAPS:
            raise ValueError(f"unknown colour map {name!r}; known: {', '.join(COLORMAPS)}")
        self._change("colormap", name)

    @property
    def scale_mode(self) -> str:
        return self._scale_mode

    @scale_mode.setter
    def scale_mode(self, mode: str) -> None:
        if mode not in SCALE_MODES:
            raise ValueError(f"unknown scale mode {mode!r}; known: {', '.join(SCALE_MODES)}")
        self._change("scale_mode", mode)

    @property
    def fixed_ranges(self) -> dict[str, tuple[float, float]]:
        """A copy: change it with `set_fixed_range` or `reset_fixed_ranges`."""
        return dict(self._fixed_ranges)

    def set_fixed_range(self, stage_name: str, value_range: tuple[float, float] | None) -> None:
        """The range "fixed" mode shows for a stage now (the docks grow it across drawings)."""
        ranges = dict(self._fixed_ranges)
        if value_range is None:
            ranges.pop(stage_name, None)
        else:
            lo, hi = (float(v) for v in value_range)
            if not lo <= hi:
                raise ValueError(f"a range runs from low to high, found {lo} .. {hi}")
            ranges[stage_name] = (lo, hi)
        self._change("fixed_ranges", ranges)

    def reset_fixed_ranges(self) -> None:
        """View ▸ Heatmap scale ▸ Reset fixed scale: every stage starts afresh."""
        self._change("fixed_ranges", {})
        self.events.fixed_reset.emit(None)

    @property
    def selected_class(self) -> int | None:
        return self._selected_class

    @selected_class.setter
    def selected_class(self, index: int | None) -> None:
        if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
            raise ValueError(f"a class is a number from 0 up, or None for the predicted one; found {index!r}")
        self._change("selected_class", index)

    def toggle_class(self, index: int) -> None:
        """A click on a class: select it; a second click on the same class goes back to the prediction."""
        self.selected_class = None if self._selected_class == index else index

    @property
    def hovered(self) -> HoveredCell | None:
        return self._hovered

    @hovered.setter
    def hovered(self, cell: HoveredCell | tuple[int, int, int, int] | None) -> None:
        if cell is not None:
            cell = HoveredCell(*(int(v) for v in cell))
            if min(cell) < 0:
                raise ValueError(f"a hovered cell has 0-based indices, found {tuple(cell)}")
        self._change("hovered", cell)

    @property
    def compare_pin(self) -> Any:
        """Edit ▸ Pin: the Result compared with every new drawing (mnistviz.compare); None: not comparing."""
        return self._compare_pin

    @compare_pin.setter
    def compare_pin(self, result: Any) -> None:
        if result is not self._compare_pin:  # by identity: a Result's arrays have no single truth value
            self._compare_pin = result
            self.events.compare_pin.emit(result)
