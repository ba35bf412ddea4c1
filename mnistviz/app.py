"""Start the window. `build_window()` is the public entry for tests and scripts: it
returns the main window without entering the event loop."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from mnistviz.logfile import quiet_torchscript_warning, setup_logging
from mnistviz.resources import resource


def ensure_application() -> QApplication:
    # Qt's raster engine hands every fill of 96 or more scanlines (each map, the input, the
    # canvas) to a pool of threads and waits for them; for pictures this size the hand-off
    # costs more than the fill. Qt's own switch keeps painting on the GUI thread (read when
    # Qt first paints such a fill; a value the user set is kept).
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName("mnistviz")
    app.setOrganizationName("mnistviz")
    app.setApplicationDisplayName("mnistviz")
    app.setStyle("Fusion")  # the same look on every platform and projector
    icon = resource("assets", "icon.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, imageAxisOrder="row-major")
    return app


def build_window(model_path: str | Path | None = None, log_path: Path | None = None):
    quiet_torchscript_warning()
    ensure_application()
    from mnistviz.ui.main_window import MainWindow

    return MainWindow(model_path=model_path, log_path=log_path)


def run_app(model_path: str | Path | None = None) -> int:
    log_path = setup_logging()
    app = ensure_application()
    window = build_window(model_path, log_path=log_path)
    window.show()
    logging.getLogger("mnistviz").info("window shown")
    if os.environ.get("MNISTVIZ_STARTUP_PROBE"):
        _probe_startup(app, window)
    return app.exec()


def _probe_startup(app, window) -> None:
    """For scripts/bench_startup.sh: print wall-clock times of the first painted window and
    the first prediction on screen (a sample digit is put on the canvas), then quit."""
    from PySide6.QtCore import QTimer

    def first_paint() -> None:
        print(f"window_visible {time.time():.4f}", flush=True)
        window.canvas.show_sample(7)

    def on_result(result) -> None:
        if result is not None:
            print(f"first_prediction {time.time():.4f}", flush=True)
            window.resultShown.disconnect(on_result)  # once, even if more results arrive
            QTimer.singleShot(0, window.close)

    window.resultShown.connect(on_result)
    app.processEvents()  # the window's first paint happens here
    QTimer.singleShot(0, first_paint)
