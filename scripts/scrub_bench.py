"""How smoothly the replay timeline scrubs a 10-second drawing: frame times while scrubbing.

    .venv/bin/python scripts/scrub_bench.py [--steps 600] [--json]

The real window (offscreen unless DISPLAY and QT_QPA_PLATFORM=xcb are set) with the bundled
model replays a 10-second drawing (two long strokes, a point every 8 ms as a mouse reports:
1,125 points). A timer moves the timeline's slider back and forth once per display frame
(16 ms), as a hand dragging it would, and measures:

``scrub_gui_ms``         one slider step on the GUI thread: the moment's pixels rendered,
                         shown on the canvas, the analysis asked for, canvas and timeline
                         repainted (synchronously).
``frame_interval_ms``    time between the timer's frames while scrubbing: 16.7 when the GUI
                         thread keeps up with the display; more means frames were missed
                         (the docks painting the answers share the thread).
``moment_to_docks_ms``   from a slider step to every dock showing that moment's answer
                         (moments overtaken by a newer one are dropped, as the worker does).

Figures, not pass/fail. Settings go to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

STEP_MS = 16  # one display frame


def ten_second_drawing():
    from mnistviz.drawing import Drawing, DrawnStroke

    def stroke(start, end, t0, t1, wobble):
        count = int((t1 - t0) / 8) + 1
        s = np.linspace(0, 1, count)
        x = start[0] + (end[0] - start[0]) * s + wobble * np.sin(s * 12)
        y = start[1] + (end[1] - start[1]) * s
        return DrawnStroke("pen", 18.0, np.column_stack([x, y, t0 + (t1 - t0) * s, np.ones(count)]))

    return Drawing(strokes=(stroke((80, 62), (190, 60), 0, 4000, 3), stroke((190, 60), (120, 230), 5000, 10000, 6)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600, help="slider steps (default 600: ten seconds of scrubbing)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    settings_dir = tempfile.mkdtemp(prefix="mnistviz-scrub-")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, settings_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from mnistviz.app import build_window
    from mnistviz.bench import summary

    window = build_window()
    window.show()
    drawing = ten_second_drawing()

    def wait(condition, seconds=120.0):
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit("timed out waiting for the window")
            app.processEvents()
            time.sleep(0.002)

    wait(lambda: window.model_info is not None)
    window.canvas.set_drawing(drawing)
    wait(lambda: window.replay.curves is not None)
    slider = window.replay.timeline.slider
    top = slider.maximum()
    # Back and forth across the whole drawing: 300 steps one way (~33 ms of drawing per step).
    positions = [round(top * (1 - abs((i % 600) / 300 - 1))) for i in range(args.steps)]
    positions = [min(p, top - 1) for p in positions]  # stay on moments (the end is live)

    gui_ms, ticks, asked, latency = [], [], {}, []
    unsent: list[float] = []  # steps whose moment is not yet in a submitted request

    def on_submitted(request_id):  # the window sends the newest moment once the last answer is painted
        if unsent:
            asked[request_id] = unsent[0]
            unsent.clear()

    window.analysisSubmitted.connect(on_submitted)

    def on_shown(_result):
        started = asked.pop(window._shown_id, None)
        if started is not None:
            latency.append((time.perf_counter() - started) * 1000)
            for old in [k for k in asked if k < window._shown_id]:
                del asked[old]  # overtaken: never shown, as the worker drops them

    window.resultShown.connect(on_shown)
    step = iter(positions)
    timer = QTimer()
    timer.setInterval(STEP_MS)
    done = []

    def tick():
        ticks.append(time.perf_counter())
        try:
            value = next(step)
        except StopIteration:
            timer.stop()
            done.append(True)
            return
        started = time.perf_counter()
        unsent.append(started)  # before setValue: an idle window submits the moment at once
        slider.setValue(value)  # what dragging the handle does
        window.panel.repaint()  # canvas and timeline painted now, inside the measurement
        gui_ms.append((time.perf_counter() - started) * 1000)

    timer.timeout.connect(tick)
    timer.start()
    wait(lambda: bool(done), seconds=600)
    wait(window.analysis_settled, seconds=30)
    figures = {
        "drawing_s": drawing.duration_ms / 1000,
        "points": int(sum(len(s.points) for s in drawing.strokes)),
        "steps": len(gui_ms),
        "scrub_gui_ms": summary(gui_ms),
        "frame_interval_ms": {**summary(np.diff(ticks) * 1000), "max": round(float(np.diff(ticks).max() * 1000), 2)},
        "moment_to_docks_ms": summary(latency),
        "moments_shown": len(latency),
        "platform": app.platformName(),
    }
    window.close()
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:20} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
