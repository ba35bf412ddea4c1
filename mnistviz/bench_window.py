"""The window half of `mnistviz bench`: a real MainWindow driven by synthetic pointer
events, with the clock read when Qt has painted (see `mnistviz.bench` for the figures).

`_Probe` watches Paint and UpdateRequest events; nothing here changes how the app paints.
"""

from __future__ import annotations

import gc
import math
import time

from typing import NamedTuple

import numpy as np

from mnistviz.bench import RSS_BASELINE_UPDATE, WARMUP, rss_mb, summary

POINTER_INTERVAL_MS = 8.0  # a 125 Hz mouse: the USB default polling rate
POINTER_STEP_PX = 4.0  # image pixels between pointer events (about 500 px/s on the 280 px canvas)
PHASE_TIMEOUT_S = 120.0


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

    def __init__(self, window, watched, canvas=None):
        from PySide6.QtCore import QEvent, QObject

        probe = self
        self.window = window
        self.watched = list(watched)
        self.painted: set[int] = set()
        self.canvas = canvas
        self.canvas_paints = 0  # Paint events the canvas received (the ink)
        self.on_flush = None  # callable(time) after each processed UpdateRequest
        self._inside = False
        paint, update_request = QEvent.Type.Paint, QEvent.Type.UpdateRequest

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
                kind = event.type()
                if kind == paint:
                    if obj is probe.canvas:
                        probe.canvas_paints += 1
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
        for widget in self.watched + ([canvas] if canvas is not None else []):
            widget.installEventFilter(self.filter)

    def expect(self) -> None:
        """Start waiting for every visible watched widget to paint."""
        self.painted = {i for i, w in enumerate(self.watched) if not w.isVisible()}

    def all_painted(self) -> bool:
        return len(self.painted) == len(self.watched)

    def remove(self) -> None:
        self.window.removeEventFilter(self.filter)
        for widget in self.watched + ([self.canvas] if self.canvas is not None else []):
            widget.removeEventFilter(self.filter)


def _watched_widgets(window):
    """The widgets that must have painted for a result to count as on screen."""
    widgets = [window.input_dock.input_view, window.prediction_dock.plot_widget.viewport()]
    widgets += [dock.plot for dock in window.stage_docks]
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
    window.view_state.hovered = None  # the pointer goes back to the canvas: no map cell is hovered
    return figures


class StrokeFigures(NamedTuple):
    """Per timed pointer move, in ms (see `mnistviz.bench` for what each clock measures)."""

    latency: list[float]  # scheduled move -> a result that includes it has painted
    after_submit: list[float]  # the request with the move submitted -> painted
    submit_wait: list[float]  # scheduled move -> its request submitted (a busy GUI thread delays it)
    ink: list[float]  # scheduled move -> the canvas painted it (the window flushed)
    submit_interval_ms: float  # median interval between submissions while the pointer moved


def measure_strokes(app, window, probe, moves: int, interval_ms: float = POINTER_INTERVAL_MS) -> StrokeFigures:
    """Mouse strokes at `interval_ms` on the real canvas while the results stream in."""
    from PySide6.QtCore import QEventLoop, QPointF, Qt, QTimer
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    canvas = window.canvas
    warmup_moves = WARMUP
    side = min(canvas.width(), canvas.height())
    left, top = (canvas.width() - side) / 2, (canvas.height() - side) / 2
    scale = side / 280.0
    script = pointer_script()

    state = {
        "due": 0.0, "sent_moves": 0, "finished_sending": False, "button_down": False,
        "awaiting_paint": None,  # request id shown, waiting for the docks' paint
        "canvas_paints": probe.canvas_paints,
    }
    uncovered: list[int] = []  # indices of moves not yet in a submitted canvas
    unpainted_ink: list[int] = []  # indices of moves whose ink has not been flushed yet
    move_time: list[float] = []
    ink_at: dict[int, float] = {}
    cover: dict[int, int] = {}  # move index -> first request id that includes it
    submitted_at: dict[int, float] = {}
    painted_at: dict[int, float] = {}  # request id -> time its paint finished
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    kinds = {"press": (QMouseEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton),
             "move": (QMouseEvent.Type.MouseMove, Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton),
             "release": (QMouseEvent.Type.MouseButtonRelease, Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton)}

    def send(kind, point):
        pos = QPointF(left + point[0] * scale, top + point[1] * scale)
        event_type, button, buttons = kinds[kind]
        state["button_down"] = kind != "release"
        QApplication.sendEvent(canvas, QMouseEvent(event_type, pos, canvas.mapToGlobal(pos), button, buttons,
                                                   Qt.KeyboardModifier.NoModifier))

    def on_submitted(request_id):  # the canvas with every move so far went to the worker
        submitted_at[request_id] = time.perf_counter()
        for index in uncovered:
            cover[index] = request_id
        uncovered.clear()

    def on_result_shown(result):
        if result is not None:
            state["awaiting_paint"] = result.request_id
            probe.expect()

    def on_flush(now):
        if probe.canvas_paints != state["canvas_paints"]:
            state["canvas_paints"] = probe.canvas_paints
            for index in unpainted_ink:
                ink_at[index] = now
            unpainted_ink.clear()
        request_id = state["awaiting_paint"]
        if request_id is not None and probe.all_painted():
            painted_at[request_id] = now
            state["awaiting_paint"] = None
            if state["finished_sending"] and all_resolved():
                loop.quit()

    def all_resolved() -> bool:
        if uncovered or unpainted_ink:
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
                unpainted_ink.append(index)
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
    window.analysisSubmitted.connect(on_submitted)
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
        window.analysisSubmitted.disconnect(on_submitted)
        window.resultShown.disconnect(on_result_shown)
        if state["button_down"]:
            send("release", (140.0, 140.0))

    # Latency of a move: until the first painted result at or after its covering request.
    painted_ids = sorted(painted_at)
    figures = StrokeFigures([], [], [], [], 0.0)
    for index in range(warmup_moves, len(move_time)):
        request_id = cover[index]
        shown_id = next(r for r in painted_ids if r >= request_id)
        figures.latency.append((painted_at[shown_id] - move_time[index]) * 1000)
        figures.after_submit.append((painted_at[shown_id] - submitted_at[request_id]) * 1000)
        figures.submit_wait.append(max(0.0, submitted_at[request_id] - move_time[index]) * 1000)
        figures.ink.append((ink_at[index] - move_time[index]) * 1000)
    # How often the canvas submitted while the pointer kept moving (pauses between strokes left out).
    times = sorted(submitted_at.values())
    gaps = [(b - a) * 1000 for a, b in zip(times, times[1:]) if b - a < 0.05]
    return figures._replace(submit_interval_ms=round(float(np.median(gaps)), 2) if gaps else 0.0)


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




def measure_window(model_path, results, canvases, repeat: int, updates: int, say) -> dict:
    """Every window figure, in a fresh MainWindow whose settings live in a temporary folder."""
    import tempfile

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
            _wait(app, window.isActiveWindow if app.platformName() == "xcb" else (lambda: True), 10,
                  "the window to appear on the X screen")
            for _ in range(5):
                app.processEvents()
            probe = _Probe(window, _watched_widgets(window), canvas=window.canvas)
            say("render")
            render = measure_render(app, window, probe, results, repeat)
            say("explanation docks")
            explain_render = measure_explain_render(app, window, results, min(repeat, 200))
            say("stroke to screen")
            strokes = measure_strokes(app, window, probe, repeat)
            say("memory")
            rss_base, rss_end, worker, curve = measure_memory(app, window, probe, canvases, updates)
            size = window.size()
        finally:
            if probe is not None:
                probe.remove()
            window.close()
            app.processEvents()
            window.deleteLater()
            app.processEvents()
    return {"render": render, "explain_render": explain_render, "strokes": strokes, "rss_base": rss_base,
            "rss_end": rss_end, "worker": worker, "curve": curve, "window_size": [size.width(), size.height()]}
