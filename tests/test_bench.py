"""`mnistviz bench`: runs end to end (small counts) and reports every figure.

The figures themselves are not asserted: they depend on the machine and its load.
"""

import json
import math
import os
import subprocess
import sys

import pytest

from mnistviz.bench import TIMINGS, format_table, summary

EXTRA_TIMINGS = ("submit_to_screen_ms", "ink_ms",)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    home = tmp_path_factory.mktemp("bench-home")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(home), XDG_STATE_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-m", "mnistviz", "bench", "--json", "--repeat", "20", "--updates", "40"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_every_timing_is_positive(report):
    for name in TIMINGS + EXTRA_TIMINGS:
        figure = report[name]
        assert set(figure) >= {"p50", "p95", "n"}, name
        assert figure["p50"] > 0 and figure["p95"] > 0, name
        assert figure["p95"] >= figure["p50"], name
        assert isinstance(figure["n"], int) and figure["n"] > 0, name
    assert report["preprocess_ms"]["n"] == 20 and report["render_ms"]["n"] == 20
    assert report["stroke_to_screen_ms"]["n"] == 20
    explain = report["explain_render_ms"]  # hidden docks, then each one on screen
    assert set(explain) == {"all_hidden", "evidenceDock", "arithmeticDock", "filtersDock", "networkDock"}
    assert all(figure["n"] == 20 and figure["p95"] >= figure["p50"] > 0 for figure in explain.values())


def test_memory_figures(report):
    assert report["rss_mb"] > 0
    # A difference: a finite number, which may be zero or negative when memory was returned.
    assert isinstance(report["rss_growth_mb"], (int, float)) and math.isfinite(report["rss_growth_mb"])
    assert report["rss_baseline_update"] == 20  # half of --updates when that is under 400


def test_machine_is_described(report):
    machine = report["machine"]
    for key in ("cpu", "platform", "python", "torch", "pyside6", "qt", "pyqtgraph", "numpy", "pillow"):
        assert isinstance(machine[key], str) and machine[key], key
    assert machine["cores"] > 0 and machine["torch_threads"] > 0
    assert report["settings"]["submit_interval_ms"] > 0 and report["settings"]["cores"] is None
    assert report["seconds"] > 0


def test_table_names_every_figure(report):
    table = format_table(report)
    for name in TIMINGS + ("rss_mb", "rss_growth_mb"):
        assert name in table


def test_summary_percentiles():
    figure = summary(list(range(1, 101)))
    assert figure == {"p50": 50.5, "p95": 95.05, "n": 100}
    assert summary([])["n"] == 0
