"""CanvasHistory's drawing clock: strokes drawn after a cut (or a loaded drawing) go on
from the last stroke's time, exactly, however long the machine has been up."""

from __future__ import annotations

import numpy as np
import pytest

from mnistviz.drawing import DrawnStroke
from mnistviz.ui import canvas_history
from mnistviz.ui.canvas_history import CanvasHistory


@pytest.mark.parametrize("uptime_s", [12.0, 31_234.567, 2_000_000.123])
def test_the_clock_goes_on_from_the_last_stroke_exactly(monkeypatch, uptime_s):
    now = [uptime_s]
    monkeypatch.setattr(canvas_history.time, "monotonic", lambda: now[0])
    history = CanvasHistory()
    points = np.array([[10.0, 10.0, 0.0, 1.0], [20.0, 20.0, 1200.0, 1.0]])
    history.replace((DrawnStroke("pen", 18.0, points),), recorded=True)
    assert history.time_ms() >= 1200.0  # not a few nanoseconds before the moment it continues
    now[0] += 0.25
    assert history.time_ms() == pytest.approx(1450.0)
