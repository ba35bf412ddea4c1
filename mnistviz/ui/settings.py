"""The window's remembered choices, in one place with their types, defaults and allowed values.

Reads are typed (as MNELAB's settings are): every key has a type and a default in
`SCHEMA`, and choices are checked against the same lists the menus offer. The file is
checked once when `Settings()` is made: a value that is not valid (a hand-edited or
damaged file, an older version's choice) falls back to its default, keys mnistviz does
not know are dropped, and only known, valid keys are written back. `problems` names what
was reset, and `problem_message()` says it in one sentence for the user.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from PySide6.QtCore import QByteArray, QSettings

from mnistviz import colormaps
from mnistviz.mosaic import DEFAULT_SCALE_MODE, SCALE_MODES
from mnistviz.ui import theme as themes
from mnistviz.ui.canvas import BRUSH_MAX, BRUSH_MIN


class Setting(NamedTuple):
    type: type
    default: object
    valid: Callable[[object], bool] = lambda value: True


SCHEMA: dict[str, Setting] = {
    "colormap": Setting(str, colormaps.DEFAULT, lambda v: v in colormaps.CHOICES),
    "theme": Setting(str, themes.DEFAULT, lambda v: v in themes.CHOICES),  # View ▸ Theme
    "scale_mode": Setting(str, DEFAULT_SCALE_MODE, lambda v: v in SCALE_MODES),
    "brush_size": Setting(int, 0, lambda v: v == 0 or BRUSH_MIN <= v <= BRUSH_MAX),  # 0: the canvas's default
    "model": Setting(str, "readout", lambda v: v != ""),  # a bundled name, or a file path
    "grid": Setting(bool, True),
    "centre": Setting(bool, True),
    "show_steps": Setting(bool, False),  # the Input dock's "Show steps"
    "show_timings": Setting(bool, False),  # View ▸ Show timings: developer figures in the status bar
    "last_image_folder": Setting(str, ""),
    "last_model_folder": Setting(str, ""),
    "last_export_folder": Setting(str, ""),
    "last_drawing_folder": Setting(str, ""),
    "recent_files": Setting(str, "", lambda v: v.count("\n") < 64),  # File ▸ Open recent: one path a line
}
DEFAULTS = {key: setting.default for key, setting in SCHEMA.items()}
LAYOUT_KEYS = ("window/geometry", "window/state")  # Qt's own blobs: QByteArray or nothing

_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def parse(key: str, raw):
    """`raw` as read from the file, as the key's type; ValueError if it is not a valid value."""
    setting = SCHEMA[key]
    if setting.type is bool:
        if isinstance(raw, bool):
            value = raw
        elif str(raw).strip().lower() in _TRUE:
            value = True
        elif str(raw).strip().lower() in _FALSE:
            value = False
        else:
            raise ValueError(f"{key}: {raw!r} is not true or false")
    elif setting.type is int:
        if isinstance(raw, bool):
            raise ValueError(f"{key}: {raw!r} is not a number")
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            raise ValueError(f"{key}: {raw!r} is not a whole number") from None
    else:
        if not isinstance(raw, str):
            raise ValueError(f"{key}: {raw!r} is not text")
        value = raw
    if not setting.valid(value):
        raise ValueError(f"{key}: {raw!r} is not one of the allowed values")
    return value


class Settings:
    def __init__(self) -> None:
        self._store = QSettings("mnistviz", "mnistviz")
        self._values: dict[str, object] = {}
        self.problems: list[str] = []  # the known settings that were reset to their defaults
        self.unknown: list[str] = []  # keys mnistviz does not know (dropped)
        self._load()

    def _load(self) -> None:
        """Read every key once; write back only the known, valid ones."""
        layout = {}
        for key in self._store.allKeys():
            raw = self._store.value(key)
            if key in SCHEMA:
                try:
                    self._values[key] = parse(key, raw)
                except ValueError:
                    self.problems.append(key)
            elif key in LAYOUT_KEYS:
                if isinstance(raw, QByteArray):
                    layout[key] = raw
                else:
                    self.problems.append("window layout")
            else:
                self.unknown.append(key or "(unnamed)")
        if self.problems or self.unknown:
            self._store.clear()  # also drops lines the parser could not name
            for key, value in {**self._values, **layout}.items():
                self._store.setValue(key, value)
            self._store.sync()

    def problem_message(self) -> str:
        """One sentence for the user, or "" when the saved settings were fine."""
        parts = []
        if self.problems:
            parts.append("Some saved settings were not valid and were reset: "
                         f"{', '.join(dict.fromkeys(self.problems))}.")
        if self.unknown:
            count = len(self.unknown)
            parts.append(f"{count} saved setting{'s' if count != 1 else ''} mnistviz does not know "
                         f"{'were' if count != 1 else 'was'} removed.")
        return " ".join(parts)

    def get(self, key: str):
        return self._values.get(key, SCHEMA[key].default)

    def set(self, key: str, value) -> None:
        value = parse(key, value)  # a wrong value is a bug here: fail loudly, never save it
        self._values[key] = value
        self._store.setValue(key, value)

    def forget(self, key: str) -> None:
        """Back to the default, and nothing saved for it."""
        self._values.pop(key, None)
        self._store.remove(key)

    def layout(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry, state = (self._store.value(key) for key in LAYOUT_KEYS)
        return (geometry if isinstance(geometry, QByteArray) else None,
                state if isinstance(state, QByteArray) else None)

    def set_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        for key, value in zip(LAYOUT_KEYS, (geometry, state)):
            self._store.setValue(key, value)

    def sync(self) -> None:
        self._store.sync()

    @property
    def file_name(self) -> str:
        return self._store.fileName()
