"""mnistviz.app: the window paints on the GUI thread only (no Qt painting thread pool)."""

import os
import subprocess
import sys

SCRIPT = """
import os
from PySide6.QtWidgets import QApplication
from mnistviz.app import build_window
window = build_window()
window.resize(1200, 800)
window.show()
window.canvas.show_sample(3)
import time
deadline = time.monotonic() + 120  # the model loads in the worker first
while window.last_result is None and time.monotonic() < deadline:
    QApplication.processEvents()
    time.sleep(0.02)
window.repaint()
QApplication.processEvents()
print("result", window.last_result is not None)
print("threads", sorted(open(f"/proc/self/task/{t}/comm").read().strip() for t in os.listdir("/proc/self/task")))
window.close()
"""


def test_painting_the_maps_starts_no_qt_painting_threads(tmp_path):
    # Qt's raster engine handed each large fill to a thread pool and waited: for the maps and the
    # canvas the hand-off cost more than the fill (mnistviz bench).
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "result True" in done.stdout
    threads = done.stdout.split("threads", 1)[1]
    assert "InferenceThread" in threads  # the listing works: the app's own thread is there
    assert "Thread (pooled)" not in threads, threads
