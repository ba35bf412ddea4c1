"""Saved settings are read with their types: a damaged or hand-edited file gives the
defaults for what is not valid, says so once, and only known keys are written back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from mnistviz.app import build_window
from mnistviz.ui.settings import DEFAULTS, Settings

GARBAGE = """[General]
grid=banana
colormap=rainbow
brush_size=999
theme=purple
scale_mode=map
centre=false
favourite_colour=blue
\x01\x02 this line is not a setting at all ===

[junk]
a=1
"""


def write_settings_file(text: str) -> Path:
    path = Path(QSettings("mnistviz", "mnistviz").fileName())  # in the test's folder (conftest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_invalid_values_read_as_their_defaults_and_valid_ones_are_kept():
    write_settings_file(GARBAGE)
    settings = Settings()
    assert settings.get("grid") is True  # the default, not "off"
    assert settings.get("colormap") == DEFAULTS["colormap"]
    assert settings.get("brush_size") == DEFAULTS["brush_size"]
    assert settings.get("theme") == DEFAULTS["theme"]
    assert settings.get("scale_mode") == "map" and settings.get("centre") is False  # valid: kept
    assert sorted(settings.problems) == ["brush_size", "colormap", "grid", "theme"]


def test_a_garbage_settings_file_gives_defaults_one_message_and_is_cleaned(qtbot):
    path = write_settings_file(GARBAGE)
    window = build_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model_info is not None, timeout=60_000)
    qtbot.waitUntil(lambda: "were reset" in window.last_error, timeout=10_000)
    assert window.panel.grid_action.isChecked()  # grid=banana: the default (on), not off
    assert window.colormap_actions[DEFAULTS["colormap"]].isChecked()
    assert window.scale_actions["map"].isChecked() and not window.input_dock.centring()
    message = window.last_error
    assert message.startswith("Some saved settings were not valid and were reset:")
    for key in ("grid", "colormap", "brush_size", "theme"):
        assert key in message
    assert "favourite_colour" not in message and "\x01" not in message  # counted, not echoed
    window.close()

    saved = path.read_text(encoding="utf-8")
    assert "favourite_colour" not in saved and "junk" not in saved and "\x01" not in saved
    assert "banana" not in saved and "rainbow" not in saved
    store = QSettings("mnistviz", "mnistviz")
    assert set(store.allKeys()) <= set(DEFAULTS) | {"window/geometry", "window/state"}
    assert store.value("scale_mode") == "map"


def test_good_settings_say_nothing(qtbot):
    write_settings_file("[General]\ngrid=false\ncolormap=cividis\n")
    settings = Settings()
    assert settings.get("grid") is False and settings.get("colormap") == "cividis"
    assert settings.problem_message() == ""
