"""ModelLoading: the first model is loaded once the window is on screen (torch's import
must not compete with the window's first paint), but never forgotten, and never over a
model asked for meanwhile."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from mnistviz.resources import bundled_model
from mnistviz.ui import model_loading


class PaintCounter(QObject):
    def __init__(self, widget):
        super().__init__()
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def _window(qtbot):
    from mnistviz.app import build_window

    window = build_window()
    qtbot.addWidget(window)
    requests = []
    window.service.loadRequested.connect(lambda path: requests.append((path, counter.paints)))
    counter = PaintCounter(window.canvas)
    return window, requests, counter


def test_the_first_model_is_asked_for_after_the_canvas_has_painted(qtbot):
    window, requests, counter = _window(qtbot)
    QApplication.processEvents()
    assert requests == []  # built, not yet on screen: torch is not being imported
    window.show()
    qtbot.waitUntil(lambda: bool(requests), timeout=5_000)
    [(path, paints_before)] = requests
    assert paints_before >= 1
    assert Path(path) == bundled_model()
    qtbot.waitUntil(lambda: window.model_info is not None, timeout=60_000)
    assert "readout" in window.model_label.text()


def test_a_window_never_shown_still_gets_its_model(qtbot):
    window, requests, _ = _window(qtbot)
    qtbot.waitUntil(lambda: window.model_info is not None, timeout=model_loading.FIRST_LOAD_FALLBACK_MS + 60_000)
    assert len(requests) == 1 and not window.isVisible()


def test_a_model_asked_for_before_the_first_load_is_the_only_one_loaded(qtbot):
    window, requests, _ = _window(qtbot)
    other = bundled_model("gap")
    window.load_model(other)
    window.show()
    qtbot.waitUntil(lambda: window.model_info is not None, timeout=60_000)
    qtbot.wait(model_loading.FIRST_LOAD_FALLBACK_MS + 200)  # past the fallback: nothing more is asked for
    assert [Path(path) for path, _ in requests] == [other]
    assert window.model_info.path == other
