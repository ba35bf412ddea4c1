"""`mnistviz bench`: figures (not pass/fail) for every step from stroke to screen.

Measured on the current machine, after a warm-up; each timing is reported
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
    trace digits on the real canvas; the clock runs from each move's scheduled time until
    a Result that includes that move has reached the docks (``resultShown``) *and the
    docks have painted it*: the canvas's submission, the worker thread, the queued signal
    and the paint. ``submit_to_screen_ms`` is the same clock started when the request
    with the move was submitted, ``submit_wait_ms`` the time before that (the canvas has
    no throttle; only a GUI thread still busy with the previous result delays a move).
``ink_ms``
    the same moves, from each move's scheduled time until the window has flushed a paint
    in which the canvas drew it, while results stream into the docks.
``rss_mb`` / ``rss_growth_mb``
    resident memory after ``--updates`` live updates (a different sample digit each
    time, submitted as the canvas does: worker -> every dock -> paint), and its growth
    from update 200 to the last. These come after the stroke phase, so the canvas's
    strokes and undo history are in the baseline.

The window's settings are kept in a temporary folder, so the user's saved layout
neither changes the figures nor is changed by them. ``--cores N`` pins the process to N
cores first (as ``taskset``); ``--display`` runs the window on the X server in $DISPLAY
instead of offscreen, so the flush to a real screen is in every figure.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

WARMUP = 50  # untimed repetitions before each timing
RSS_BASELINE_UPDATE = 200

TIMINGS = ("preprocess_ms", "inference_ms", "render_ms", "stroke_to_screen_ms", "ink_ms")
GOALS = {  # the performance issue's, for the table: figure -> (statistic, limit)
    "inference_ms": ("p50", 0.2),
    "preprocess_ms": ("p50", 1.0),
    "render_ms": ("p95", 4.0),
    "stroke_to_screen_ms": ("p95", 8.3),  # one 120 Hz frame
    "ink_ms": ("p95", 4.0),
    "rss_growth_mb": (None, 10.0),
}
ONE_CORE_GOALS = {"stroke_to_screen_ms": ("p95", 16.7)}  # one 60 Hz frame, pinned to one core


def goal_for(name: str, report: dict):
    """(statistic, limit) of a figure's goal on the machine `report` was measured with, or None."""
    cores = report.get("settings", {}).get("cores")
    if cores is not None and len(cores) == 1 and name in ONE_CORE_GOALS:
        return ONE_CORE_GOALS[name]
    return GOALS.get(name)


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


# --- the command ----------------------------------------------------------------------------

def use_cores(count: int) -> list[int]:
    """Pin every thread of this process (and the threads it starts later) to the first
    `count` of the cores it may use, as `taskset -c` would; returns the cores kept."""
    allowed = sorted(os.sched_getaffinity(0))
    if count < 1 or count > len(allowed):
        raise ValueError(f"--cores {count}: this process may use {len(allowed)} core(s)")
    kept = set(allowed[:count])
    for task in os.listdir("/proc/self/task"):  # threads numpy or torch may already have started
        try:
            os.sched_setaffinity(int(task), kept)
        except OSError:  # a thread that ended meanwhile
            pass
    return sorted(kept)


def choose_platform(display: bool) -> None:
    """Offscreen unless `display`: then the X server in $DISPLAY, where the window is really
    drawn and flushed to the screen (Xvfb counts)."""
    if not display:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return
    if not os.environ.get("DISPLAY"):
        raise ValueError("--display needs an X server: $DISPLAY is not set (try: Xvfb :99 & DISPLAY=:99)")
    os.environ["QT_QPA_PLATFORM"] = "xcb"


def collect(model_path=None, repeat: int = 500, updates: int = 2000, progress=None,
            cores: int | None = None, display: bool = False) -> dict:
    """Run every measurement; returns the JSON-ready dict."""
    choose_platform(display)
    pinned = use_cores(cores) if cores else None
    started = time.perf_counter()
    load_before = load_average()
    say = progress or (lambda message: None)

    from mnistviz.logfile import quiet_torchscript_warning

    quiet_torchscript_warning()
    from mnistviz.bench_window import POINTER_INTERVAL_MS, measure_window
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
    window = measure_window(model_path, results, canvases, repeat, updates, say)
    strokes = window["strokes"]
    return {
        "preprocess_ms": summary(preprocess),
        "inference_ms": summary(inference),
        "render_ms": summary(window["render"]),
        "explain_render_ms": window["explain_render"],
        "stroke_to_screen_ms": summary(strokes.latency),
        "ink_ms": summary(strokes.ink),
        "submit_to_screen_ms": summary(strokes.after_submit),
        "submit_wait_ms": summary(strokes.submit_wait),
        "rss_mb": round(window["rss_end"], 2),
        "rss_growth_mb": round(window["rss_end"] - window["rss_base"], 2),
        "rss_baseline_update": min(RSS_BASELINE_UPDATE, max(1, updates // 2)),
        "rss_curve_mb": window["curve"],
        # The worker's own timings (Result.timings) during the live updates: each request
        # comes after the thread sat idle while the window painted, so caches are cold.
        "in_worker_during_updates": {key: summary(values) for key, values in window["worker"].items()},
        "machine": machine_info(),
        "settings": {
            "model": str(model_path),
            "repeat": repeat,
            "updates": updates,
            "warmup": WARMUP,
            "pointer_interval_ms": POINTER_INTERVAL_MS,
            "submit_interval_ms": strokes.submit_interval_ms,  # measured: median interval between submissions
            "cores": pinned,  # None: every core the process may use
            "display": display,
            "window_size": window["window_size"],
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
    names = (*TIMINGS, "submit_to_screen_ms", "submit_wait_ms")
    for name in names:
        figure = report[name]
        goal = goal_for(name, report)
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
                 f"every {settings['submit_interval_ms']:g} ms while the pointer moved; window "
                 f"{settings['window_size'][0]}x{settings['window_size'][1]}; cores "
                 f"{settings['cores'] if settings['cores'] is not None else 'all'}")
    worker = report["in_worker_during_updates"]
    lines.append("in the worker thread during the live updates (one request at a time, after idling): "
                 + ", ".join(f"{k} p50 {v['p50']:.3f}" for k, v in worker.items()))
    load = report["load_average"]
    lines.append(f"load average before {load['before']}, after {load['after']}; {report['seconds']} s")
    return "\n".join(lines)


def run_bench(args) -> int:
    """`mnistviz bench [--json] [--model PATH] [--repeat N] [--updates N] [--cores N] [--display]`."""
    from mnistviz.model import ModelError

    repeat = max(1, int(getattr(args, "repeat", 500) or 500))
    updates = max(2, int(getattr(args, "updates", 2000) or 2000))
    as_json = bool(getattr(args, "json", False))

    def progress(message: str) -> None:
        if not as_json:
            print(f"  measuring {message}…", file=sys.stderr, flush=True)

    try:
        report = collect(getattr(args, "bench_model", None), repeat=repeat, updates=updates, progress=progress,
                         cores=getattr(args, "cores", None), display=bool(getattr(args, "display", False)))
    except (ModelError, TimeoutError, ValueError) as exc:
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
