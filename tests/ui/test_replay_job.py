"""The replay's curves come from their own thread, and that thread never outlives the program."""

from __future__ import annotations

import numpy as np

from mnistviz.drawing import Drawing, DrawnStroke
from mnistviz.replay import probabilities_for
from mnistviz.ui.replay_job import CurveJob
from mnistviz.ui.worker import live_threads, wait_for_abandoned_threads


def _stroke(t0: float) -> DrawnStroke:
    x = np.linspace(120, 300, 25)
    return DrawnStroke("pen", 18.0, np.column_stack([x, 100 + x / 2, np.linspace(t0, t0 + 400, 25), np.ones(25)]))


def test_the_newest_request_is_answered_with_one_row_per_moment(qtbot, contract_model_path):
    job = CurveJob()
    try:
        drawing = Drawing(strokes=(_stroke(0), _stroke(600)))
        with qtbot.waitSignal(job.ready, timeout=60_000) as ready:
            job.request(Drawing(strokes=(_stroke(0),)), contract_model_path, True)
            newest = job.request(drawing, contract_model_path, True)
        request_id, curves = ready.args
        assert request_id == newest
        assert curves.probabilities.shape == (len(curves.times), 10)
        inked = ~np.isnan(curves.probabilities).any(axis=1)
        assert inked.any() and np.allclose(curves.probabilities[inked].sum(axis=1), 1, atol=1e-4)
    finally:
        job.stop()


def test_the_exit_hook_stops_a_job_whose_window_never_closed(qtbot):
    # A script that ends without closing the window: Qt aborts the process if a running
    # QThread is destroyed at exit, so the exit hook must stop this thread too.
    job = CurveJob()
    assert job.thread.isRunning() and job.thread in live_threads()
    wait_for_abandoned_threads()
    assert not job.thread.isRunning()


def test_cancel_stops_the_computation_under_way_and_nothing_arrives(qtbot, contract_model_path, monkeypatch):
    from mnistviz.ui import replay_job

    frames = []  # every moment the job classifies

    def counted(frame, model, centre):
        frames.append(1)
        return probabilities_for(frame, model, centre)

    monkeypatch.setattr(replay_job, "probabilities_for", counted)
    job = CurveJob()
    try:
        with qtbot.waitSignal(job.ready, timeout=60_000):  # the model is loaded and the thread warm
            job.request(Drawing(strokes=(_stroke(0),)), contract_model_path, True)
        arrived = []
        job.ready.connect(lambda *args: arrived.append(args))
        long_drawing = Drawing(strokes=tuple(_stroke(i * 500.0) for i in range(20)))  # 200 moments, >= 0.2 s
        frames.clear()
        job.request(long_drawing, contract_model_path, True)
        qtbot.waitUntil(lambda: len(frames) > 0, timeout=30_000)  # under way
        job.cancel()
        qtbot.wait(2000)
        assert arrived == []
        assert len(frames) < 150  # stopped at the next moment, not after all 200
        with qtbot.waitSignal(job.ready, timeout=60_000):  # the job still answers the next request
            job.request(Drawing(strokes=(_stroke(0),)), contract_model_path, True)
    finally:
        job.stop()
