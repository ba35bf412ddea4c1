"""A replayed moment is exactly render_drawing(drawing.until(t)), however it is reached."""

from __future__ import annotations

import numpy as np

from mnistviz.drawing import Drawing, DrawnStroke
from mnistviz.ui.replay_frames import IN_STROKE_EVERY, MAX_KEPT, FrameRenderer
from mnistviz.ui.stroke_painter import render_drawing


def wavy(t0: float, y: float, tool: str = "pen", width: float = 18.0) -> DrawnStroke:
    x = np.linspace(40, 240, 30)
    points = np.column_stack([x, y + 20 * np.sin(x / 25), np.linspace(t0, t0 + 300, 30), np.linspace(0.3, 1, 30)])
    return DrawnStroke(tool, width, points)


def test_every_moment_equals_rendering_the_drawing_cut_at_that_moment():
    drawing = Drawing(strokes=(wavy(0, 80), wavy(400, 140), wavy(800, 110, tool="eraser", width=10), wavy(1200, 200)))
    renderer = FrameRenderer(drawing)
    # Out of order, mid-stroke, on a stroke's last point, in a pause, before and after it all.
    for t in (1500, 150, 310.3, 300, 350, 0, -5, 1001, 400, 2000, 850):
        assert np.array_equal(renderer.frame(t), render_drawing(drawing.until(t))), t


def test_many_strokes_keep_few_checkpoints_and_stay_exact():
    strokes = tuple(wavy(i * 400.0, 40 + i % 200, width=4) for i in range(130))  # times rise, as in a file
    drawing = Drawing(strokes=tuple(DrawnStroke(s.tool, s.width, s.points[::10]) for s in strokes))
    renderer = FrameRenderer(drawing)
    for t in (51_650.0, 26_210.0, 5.0, 60_000.0):
        assert np.array_equal(renderer.frame(t), render_drawing(drawing.until(t)))
    assert renderer._kept() <= MAX_KEPT


def test_moments_inside_a_long_stroke_resume_from_kept_states_exactly():
    count = 12 * IN_STROKE_EVERY + 5
    s = np.linspace(0, 1, count)
    points = np.column_stack([40 + 200 * s, 140 + 60 * np.sin(s * 20), 400 + 8.0 * np.arange(count),
                              0.4 + 0.6 * np.abs(np.sin(s * 7))])
    drawing = Drawing(strokes=(wavy(0, 60), DrawnStroke("pen", 16.0, points)))
    renderer = FrameRenderer(drawing)
    rng = np.random.default_rng(3)
    moments = [400 + 8.0 * (count - 1) - 4, *rng.uniform(0, 400 + 8.0 * count, 25), 400 + 8.0 * IN_STROKE_EVERY,
               400 + 8.0 * 2, 400.0, 0.0]
    for t in moments:  # forward, back, on kept states and between them
        assert np.array_equal(renderer.frame(t), render_drawing(drawing.until(t))), t
