"""Regression: PySide6 6.12.0 on Python 3.11 drops a reference to True on every
Signal.emit() and aborts (bool_dealloc) after a few thousand. We pin 6.11.3."""

import subprocess
import sys

SCRIPT = """
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    fired = Signal(bool)

app = QCoreApplication([])
emitter = Emitter()
count = [0]
emitter.fired.connect(lambda flag: count.__setitem__(0, count[0] + flag))
for _ in range(200_000):
    emitter.fired.emit(True)
assert count[0] == 200_000, count[0]
print("ok")
"""


def test_two_hundred_thousand_emits_do_not_abort():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
