"""The window's remembered choices, in one place with their defaults."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from mnistviz import colormaps
from mnistviz.mosaic import DEFAULT_SCALE_MODE

DEFAULTS = {
    "colormap": colormaps.DEFAULT,
    "theme": "system",  # View ▸ Theme: system, light or dark
    "scale_mode": DEFAULT_SCALE_MODE,
    "brush_size": 0,  # 0: the canvas's own default
    "model": "readout",  # a bundled name, or a file path
    "grid": True,
    "centre": True,
    "show_steps": False,  # the Input dock's "Show steps"
    "show_timings": False,  # View ▸ Show timings: developer figures in the status bar
    "last_image_folder": "",
    "last_model_folder": "",
    "last_export_folder": "",
}


class Settings:
    def __init__(self) -> None:
        self._store = QSettings("mnistviz", "mnistviz")

    def get(self, key: str):
        default = DEFAULTS[key]
        value = self._store.value(key, default)
        if isinstance(default, bool):  # ini files give strings back
            return value in (True, "true", "1", 1)
        if isinstance(default, int):
            try:
                return int(value)
            except (TypeError, ValueError):
                return default
        return str(value)

    def set(self, key: str, value) -> None:
        self._store.setValue(key, value)

    def layout(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry, state = self._store.value("window/geometry"), self._store.value("window/state")
        return (geometry if isinstance(geometry, QByteArray) else None,
                state if isinstance(state, QByteArray) else None)

    def set_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        self._store.setValue("window/geometry", geometry)
        self._store.setValue("window/state", state)

    def sync(self) -> None:
        self._store.sync()

    @property
    def file_name(self) -> str:
        return self._store.fileName()
