"""The window recovers from a model that will not load, and exports off the GUI thread."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings

from mnistviz.app import build_window
from mnistviz.resources import bundled_model
from mnistviz.ui.export_job import ExportJob, live_export_threads


def open_window(qtbot, model_path=None):
    win = build_window(model_path)
    qtbot.addWidget(win)
    win.show()
    return win


def wait_for_prediction(qtbot, window, digit: int):
    window.canvas.show_sample(digit)
    qtbot.waitUntil(lambda: window.last_result is not None
                    and window.analysis_settled(), timeout=30_000)
    return window.last_result


@pytest.fixture
def broken_model(tmp_path):
    bad = tmp_path / "broken.pt"
    bad.write_bytes(b"PK\x03\x04 not really a model")
    return bad


@pytest.mark.parametrize("how", ["saved", "command line"])
def test_a_model_that_fails_to_load_falls_back_to_the_built_in_one(qtbot, broken_model, how):
    if how == "saved":
        store = QSettings("mnistviz", "mnistviz")
        store.setValue("model", str(broken_model))
        store.sync()
        window = open_window(qtbot)
    else:  # mnistviz --model broken.pt: run_app hands the path to the window
        window = open_window(qtbot, broken_model)
    qtbot.waitUntil(lambda: window.model_info is not None, timeout=30_000)
    assert window.model_info.path.resolve() == bundled_model().resolve()
    assert "broken.pt" in window.last_error and "using the built-in model instead" in window.last_error
    assert wait_for_prediction(qtbot, window, 3).prediction == 3
    window.close()
    assert QSettings("mnistviz", "mnistviz").value("model") != str(broken_model)  # not written back


@pytest.fixture
def window(qtbot):
    win = open_window(qtbot)
    qtbot.waitUntil(lambda: win.model_info is not None, timeout=60_000)
    yield win
    win.close()


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "export"  # tmp_path also holds the test's settings folder
    folder.mkdir()
    return folder


def test_file_export_runs_in_the_background_and_the_window_keeps_going(qtbot, window, out):
    wait_for_prediction(qtbot, window, 2)
    job = window.export_in_background(out)
    seen_running = []
    job.progressed.connect(lambda done, total: seen_running.append(job.is_running()))
    with qtbot.waitSignal(job.finished, timeout=60_000) as finished:
        pass
    written = finished.args[0]
    assert len(written) == 33 and all(p.is_file() for p in written)  # sheet, filters, 30 maps, json
    assert json.loads((out / "result.json").read_text())["prediction"] == 2
    # Progress reached the GUI thread's event loop while the export was still being written.
    assert True in seen_running
    assert window.export_job is None and not [t for t in live_export_threads() if t.isRunning()]
    assert "Exported 33 files" in window.statusBar().currentMessage()


def test_a_cancelled_background_export_keeps_the_earlier_one(qtbot, window, out):
    wait_for_prediction(qtbot, window, 5)
    assert len(window.export_to(out)) == 33  # an earlier, complete export
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    wait_for_prediction(qtbot, window, 8)
    job = ExportJob(window.last_result, out, {"scale_mode": "map"})
    job.cancel()  # before it writes its first file
    with qtbot.waitSignal(job.failed, timeout=60_000) as failed:
        job.start()
    assert failed.args[1] is True  # cancelled, not an error
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not job.is_running()
