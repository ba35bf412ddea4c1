"""The view state without Qt: values, change events, refusals."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mnistviz import colormaps, mosaic
from mnistviz.view_state import COLORMAPS, SCALE_MODES, HoveredCell, ViewState


def record(state: ViewState, name: str) -> list:
    seen = []
    state.on_change(name, seen.append)
    return seen


def test_choices_match_the_colour_tables_and_scale_modes():
    assert COLORMAPS == tuple(colormaps.CHOICES)
    assert SCALE_MODES == tuple(mosaic.SCALE_MODES)


def test_a_change_fires_once_with_the_new_value_and_a_repeat_fires_nothing():
    state = ViewState()
    seen = record(state, "colormap")
    state.colormap = "magma"
    state.colormap = "magma"
    assert seen == ["magma"] and state.colormap == "magma"


def test_listeners_read_the_new_value_from_the_state():
    state = ViewState()
    read = []
    state.events.scale_mode.connect(lambda _: read.append(state.scale_mode))
    state.scale_mode = "map"
    assert read == ["map"]


def test_unknown_choices_are_refused_in_plain_words_and_nothing_changes():
    state = ViewState()
    seen = record(state, "colormap")
    with pytest.raises(ValueError, match="unknown colour map 'rainbow'"):
        state.colormap = "rainbow"
    with pytest.raises(ValueError, match="unknown scale mode"):
        state.scale_mode = "log"
    with pytest.raises(ValueError, match="no view-state event"):
        state.on_change("colour", print)
    assert state.colormap == "viridis" and seen == []


def test_selected_class_toggles_back_to_the_prediction():
    state = ViewState()
    seen = record(state, "selected_class")
    state.toggle_class(3)
    state.toggle_class(5)
    state.toggle_class(5)
    assert seen == [3, 5, None] and state.selected_class is None
    with pytest.raises(ValueError):
        state.selected_class = -1
    with pytest.raises(ValueError):
        state.selected_class = True


def test_hovered_cell_is_a_named_tuple_and_leaving_is_none():
    state = ViewState()
    seen = record(state, "hovered")
    state.hovered = (1, 2, 3, 4)
    state.hovered = HoveredCell(1, 2, 3, 4)  # the same cell: no event
    state.hovered = None
    assert seen == [HoveredCell(1, 2, 3, 4), None]
    assert seen[0].filter == 2 and seen[0].col == 4
    with pytest.raises(ValueError, match="0-based"):
        state.hovered = (0, -1, 0, 0)


def test_fixed_ranges_grow_per_stage_and_reset_together():
    state = ViewState()
    ranges, resets = record(state, "fixed_ranges"), record(state, "fixed_reset")
    state.set_fixed_range("Conv1 + ReLU", (0, 2))
    state.set_fixed_range("MaxPool", (0.0, 5.0))
    copy = state.fixed_ranges
    copy["Conv1 + ReLU"] = (9, 9)  # a copy: the state is changed only through its methods
    assert state.fixed_ranges == {"Conv1 + ReLU": (0.0, 2.0), "MaxPool": (0.0, 5.0)}
    state.reset_fixed_ranges()
    assert state.fixed_ranges == {} and resets == [None] and ranges[-1] == {}
    with pytest.raises(ValueError, match="low to high"):
        state.set_fixed_range("MaxPool", (3, 1))


def test_a_callback_may_disconnect_itself_while_the_event_fires():
    state = ViewState()
    calls = []

    def once(value):
        calls.append(value)
        state.events.colormap.disconnect(once)

    state.events.colormap.connect(once)
    state.colormap = "inferno"
    state.colormap = "magma"
    assert calls == ["inferno"]


def test_the_module_imports_neither_qt_nor_numpy():
    code = "import sys, mnistviz.view_state; print(any(m.startswith(('PySide6', 'numpy')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
