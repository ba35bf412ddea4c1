"""The title the X window manager really gets (WM_NAME / _NET_WM_NAME, read with xprop):
Qt adds the application's display name to it, so only a real X server shows a repeat."""

from __future__ import annotations

import json
import sys

import pytest

pytestmark = pytest.mark.screen

SCRIPT = r"""
import json, subprocess, time
from PySide6.QtWidgets import QApplication
from mnistviz.app import build_window
from mnistviz.ui import help_pages

window = build_window()
window.show()
app = QApplication.instance()
dialog = help_pages.show_how_to(window)

def x_title(widget):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        app.processEvents()
        out = subprocess.run(["xprop", "-id", str(int(widget.winId())), "_NET_WM_NAME"],
                             capture_output=True, text=True).stdout
        if "=" in out:
            return out.split("=", 1)[1].strip().strip('"')
        time.sleep(0.05)
    return None

titles = {"window": x_title(window), "how_to": x_title(dialog)}
window.close()
print("REPORT " + json.dumps(titles))
"""


def test_the_window_manager_shows_the_name_once(x_screens, tmp_path):
    done = x_screens(1280, 800).run([sys.executable, "-c", SCRIPT], tmp_path / "config")
    lines = [line for line in done.stdout.splitlines() if line.startswith("REPORT ")]
    assert done.returncode == 0 and lines, done.stderr
    titles = json.loads(lines[-1][len("REPORT "):])
    assert titles["window"].count("mnistviz") == 1, titles
    assert "what a neural network sees" in titles["window"].lower()
    assert titles["how_to"].count("mnistviz") == 1, titles  # "How to use mnistviz" plus nothing repeated
