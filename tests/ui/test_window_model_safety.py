"""The Hardening issue, in the window: a model that breaks on real drawings leaves nothing stale
on screen, names are shown as text, and closing never waits for a long load or crashes."""

import os
import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import Qt

from model_files import InfOnInk, RaisesOnInk, ReshapesOnInk, save_scripted
from pointer import drag
from mnistviz.architectures import ReadoutNet
from mnistviz.model import load_model
from mnistviz.ui.prediction_dock import EMPTY_TEXT


def open_window(qtbot, model_path, service=None, owned_by_qtbot=True):
    from mnistviz.app import ensure_application
    from mnistviz.ui.main_window import MainWindow

    ensure_application()
    win = MainWindow(model_path=model_path, service=service)
    if owned_by_qtbot:
        qtbot.addWidget(win)
    win.show()
    return win


@pytest.mark.parametrize("module", [ReshapesOnInk, InfOnInk, RaisesOnInk])
def test_a_model_that_breaks_on_a_drawing_leaves_nothing_stale(qtbot, contract_model_path, tmp_path, module):
    win = open_window(qtbot, contract_model_path)
    qtbot.waitUntil(lambda: win.model_info is not None, timeout=60_000)
    with qtbot.waitSignal(win.resultShown, timeout=30_000, check_params_cb=lambda r: r is not None):
        drag(win.canvas, [(0.5, 0.2), (0.5, 0.5), (0.5, 0.8)])
    assert win.prediction_dock.digit_label.text() != EMPTY_TEXT  # an answer from the first model

    broken = save_scripted(module(), tmp_path / "broken.pt", {"name": "breaks-on-ink"})
    win.load_model(broken)  # loads (blank input is fine), then fails on the drawing
    # Waits on the window, not the worker's signal: a test's spy on that signal runs in the worker thread.
    qtbot.waitUntil(lambda: "breaks-on-ink" in win.last_error, timeout=30_000)
    assert win.model_info.name == "breaks-on-ink"
    assert win.last_result is None and not win.export_action.isEnabled()
    assert win.prediction_dock.digit_label.text() == EMPTY_TEXT
    assert win.prediction_dock.probability_label.text() == ""  # never "nan %"
    assert "breaks-on-ink" in win.statusBar().currentMessage()
    win.close()


def test_a_model_name_with_markup_is_shown_as_text(qtbot, tmp_path):
    path = save_scripted(ReadoutNet(), tmp_path / "html.pt", {"name": "<b>bold</b> & <i>co</i>"})
    win = open_window(qtbot, path)
    qtbot.waitUntil(lambda: win.model_info is not None, timeout=60_000)
    assert win.model_label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>bold</b> & <i>co</i>" in win.model_label.text()
    win.close()


def test_closing_while_a_model_loads_returns_and_emits_nothing(qtbot, contract_model_path, capfd):
    from mnistviz.ui.worker import InferenceService

    started, release, returned = threading.Event(), threading.Event(), threading.Event()

    def gated_loader(path):  # a load that lasts until the test lets it finish
        started.set()
        release.wait(60)
        model = load_model(path)
        returned.set()
        return model

    service = InferenceService(loader=gated_loader)
    win = open_window(qtbot, contract_model_path, service, owned_by_qtbot=False)  # the test deletes it
    emitted = []
    service.worker.modelLoaded.connect(lambda info: emitted.append(info), Qt.ConnectionType.DirectConnection)
    qtbot.waitUntil(started.is_set, timeout=30_000)  # the first load starts once the window has painted
    win.close()
    assert not returned.is_set()  # close did not wait for the load
    thread = service.thread
    win.deleteLater()  # the window and its service go; the load is still running
    qtbot.wait(50)
    release.set()
    qtbot.waitUntil(lambda: not thread.isRunning(), timeout=60_000)
    assert returned.is_set() and emitted == []
    err = capfd.readouterr().err
    assert "Traceback" not in err and "deleted" not in err, err


SCRIPT_NO_CLOSE = """
from PySide6.QtWidgets import QApplication
from mnistviz.app import build_window
window = build_window()
window.show()
QApplication.instance().processEvents()
"""

SCRIPT_EXIT_LOOP = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from mnistviz.app import build_window
window = build_window()
window.show()
# exit(), unlike quit(), does not close the windows first: only aboutToQuit can stop the worker.
window.modelChanged.connect(lambda info: QTimer.singleShot(0, lambda: QApplication.instance().exit(0)))
code = QApplication.instance().exec()
print("thread running after the loop:", window.service.thread.isRunning())
raise SystemExit(code)
"""


@pytest.mark.parametrize("script", [SCRIPT_NO_CLOSE, SCRIPT_EXIT_LOOP], ids=["exits", "exits-the-loop"])
def test_a_script_that_never_closes_the_window_exits_cleanly(tmp_path, script):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr
    assert "Destroyed while thread" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "thread running after the loop: True" not in done.stdout  # aboutToQuit stopped it


def test_a_folder_chosen_as_a_model_is_called_a_folder(qtbot, contract_model_path, tmp_path):
    win = open_window(qtbot, contract_model_path)
    qtbot.waitUntil(lambda: win.model_info is not None, timeout=60_000)
    (tmp_path / "models.pt").mkdir()
    with qtbot.waitSignal(win.modelRefused, timeout=30_000):
        win.load_model(tmp_path / "models.pt")
    assert "models.pt is a folder, not a model file" in win.last_error, win.last_error
    win.close()
