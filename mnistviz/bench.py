"""`mnistviz bench`: figures (not pass/fail) for every step from stroke to screen.

Measured on the current machine, offscreen, after a warm-up; each timing is reported
as ``{"p50": ms, "p95": ms, "n": count}``:

``preprocess_ms``
    canvas (uint8 280x280) -> the MNIST recipe's 28x28 (``preprocess_steps``, as the
    worker runs it), over the bundled sample digits.
``inference_ms``
    the TorchScript forward at batch 1 as the worker runs it (``LoadedModel.forward``:
    normalise, forward, copy the outputs out), with the thread count the app sets.
``render_ms``
    one update of every dock (input, prediction, three feature-map stages) with a new
    Result, *including the paint*: the window's pending UpdateRequest is processed and
    every dock's widget is seen painting before the clock stops.
``stroke_to_screen_ms``
    what a user drawing with a mouse waits for: synthetic mouse moves (a 125 Hz mouse)
    trace digits on the real canvas; the clock runs from each move until a Result that
    includes that move has reached the docks (``resultShown``) *and the docks have
    painted it*. This includes the canvas's own throttle (strokeChanged at most once per
    display frame), the worker thread, the queued signal and the paint.
    ``stroke_to_screen_after_throttle_ms`` is the same clock started when strokeChanged
    is emitted (the request is submitted), and ``throttle_wait_ms`` the difference.
``rss_mb`` / ``rss_growth_mb``
    resident memory after ``--updates`` live updates (a different sample digit each
    time, submitted as the canvas does: worker -> every dock -> paint), and its growth
    from update 200 to the last. These come after the stroke phase, so the canvas's
    strokes and undo history are in the baseline.

The window's settings are kept in a temporary folder, so the user's saved layout
neither changes the figures nor is changed by them.
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

WARMUP = 50  # untimed repetitions before each timing
POINTER_INTERVAL_MS = 8.0  # a 125 Hz mouse: the USB default polling rate
POINTER_STEP_PX = 4.0  # image pixels between pointer events (about 500 px/s on the 280 px canvas)
RSS_BASELINE_UPDATE = 200
PHASE_TIMEOUT_S = 120.0

TIMINGS = ("preprocess_ms", "inference_ms", "render_ms", "stroke_to_screen_ms")
GOALS = {  # issue 6, for the table: figure -> (statistic, limit)
    "inference_ms": ("p50", 0.2),
    "preprocess_ms": ("p50", 1.0),
    "render_ms": ("p95", 8.0),
    "stroke_to_screen_ms": ("p95", 16.7),
    "rss_growth_mb": (None, 10.0),
}


# --- small helpers ----------------------------------------------------------------------------

def summary(samples_ms) -> dict:
    """{"p50", "p95", "n"} of millisecond samples (linear interpolation, as numpy)."""
    values = np.asarray(samples_ms, dtype=np.float64)
    if values.size == 0:
        return {"p50": float("nan"), "p95": float("nan"), "n": 0}
    return {"p50": round(float(np.percentile(values, 50)), 4),
            "p95": round(float(np.percentile(values, 95)), 4),
            "n": int(values.size)}


def rss_mb() -> float:
    """Resident set size of this process now, in MiB."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil  # not a dependency; used where /proc is missing, if installed

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        pass
    import resource  # peak, not current: the best left on macOS without psutil

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def load_average() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def machine_info() -> dict:
    import PIL
    import pyqtgraph
    import PySide6
    import torch
    from PySide6.QtCore import qVersion

    from mnistviz import __version__

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
        "platform": platform.platform(),
        "qt_platform": os.environ.get("QT_QPA_PLATFORM", ""),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "pyside6": PySide6.__version__,
        "qt": qVersion(),
        "pyqtgraph": pyqtgraph.__version__,
        "numpy": np.__version__,
        "pillow": PIL.__version__,
        "mnistviz": __version__,
    }


def sample_canvases() -> list[np.ndarray]:
    """The bundled MNIST test digits as the canvas shows them (Samples menu): 280x280 uint8."""
    from mnistviz.samples import sample_canvases as canvases

    return canvases()


def time_calls(function, items, repeat: int, warmup: int = WARMUP) -> list[float]:
    """Milliseconds per call of function(item), cycling through items."""
    for i in range(warmup):
        function(items[i % len(items)])
    samples = []
    perf = time.perf_counter
    for i in range(repeat):
        item = items[i % len(items)]
        started = perf()
        function(item)
        samples.append((perf() - started) * 1000)
    return samples


# --- digits drawn with the mouse ----------------------------------------------------------------

def _arc(cx, cy, rx, ry, start_deg, end_deg, n=48):
    angles = np.radians(np.linspace(start_deg, end_deg, n))
    return list(zip(cx + rx * np.cos(angles), cy + ry * np.sin(angles)))


# Strokes per digit in the unit square (x right, y down), like a person draws them.
DIGIT_STROKES = {
    "0": [_arc(0.5, 0.5, 0.2, 0.31, -90, 270)],
    "1": [[(0.42, 0.28), (0.52, 0.18), (0.52, 0.82)]],
    "2": [_arc(0.5, 0.34, 0.19, 0.15, 200, 380) + [(0.3, 0.8), (0.74, 0.8)]],
    "3": [_arc(0.48, 0.33, 0.18, 0.14, 210, 450) + _arc(0.48, 0.64, 0.2, 0.17, -90, 150)],
    "4": [[(0.58, 0.18), (0.26, 0.62), (0.76, 0.62)], [(0.6, 0.36), (0.6, 0.84)]],
    "7": [[(0.27, 0.2), (0.73, 0.2), (0.44, 0.83)]],
}


def resample(points, step: float, size: float) -> list[tuple[float, float]]:
    """A polyline in unit coordinates -> points `step` image pixels apart on a `size` canvas."""
    pts = np.asarray(points, dtype=np.float64) * size
    out = [tuple(pts[0])]
    for a, b in zip(pts[:-1], pts[1:]):
        length = float(np.hypot(*(b - a)))
        for k in range(1, max(1, math.ceil(length / step)) + 1):
            t = min(1.0, k * step / length) if length else 1.0
            out.append(tuple(a + (b - a) * t))
    return out


def pointer_script(canvas_size: int = 280, step: float = POINTER_STEP_PX):
    """Endless (action, point) pairs: press/move.../release per stroke, "clear" after each digit.
    Points are in image pixels (0..canvas_size)."""
    while True:
        for strokes in DIGIT_STROKES.values():
            for stroke in strokes:
                points = resample(stroke, step, canvas_size)
                yield "press", points[0]
                for point in points[1:]:
                    yield "move", point
                yield "release", points[-1]
            yield "clear", None


# --- the window part ------------------------------------------------------------------------

class _Probe:
    """Watches the window: which docks painted since a result was shown, and when the
    window's UpdateRequest (paint of every dirty widget + flush) has been processed.

    The filter processes the window's UpdateRequest itself (the same `event()` call Qt
    would make) only to read the clock right after it; nothing is painted that Qt would
    not paint at that moment.
    """

    def __init__(self, window, watched):
        from PySide6.QtCore import QEvent, QObject

        probe = self
        self.window = window
        self.watched = list(watched)
        self.painted: set[int] = set()
        self.on_flush = None  # callable(time) after each processed UpdateRequest
        self._inside = False
        paint, update_request = QEvent.Type.Paint, QEvent.Type.UpdateRequest

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
                kind = event.type()
                if kind == paint:
                    for index, widget in enumerate(probe.watched):
                        if obj is widget:
                            probe.painted.add(index)
                elif kind == update_request and obj is probe.window and not probe._inside:
                    probe._inside = True
                    try:
                        obj.event(event)  # what Qt would do next: paint the dirty widgets, flush
                    finally:
                        probe._inside = False
                    if probe.on_flush is not None:
                        probe.on_flush(time.perf_counter())
                    return True  # handled: Qt must not paint it again
                return False

        self.filter = Filter()
        window.installEventFilter(self.filter)
        for widget in self.watched:
            widget.installEventFilter(self.filter)

    def expect(self) -> None:
        """Start waiting for every visible watched widget to paint."""
        self.painted = {i for i, w in enumerate(self.watched) if not w.isVisible()}

    def all_painted(self) -> bool:
        return len(self.painted) == len(self.watched)

    def remove(self) -> None:
        self.window.removeEventFilter(self.filter)
        for widget in self.watched:
            widget.removeEventFilter(self.filter)


def _watched_widgets(window):
    """The widgets that must have painted for a result to count as on screen."""
    widgets = [window.input_dock.input_view, window.prediction_dock.plot_widget.viewport()]
    widgets += [dock.plot.viewport() for dock in window.stage_docks]
    return widgets


def _wait(app, predicate, seconds: float, what: str) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"bench: {what} did not happen within {seconds:.0f} s")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if not predicate():
            time.sleep(0.0005)  # the worker thread needs the GIL: do not spin


def _isolated_settings(folder: str) -> None:
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, folder)


def measure_render(app, window, probe, results, repeat: int) -> list[float]:
    # The explanation docks render only while on screen (tabs behind others cost nothing).
    docks = [window.input_dock, window.prediction_dock, *window.stage_docks, *window.explain.docks]
    flushed = []
    probe.on_flush = flushed.append
    samples = []
    for i in range(WARMUP + repeat):
        result = results[i % len(results)]
        flushed.clear()
        probe.expect()
        started = time.perf_counter()
        for dock in docks:
            dock.show_result(result)
        _wait(app, lambda: flushed and probe.all_painted(), 10, "a dock paint")
        if i >= WARMUP:
            samples.append((flushed[-1] - started) * 1000)
    probe.on_flush = None
    return samples


def measure_explain_render(app, window, results, repeat: int) -> dict:
    """Per explanation dock, ms to render one Result while it is on screen (its tab chosen;
    the arithmetic for a Conv2 cell, the costliest) and while it is hidden (a tab behind)."""
    explain = window.explain
    window.view_state.hovered = (1, 0, 14, 14)
    hidden = []
    for i in range(WARMUP + repeat):
        started = time.perf_counter()
        for dock in explain.docks:
            if not dock.is_on_screen():
                dock.show_result(results[i % len(results)])
        if i >= WARMUP:
            hidden.append((time.perf_counter() - started) * 1000)
    figures = {"all_hidden": summary(hidden)}
    for dock in explain.docks:
        dock.raise_()
        _wait(app, dock.is_on_screen, 10, f"the {dock.objectName()} tab")
        samples = []
        for i in range(WARMUP + repeat):
            dock.result = results[i % len(results)]
            started = time.perf_counter()
            dock.refresh()  # renders: the dock is on screen
            if i >= WARMUP:
                samples.append((time.perf_counter() - started) * 1000)
        figures[dock.objectName()] = summary(samples)
    for dock in (window.stage_docks[-1], window.prediction_dock):  # the tabs in front as they were
        dock.raise_()
    return figures


def measure_strokes(app, window, probe, moves: int, interval_ms: float = POINTER_INTERVAL_MS):
    """Mouse strokes at `interval_ms` on the real canvas. Per timed move, in ms: latency
    (scheduled time of the move -> a result that includes it has painted), latency after
    the throttle (strokeChanged emitted -> painted) and the wait before strokeChanged
    (throttle, plus any delay in handling the move while the GUI thread was busy).
    Returns those three lists and the measured throttle interval."""
    from PySide6.QtCore import QEventLoop, QPointF, Qt, QTimer
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    canvas = window.canvas
    service = window.service
    warmup_moves = WARMUP
    side = min(canvas.width(), canvas.height())
    left, top = (canvas.width() - side) / 2, (canvas.height() - side) / 2
    scale = side / 280.0
    script = pointer_script()

    state = {
        "due": 0.0, "sent_moves": 0, "finished_sending": False, "button_down": False,
        "awaiting_paint": None,  # request id shown, waiting for the docks' paint
    }
    uncovered: list[int] = []  # indices of moves not yet in a submitted canvas
    move_time: list[float] = []
    cover: dict[int, int] = {}  # move index -> first request id that includes it
    submitted_at: dict[int, float] = {}
    painted_at: dict[int, float] = {}  # request id -> time its paint finished
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)

    def send(kind, point):
        x, y = left + point[0] * scale, top + point[1] * scale
        pos = QPointF(x, y)
        if kind == "press":
            event = QMouseEvent(QMouseEvent.Type.MouseButtonPress, pos, canvas.mapToGlobal(pos),
                                Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
            state["button_down"] = True
        elif kind == "move":
            event = QMouseEvent(QMouseEvent.Type.MouseMove, pos, canvas.mapToGlobal(pos),
                                Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
        else:
            event = QMouseEvent(QMouseEvent.Type.MouseButtonRelease, pos, canvas.mapToGlobal(pos),
                                Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton,
                                Qt.KeyboardModifier.NoModifier)
            state["button_down"] = False
        QApplication.sendEvent(canvas, event)

    def on_stroke_changed():  # connected after the window's request_analysis: the id is the new one
        request_id = service.last_request_id
        submitted_at[request_id] = time.perf_counter()
        for index in uncovered:
            cover[index] = request_id
        uncovered.clear()

    def on_result_shown(result):
        if result is not None:
            state["awaiting_paint"] = result.request_id
            probe.expect()

    def on_flush(now):
        request_id = state["awaiting_paint"]
        if request_id is not None and probe.all_painted():
            painted_at[request_id] = now
            state["awaiting_paint"] = None
            if state["finished_sending"] and all_resolved():
                loop.quit()

    def all_resolved() -> bool:
        if uncovered:
            return False
        newest = max(painted_at, default=0)
        return all(cover[i] <= newest for i in range(len(move_time)))

    def tick():
        now = time.perf_counter()
        if now < state["due"]:  # a timer fires on whole milliseconds: wait out the rest
            time.sleep(state["due"] - now)
        while not state["finished_sending"] and time.perf_counter() >= state["due"]:
            kind, point = next(script)
            if kind == "clear":
                canvas.clear()
            elif kind == "move":
                if state["sent_moves"] >= warmup_moves + moves:
                    send("release", point)
                    state["finished_sending"] = True
                    break
                index = len(move_time)
                move_time.append(state["due"])  # the scheduled time: a busy GUI thread delays it
                uncovered.append(index)
                send(kind, point)
                state["sent_moves"] += 1
            else:
                send(kind, point)
            state["due"] += interval_ms / 1000
        if state["finished_sending"]:
            if all_resolved():
                loop.quit()
            return
        timer.start(max(0, int((state["due"] - time.perf_counter()) * 1000)))

    timer.timeout.connect(tick)
    canvas.strokeChanged.connect(on_stroke_changed)
    window.resultShown.connect(on_result_shown)
    probe.on_flush = on_flush
    try:
        canvas.clear()
        state["due"] = time.perf_counter() + 0.05
        timer.start(50)
        _exec_with_deadline(loop)
        if not (state["finished_sending"] and all_resolved()):
            raise TimeoutError("bench: the stroke phase did not finish in time")
    finally:
        timer.stop()
        probe.on_flush = None
        canvas.strokeChanged.disconnect(on_stroke_changed)
        window.resultShown.disconnect(on_result_shown)
        if state["button_down"]:
            send("release", (140.0, 140.0))

    # Latency of a move: until the first painted result at or after its covering request.
    painted_ids = sorted(painted_at)
    latency, after_throttle, wait = [], [], []
    for index in range(warmup_moves, len(move_time)):
        request_id = cover[index]
        shown_id = next(r for r in painted_ids if r >= request_id)
        latency.append((painted_at[shown_id] - move_time[index]) * 1000)
        after_throttle.append((painted_at[shown_id] - submitted_at[request_id]) * 1000)
        wait.append(max(0.0, submitted_at[request_id] - move_time[index]) * 1000)
    # The canvas's throttle as it behaved: the usual interval between two submissions
    # while the pointer kept moving (pauses between strokes left out).
    times = sorted(submitted_at.values())
    gaps = [(b - a) * 1000 for a, b in zip(times, times[1:]) if b - a < 0.05]
    throttle_ms = round(float(np.median(gaps)), 2) if gaps else 0.0
    return latency, after_throttle, wait, throttle_ms


def measure_memory(app, window, probe, canvases, updates: int):
    """`updates` live updates: a different sample digit submitted to the window's
    inference service each time, as the canvas's strokeChanged does (worker ->
    resultReady -> MainWindow -> every dock -> paint); the next one starts once the docks
    have painted. (Putting each digit on the canvas instead doubles the time per update,
    almost all of it the canvas repainting its grid; the canvas is driven for real in
    the stroke phase.) Returns (rss at the baseline update, rss at the end, the worker's
    own timings, rss curve)."""
    from PySide6.QtCore import QEventLoop, QTimer

    service = window.service
    loop = QEventLoop()
    state = {"done": 0, "awaiting": None}
    marks: dict[int, float] = {}
    curve: list[tuple[int, float]] = []
    worker_timings: dict[str, list[float]] = {"preprocess_ms": [], "inference_ms": [], "queue_ms": []}
    baseline = min(RSS_BASELINE_UPDATE, max(1, updates // 2))

    def next_update():
        if state["done"] >= updates:
            loop.quit()
            return
        service.submit(canvases[state["done"] % len(canvases)], window.input_dock.centring())

    def on_result_shown(result):
        if result is not None and result.request_id == service.last_request_id:
            state["awaiting"] = result
            probe.expect()

    def on_flush(_now):
        result = state["awaiting"]
        if result is None or not probe.all_painted():
            return
        state["awaiting"] = None
        state["done"] += 1
        done = state["done"]
        for key, values in worker_timings.items():
            if key in result.timings:
                values.append(result.timings[key])
        if done == baseline or done == updates or done % 250 == 0:
            gc.collect()
            marks[done] = rss_mb()
            curve.append((done, round(marks[done], 2)))
        QTimer.singleShot(0, next_update)

    window.resultShown.connect(on_result_shown)
    probe.on_flush = on_flush
    try:
        QTimer.singleShot(0, next_update)
        _exec_with_deadline(loop)
    finally:
        probe.on_flush = None
        window.resultShown.disconnect(on_result_shown)
    if state["done"] < updates:
        raise TimeoutError(f"bench: only {state['done']} of {updates} live updates in {PHASE_TIMEOUT_S:.0f} s")
    return marks[baseline], marks[updates], worker_timings, curve


def _exec_with_deadline(loop) -> None:
    """Run a phase's event loop, ending it after PHASE_TIMEOUT_S whatever happens."""
    from PySide6.QtCore import QTimer

    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(int(PHASE_TIMEOUT_S * 1000))
    try:
        loop.exec()
    finally:
        guard.stop()


# --- the command ----------------------------------------------------------------------------

def collect(model_path=None, repeat: int = 500, updates: int = 2000, progress=None) -> dict:
    """Run every measurement; returns the JSON-ready dict."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    load_before = load_average()
    say = progress or (lambda message: None)

    from mnistviz.logfile import quiet_torchscript_warning

    quiet_torchscript_warning()
    from mnistviz.model import configure_threads, load_model
    from mnistviz.pipeline import analyse
    from mnistviz.preprocess import preprocess_steps
    from mnistviz.resources import bundled_model

    model_path = Path(model_path) if model_path else bundled_model()
    configure_threads()  # as the worker does
    model = load_model(model_path)
    canvases = sample_canvases()

    say("preprocess")
    preprocess = time_calls(lambda c: preprocess_steps(c, True), canvases, repeat)
    inputs = [preprocess_steps(c, True).input_28 for c in canvases]
    say("inference")
    inference = time_calls(model.forward, inputs, repeat)
    results = [analyse(c, model) for c in canvases]

    say("window")
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory(prefix="mnistviz-bench-") as settings_folder:
        _isolated_settings(settings_folder)
        from mnistviz.app import build_window

        window = build_window(model_path)
        app = QApplication.instance()
        window.show()
        probe = None
        try:
            _wait(app, lambda: window.model_info is not None, 60, "loading the model in the window")
            for _ in range(5):
                app.processEvents()
            probe = _Probe(window, _watched_widgets(window))
            say("render")
            render = measure_render(app, window, probe, results, repeat)
            say("explanation docks")
            explain_render = measure_explain_render(app, window, results, min(repeat, 200))
            say("stroke to screen")
            latency, after_throttle, wait, throttle_ms = measure_strokes(app, window, probe, repeat)
            say("memory")
            rss_base, rss_end, worker, curve = measure_memory(app, window, probe, canvases, updates)
        finally:
            if probe is not None:
                probe.remove()
            window.close()
            app.processEvents()
            window.deleteLater()
            app.processEvents()

    return {
        "preprocess_ms": summary(preprocess),
        "inference_ms": summary(inference),
        "render_ms": summary(render),
        "explain_render_ms": explain_render,
        "stroke_to_screen_ms": summary(latency),
        "stroke_to_screen_after_throttle_ms": summary(after_throttle),
        "throttle_wait_ms": summary(wait),
        "rss_mb": round(rss_end, 2),
        "rss_growth_mb": round(rss_end - rss_base, 2),
        "rss_baseline_update": min(RSS_BASELINE_UPDATE, max(1, updates // 2)),
        "rss_curve_mb": curve,
        # The worker's own timings (Result.timings) during the live updates: each request
        # comes after the thread sat idle while the window painted, so caches are cold.
        "in_worker_during_updates": {key: summary(values) for key, values in worker.items()},
        "machine": machine_info(),
        "settings": {
            "model": str(model_path),
            "repeat": repeat,
            "updates": updates,
            "warmup": WARMUP,
            "pointer_interval_ms": POINTER_INTERVAL_MS,
            "canvas_throttle_ms": throttle_ms,  # measured: median interval between submissions
        },
        "load_average": {"before": load_before, "after": load_average()},
        "seconds": round(time.perf_counter() - started, 1),
    }


def format_table(report: dict) -> str:
    lines = [f"mnistviz bench · {report['machine']['cpu']} · {report['machine']['cores']} cores · "
             f"torch {report['machine']['torch']} ({report['machine']['torch_threads']} thread(s)) · "
             f"Qt {report['machine']['qt']} ({report['machine']['qt_platform'] or 'default'})",
             "",
             f"{'figure':<38}{'p50':>10}{'p95':>10}{'n':>7}   goal"]
    names = (*TIMINGS, "stroke_to_screen_after_throttle_ms", "throttle_wait_ms")
    for name in names:
        figure = report[name]
        goal = GOALS.get(name)
        goal_text = ""
        if goal:
            stat, limit = goal
            met = figure[stat] <= limit
            goal_text = f"{stat} <= {limit:g}  {'met' if met else 'NOT met'}"
        lines.append(f"{name:<38}{figure['p50']:>10.3f}{figure['p95']:>10.3f}{figure['n']:>7}   {goal_text}")
    growth_met = report["rss_growth_mb"] <= GOALS["rss_growth_mb"][1]
    lines.append(f"{'rss_mb':<38}{report['rss_mb']:>10.1f}")
    lines.append(f"{'rss_growth_mb':<38}{report['rss_growth_mb']:>10.2f}"
                 f"{'':>17}   <= 10  {'met' if growth_met else 'NOT met'}"
                 f"  (update {report['rss_baseline_update']} to {report['settings']['updates']})")
    explain = report["explain_render_ms"]
    lines.append("explanation docks, ms per result (p50 / p95): " + ", ".join(
        f"{name.replace('Dock', '').replace('all_hidden', 'all four hidden')} {v['p50']:.3f} / {v['p95']:.3f}"
        for name, v in explain.items()) + " (on screen, one at a time)")
    settings = report["settings"]
    lines.append("")
    lines.append(f"pointer events every {settings['pointer_interval_ms']:g} ms; the canvas submitted a drawing "
                 f"every {settings['canvas_throttle_ms']:g} ms while the pointer moved (its display-rate throttle)")
    worker = report["in_worker_during_updates"]
    lines.append("in the worker thread during the live updates (one request at a time, after idling): "
                 + ", ".join(f"{k} p50 {v['p50']:.3f}" for k, v in worker.items()))
    load = report["load_average"]
    lines.append(f"load average before {load['before']}, after {load['after']}; {report['seconds']} s")
    return "\n".join(lines)


def run_bench(args) -> int:
    """`mnistviz bench [--json] [--model PATH] [--repeat N] [--updates N]`."""
    from mnistviz.model import ModelError

    repeat = max(1, int(getattr(args, "repeat", 500) or 500))
    updates = max(2, int(getattr(args, "updates", 2000) or 2000))
    as_json = bool(getattr(args, "json", False))

    def progress(message: str) -> None:
        if not as_json:
            print(f"  measuring {message}…", file=sys.stderr, flush=True)

    try:
        report = collect(getattr(args, "bench_model", None), repeat=repeat, updates=updates, progress=progress)
    except (ModelError, TimeoutError) as exc:
        if as_json:
            print(json.dumps({"status": "error", "message": str(exc)}))
        else:
            print(f"error: {exc}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(report))
    else:
        print(format_table(report))
    return 0
