"""A whole session with the network made impossible: every socket raises, and the app
never notices — it opens no connection, and drawing, switching models, opening an image
and exporting all work. Runs in its own process, so the sockets are broken before
anything is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SESSION = r'''
import json, socket, sys, time
attempts = []

def refuse(kind):
    def refused(*args, **kwargs):
        attempts.append(kind)
        raise OSError(f"no network in this test ({kind})")
    return refused

_new = socket.socket.__init__
def new_socket(self, family=-1, *args, **kwargs):
    if family in (socket.AF_INET, socket.AF_INET6, -1):
        attempts.append("socket")
        raise OSError("no network in this test (socket)")
    _new(self, family, *args, **kwargs)

socket.socket.__init__ = new_socket
socket.create_connection = refuse("create_connection")
socket.getaddrinfo = refuse("getaddrinfo")
socket.gethostbyname = refuse("gethostbyname")

sys.path.insert(0, sys.argv[1])  # the tests' pointer helper
import numpy as np
from PIL import Image
from PySide6.QtWidgets import QApplication
from mnistviz.app import build_window
from mnistviz.resources import bundled_model
from pointer import drag

def wait(predicate, seconds=60):
    end = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > end:
            raise SystemExit("timed out")
        QApplication.processEvents()
        time.sleep(0.005)

def newest(window):
    return window.last_result is not None and window.analysis_settled()

work = sys.argv[2]
window = build_window()
window.show()
wait(lambda: window.model_info is not None)
drag(window.canvas, [(0.3, 0.2), (0.7, 0.2), (0.55, 0.5), (0.45, 0.85)])
wait(lambda: newest(window))
drawn = window.last_result.prediction
window.load_model(bundled_model("gap"))
wait(lambda: window.model_info.name != "readout" and newest(window))
image = np.full((200, 160), 255, np.uint8)
image[40:170, 70:90] = 0  # a dark "1" on white paper
Image.fromarray(image).save(f"{work}/one.png")
assert window.open_image(f"{work}/one.png")
wait(lambda: newest(window))
import os; os.makedirs(f"{work}/export")
written = window.export_to(f"{work}/export")
window.close()
print("SESSION " + json.dumps({"attempts": attempts, "drawn": drawn, "image": window.last_result.prediction,
                               "exported": len(written), "message": window.last_error}))
'''


def test_a_whole_session_needs_no_network(tmp_path):
    script = tmp_path / "session.py"
    script.write_text(SESSION)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run([sys.executable, str(script), str(Path(__file__).parent), str(tmp_path)],
                          capture_output=True, text=True, timeout=300, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("SESSION ")]
    assert done.returncode == 0 and lines, f"{done.stdout}\n{done.stderr}"
    session = json.loads(lines[-1][len("SESSION "):])
    assert session["attempts"] == []  # nothing even tried to reach a network
    assert session["drawn"] == 7 and session["image"] == 1
    assert session["exported"] >= 32, session  # contact sheet, result.json and the 30 maps
    assert "Traceback" not in done.stderr
