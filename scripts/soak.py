"""Soak test: one window used for a long time, as a class would use it. Not part of pytest.

For `--minutes` (default 30) it draws digits on the canvas with real Qt mouse events (the
same 125 Hz pointer script as `mnistviz bench`), and in between switches between the two
bundled models, opens a PNG of a digit, and exports the feature maps to a temporary folder
through File ▸ Export's background path. It reports:

* resident memory (RSS) once a minute, and its growth after the first minute (warm-up);
* the longest GUI-thread stall: a 10 ms QTimer heartbeat measures how late each beat is;
* every QThread still running after the window closed.

    .venv/bin/python scripts/soak.py                 # a table, offscreen
    .venv/bin/python scripts/soak.py --minutes 1 --json

Goals: RSS growth <= 10 MB after warm-up, no stall over 100 ms, no thread left running.
Exit status 0 if all are met.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HEARTBEAT_MS = 10
WARMUP_MINUTES = 1
GOALS = {"rss_growth_mb": 10.0, "max_stall_ms": 100.0}
# What happens between two drawn digits, in turn (a digit is about 1.5 s of pointer moves).
CHORES = ("draw", "switch_model", "draw", "open_image", "draw", "export")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to run (default 30)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--screen", action="store_true", help="use the real display instead of offscreen")
    return parser.parse_args(argv)


def digit_png(folder: Path) -> Path:
    """A dark digit on light paper, as a scanned or photographed one would be."""
    import numpy as np
    from PIL import Image

    from mnistviz.resources import SAMPLES, resource

    with np.load(resource(*SAMPLES)) as data:
        image = data["images"][int(np.flatnonzero(data["labels"] == 3)[0])]
    paper = 255 - np.kron(image, np.ones((6, 6), np.uint8))  # 168 x 168, ink dark
    path = folder / "three.png"
    Image.fromarray(paper).save(path)
    return path


class Soak:
    def __init__(self, app, window, minutes: float, folder: Path) -> None:
        from PySide6.QtCore import QEventLoop, Qt, QTimer

        from mnistviz.bench_window import pointer_script

        self.app, self.window, self.folder = app, window, folder
        self.image = digit_png(folder)
        self.exports = folder / "exports"
        self.exports.mkdir()
        self.seconds = minutes * 60
        self.script = pointer_script()
        self.loop = QEventLoop()
        self.counts = {"pointer_events": 0, "digits": 0, "model_switches": 0, "images_opened": 0,
                       "exports": 0, "export_failures": 0, "results_shown": 0}
        self.errors: list[str] = []
        self.rss: list[tuple[float, float]] = []  # (minute, MiB)
        self.max_stall_ms = 0.0
        self.max_stall_at_s = 0.0
        self.max_stall_during = ""  # the last chore before the longest stall
        self.max_stall_after_warmup_ms = 0.0
        self.last_chore = "draw"
        self.last_event = ""  # what happened last before a long stall, to tell what caused it
        self.long_stalls: list[tuple[float, float, str]] = []  # (s, ms late, last event)
        self.stalls_over_goal = 0
        self.chore = 0
        self.button_down = False
        window.resultShown.connect(self._count_result)
        window.modelChanged.connect(lambda info: self._event(f"model {info.name} shown"))

        self.heartbeat = QTimer()
        self.heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
        self.heartbeat.setInterval(HEARTBEAT_MS)
        self.heartbeat.timeout.connect(self._beat)
        self.pointer = QTimer()
        self.pointer.setTimerType(Qt.TimerType.PreciseTimer)
        self.pointer.setInterval(8)  # a 125 Hz mouse
        self.pointer.timeout.connect(self._pointer_tick)
        self.minute = QTimer()
        self.minute.setInterval(60_000)
        self.minute.timeout.connect(self._sample_rss)

    # --- measuring ---------------------------------------------------------------------------
    def _beat(self) -> None:
        now = time.perf_counter()
        late_ms = (now - self.last_beat) * 1000 - HEARTBEAT_MS
        self.last_beat = now
        if late_ms > self.max_stall_ms:
            self.max_stall_ms = late_ms
            self.max_stall_at_s = now - self.started
            self.max_stall_during = self.last_chore
        if now - self.started >= WARMUP_MINUTES * 60:
            self.max_stall_after_warmup_ms = max(self.max_stall_after_warmup_ms, late_ms)
        if late_ms > GOALS["max_stall_ms"]:
            self.stalls_over_goal += 1
            self.long_stalls.append((round(now - self.started, 2), round(late_ms, 1), self.last_event))
        if now - self.started >= self.seconds:
            self._finish()

    def _sample_rss(self) -> None:
        from mnistviz.bench import rss_mb

        gc.collect()
        self.rss.append((round((time.perf_counter() - self.started) / 60, 2), round(rss_mb(), 2)))
        self.last_beat = time.perf_counter()  # the soak's own collection is not the app's stall

    def _event(self, name: str) -> None:
        self.last_event = f"{name} at {time.perf_counter() - self.started:.2f} s"

    def _count_result(self, result) -> None:
        if result is not None:
            self.counts["results_shown"] += 1

    # --- using the window ----------------------------------------------------------------------
    def _send(self, kind: str, point) -> None:
        from PySide6.QtCore import QPointF, Qt
        from PySide6.QtGui import QMouseEvent
        from PySide6.QtWidgets import QApplication

        canvas = self.window.canvas
        side = min(canvas.width(), canvas.height())
        scale = side / 280.0
        pos = QPointF((canvas.width() - side) / 2 + point[0] * scale, (canvas.height() - side) / 2 + point[1] * scale)
        left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
        kinds = {"press": (QMouseEvent.Type.MouseButtonPress, left, left),
                 "move": (QMouseEvent.Type.MouseMove, none, left),
                 "release": (QMouseEvent.Type.MouseButtonRelease, left, none)}
        event_type, button, buttons = kinds[kind]
        event = QMouseEvent(event_type, pos, canvas.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(canvas, event)
        self.button_down = kind != "release" and (kind == "press" or self.button_down)
        self.counts["pointer_events"] += 1

    def _pointer_tick(self) -> None:
        kind, point = next(self.script)
        if kind != "clear":
            self._send(kind, point)
            return
        # A digit is finished: leave it on screen for the chore, then clear and go on.
        self.counts["digits"] += 1
        self._do_chore(CHORES[self.chore % len(CHORES)])
        self.chore += 1

    def _do_chore(self, chore: str) -> None:
        from mnistviz.resources import BUNDLED_MODELS

        window = self.window
        self.last_chore = chore
        self._event(chore)
        if chore == "switch_model":
            current = window.model_group.checkedAction()
            names = list(BUNDLED_MODELS)
            now = next((n for n in names if window.model_actions[n] is current), names[0])
            window.model_actions[names[(names.index(now) + 1) % len(names)]].trigger()  # as the Model menu does
            self.counts["model_switches"] += 1
        elif chore == "open_image":
            if window.open_image(self.image):
                self.counts["images_opened"] += 1
            else:
                self.errors.append(f"open image: {window.last_error}")
        elif chore == "export":
            self._export()
        window.canvas.clear()

    def _export(self) -> None:
        job = self.window.export_in_background(self.exports)
        if job is None:
            return  # nothing shown yet, or the previous export still running: skip this turn
        self.pointer.stop()  # drawing goes on after the export; the heartbeat keeps measuring

        def done(*_args) -> None:
            if self.heartbeat.isActive():
                self.pointer.start()

        def failed(message: str, cancelled: bool) -> None:
            if not cancelled:
                self.counts["export_failures"] += 1
                self.errors.append(f"export: {message}")
            done()

        job.finished.connect(lambda written: (self.counts.__setitem__("exports", self.counts["exports"] + 1), done()))
        job.failed.connect(failed)

    # --- the run -------------------------------------------------------------------------------
    def _finish(self) -> None:
        self._sample_rss()
        self.heartbeat.stop()
        self.pointer.stop()
        self.minute.stop()
        if self.button_down:
            self._send("release", (140.0, 140.0))
        self.loop.quit()

    def run(self) -> None:
        self.started = self.last_beat = time.perf_counter()
        self._sample_rss()
        self.heartbeat.start()
        self.pointer.start()
        self.minute.start()
        self.loop.exec()


def running_threads(app) -> list[str]:
    from PySide6.QtCore import QThread, QThreadPool

    from mnistviz.ui.export_job import live_export_threads
    from mnistviz.ui.worker import live_threads

    threads = {id(t): t for t in app.findChildren(QThread)}
    threads.update({id(t): t for t in live_threads() + live_export_threads()})
    names = [t.objectName() or type(t).__name__ for t in threads.values() if t.isRunning()]
    busy = QThreadPool.globalInstance().activeThreadCount()
    return names + [f"QThreadPool worker ({busy})"] * bool(busy)


def run(args: argparse.Namespace) -> dict:
    if not args.screen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from mnistviz.bench import machine_info
    from mnistviz.bench_window import _isolated_settings, _wait

    with tempfile.TemporaryDirectory(prefix="mnistviz-soak-") as tmp:
        folder = Path(tmp)
        (folder / "settings").mkdir()
        from PySide6.QtWidgets import QApplication

        from mnistviz.app import build_window, ensure_application

        ensure_application()
        _isolated_settings(str(folder / "settings"))  # the user's settings neither used nor changed
        window = build_window()
        app = QApplication.instance()
        window.show()
        _wait(app, lambda: window.model_info is not None, 60, "loading the model")
        soak = Soak(app, window, args.minutes, folder)
        soak.run()
        window.close()
        app.processEvents()
        left = running_threads(app)
        window.deleteLater()
        app.processEvents()

    after_warmup = [mb for minute, mb in soak.rss if minute >= WARMUP_MINUTES]
    growth = round(after_warmup[-1] - after_warmup[0], 2) if len(after_warmup) >= 2 else None
    return {
        "minutes": args.minutes,
        "rss_mb": soak.rss,
        "rss_growth_after_warmup_mb": growth,
        "max_stall_ms": round(soak.max_stall_ms, 1),
        "max_stall_at_s": round(soak.max_stall_at_s, 1),
        "max_stall_during": soak.max_stall_during,
        "max_stall_after_warmup_ms": round(soak.max_stall_after_warmup_ms, 1),
        "stalls_over_100_ms": soak.stalls_over_goal,
        "long_stalls": soak.long_stalls[:50],  # (s into the run, ms late, the last event before it)
        "threads_left_running": left,
        "counts": soak.counts,
        "errors": soak.errors[:20],
        "machine": machine_info(),
    }


def format_table(report: dict) -> str:
    lines = [f"mnistviz soak · {report['minutes']:g} min · {report['machine']['cpu']} · "
             f"Qt {report['machine']['qt']} ({report['machine']['qt_platform'] or 'default'})", "",
             f"{'minute':>8}{'RSS MiB':>10}"]
    lines += [f"{minute:>8.2f}{mb:>10.1f}" for minute, mb in report["rss_mb"]]
    growth = report["rss_growth_after_warmup_mb"]
    lines += ["",
              f"RSS growth after minute {WARMUP_MINUTES}: {'n/a' if growth is None else f'{growth:.2f} MiB'}"
              f"   goal <= {GOALS['rss_growth_mb']:g}",
              f"longest GUI-thread stall: {report['max_stall_ms']:.1f} ms at {report['max_stall_at_s']:.0f} s "
              f"(after: {report['max_stall_during']}; {report['stalls_over_100_ms']} over 100 ms)"
              f"   goal <= {GOALS['max_stall_ms']:g}",
              f"longest stall after minute {WARMUP_MINUTES}: {report['max_stall_after_warmup_ms']:.1f} ms",
              f"threads left running: {', '.join(report['threads_left_running']) or 'none'}",
              "done: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report["counts"].items())]
    lines += [f"stall {ms:.0f} ms at {at:.1f} s, after {event}" for at, ms, event in report["long_stalls"][:10]]
    lines += [f"error: {e}" for e in report["errors"]]
    return "\n".join(lines)


def goals_met(report: dict) -> bool:
    growth = report["rss_growth_after_warmup_mb"]
    return ((growth is None or growth <= GOALS["rss_growth_mb"]) and report["max_stall_ms"] <= GOALS["max_stall_ms"]
            and not report["threads_left_running"] and not report["errors"])


def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
    from mnistviz.logfile import quiet_torchscript_warning

    quiet_torchscript_warning()
    report = run(args)
    print(json.dumps(report) if args.json else format_table(report), flush=True)
    return 0 if goals_met(report) else 1


if __name__ == "__main__":
    raise SystemExit(main())
