"""The replay's core: which moments are analysed, the curves and their turns, the playback clock."""

from __future__ import annotations

import numpy as np
import pytest

from mnistviz.drawing import Drawing, DrawnStroke
from mnistviz.replay import (
    MAX_FRAMES,
    PlaybackClock,
    ProbabilityCurves,
    Turn,
    compute_curves,
    frame_times,
    next_mark,
    previous_mark,
    probabilities_for,
    stroke_ends,
)


def line(p0, p1, t0, t1, n=40) -> np.ndarray:
    t = np.linspace(0, 1, n)
    return np.column_stack([p0[0] + (p1[0] - p0[0]) * t, p0[1] + (p1[1] - p0[1]) * t, t0 + (t1 - t0) * t,
                            np.ones(n)])


def one_then_seven() -> Drawing:
    """A 1 (0-1.2 s), then the bar that makes it a 7 (1.8-2.6 s)."""
    return Drawing(strokes=(DrawnStroke("pen", 18.0, line((175, 60), (125, 225), 0, 1200)),
                            DrawnStroke("pen", 18.0, line((85, 62), (175, 60), 1800, 2600))))


def test_frames_run_every_50_ms_from_the_first_point_to_the_end_with_each_stroke_end():
    drawing = one_then_seven()
    times = frame_times(drawing)
    assert times[0] == 0 and times[-1] == drawing.duration_ms == 2600
    assert set(stroke_ends(drawing)) <= set(times)
    assert np.all(np.diff(times) > 0) and np.diff(times).max() <= 50 + 1e-9


def test_a_long_drawing_gets_a_coarser_step_never_more_than_the_cap():
    long = Drawing(strokes=(DrawnStroke("pen", 18.0, line((50, 50), (200, 200), 500, 600_500, n=500)),))
    times = frame_times(long)
    assert len(times) <= MAX_FRAMES
    assert times[0] == 500 and times[-1] == 600_500
    assert np.diff(times).max() == pytest.approx(600_000 / (MAX_FRAMES - 1))


def test_no_strokes_no_frames():
    assert frame_times(Drawing()).size == 0


def test_turns_name_each_moment_the_leading_class_changed():
    rows = np.full((5, 10), 0.05)
    rows[0] = np.nan  # no ink yet
    rows[1, 1] = rows[2, 1] = 0.6  # a 1...
    rows[3, 7] = rows[4, 7] = 0.7  # ...that turned into a 7
    curves = ProbabilityCurves(np.array([0, 50, 100, 150, 200.0]), rows, tuple("0123456789"))
    assert list(curves.leaders()) == [-1, 1, 1, 7, 7]
    assert curves.turns() == [Turn(50.0, None, 1), Turn(150.0, 1, 7)]
    assert curves.index_at(149.9) == 2 and curves.index_at(-5) == 0 and curves.index_at(1e9) == 4


def test_compute_curves_keeps_no_ink_as_nan_and_stops_when_cancelled():
    frames = [np.zeros((280, 280), np.uint8), np.ones((280, 280), np.uint8)]
    classify = lambda frame: None if not frame.any() else np.arange(10) / 45  # noqa: E731
    curves = compute_curves(np.array([0.0, 50.0]), frames, classify, tuple("0123456789"))
    assert np.isnan(curves.probabilities[0]).all() and np.allclose(curves.probabilities[1], np.arange(10) / 45)
    assert compute_curves(np.array([0.0, 50.0]), frames, classify, tuple("0123456789"), cancelled=lambda: True) is None


def test_stroke_marks_step_back_and_forward():
    drawing = one_then_seven()
    assert next_mark(drawing, 0) == 1200 and next_mark(drawing, 1200) == 2600 and next_mark(drawing, 2600) == 2600
    assert previous_mark(drawing, 2600) == 1200 and previous_mark(drawing, 1200) == 0 and previous_mark(drawing, 0) == 0


def test_the_clock_plays_at_each_speed_and_stops_at_the_end():
    clock = PlaybackClock(0, 2600)
    clock.play(1000, now_s=10.0)
    assert clock.position(10.5) == pytest.approx(1500)
    clock.set_speed(2.0, now_s=10.5)  # the position stays where it is
    assert clock.position(10.5) == pytest.approx(1500)
    assert clock.position(11.0) == pytest.approx(2500)
    assert clock.position(20.0) == 2600 and clock.finished(20.0)
    clock.set_speed(0.5, now_s=20.0)
    clock.play(2600, now_s=30.0)  # from the end: starts over
    assert clock.position(31.0) == pytest.approx(500)
    assert clock.pause(31.0) == pytest.approx(500) and clock.position(99.0) == pytest.approx(500)
    with pytest.raises(ValueError, match="speeds"):
        clock.set_speed(3.0, 0.0)


def test_probabilities_are_the_pipelines_own():
    from mnistviz.model import load_model
    from mnistviz.pipeline import analyse
    from mnistviz.resources import bundled_model

    model = load_model(bundled_model())
    canvas = np.zeros((280, 280), np.uint8)
    canvas[60:220, 130:150] = 255
    for centre in (True, False):
        assert np.array_equal(probabilities_for(canvas, model, centre), analyse(canvas, model, centre).probabilities)
    assert probabilities_for(np.zeros((280, 280), np.uint8), model) is None
