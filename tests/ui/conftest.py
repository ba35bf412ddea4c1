"""The main window as the window tests open it: shown, with its model loaded."""

from __future__ import annotations

import pytest


@pytest.fixture
def open_window(qtbot):
    """open_window() -> a shown MainWindow whose model has loaded (closed by qtbot)."""
    from mnistviz.app import build_window

    def open_():
        win = build_window()
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: win.model_info is not None, timeout=60_000)
        return win

    return open_


@pytest.fixture
def window(open_window):
    win = open_window()
    yield win
    win.close()
