"""MNIST digits as pen strokes: thinning, tracing, canvas-like redrawing, canvas placement."""

import numpy as np
import pytest

from mnistviz import stroke_synth
from mnistviz.preprocess import ink_box, preprocess


def neighbours(skeleton: np.ndarray, y: int, x: int) -> int:
    window = np.pad(skeleton, 1)[y : y + 3, x : x + 3]
    return int(window.sum()) - 1


def test_thinning_a_thick_bar_leaves_a_one_pixel_line_inside_it():
    ink = np.zeros((60, 40), dtype=bool)
    ink[10:50, 15:24] = True  # 9 px wide
    skeleton = stroke_synth.thin(ink)
    assert skeleton.any() and not (skeleton & ~ink).any()
    widths = skeleton[15:45].sum(axis=1)
    assert (widths == 1).all()  # one pixel wide along the bar
    assert (np.flatnonzero(skeleton[30]) == 19).all()  # in its middle
    assert skeleton[:, 19].sum() >= 25  # and still nearly as long


def test_thinning_a_ring_keeps_it_closed():
    yy, xx = np.mgrid[:50, :50]
    radius = np.hypot(yy - 25, xx - 25)
    ink = (radius > 10) & (radius < 17)
    skeleton = stroke_synth.thin(ink)
    assert not skeleton[25, 25] and skeleton.sum() > 60
    ys, xs = np.nonzero(skeleton)
    assert all(neighbours(skeleton, y, x) >= 2 for y, x in zip(ys, xs))  # no loose end: a loop


def test_thinning_a_batch_equals_thinning_each_image():
    bar = np.zeros((30, 30), dtype=bool)
    bar[5:25, 10:17] = True
    blob = np.zeros((30, 30), dtype=bool)
    blob[8:22, 3:27] = True
    batch = stroke_synth.thin(np.stack([bar, blob]))
    assert np.array_equal(batch[0], stroke_synth.thin(bar))
    assert np.array_equal(batch[1], stroke_synth.thin(blob))


def test_tracing_covers_every_skeleton_pixel_and_starts_at_line_ends():
    skeleton = np.zeros((20, 20), dtype=bool)
    skeleton[3, 2:12] = True  # an L: across, then down
    skeleton[3:15, 11] = True
    skeleton[17, 17] = True  # a lone dot
    lines = stroke_synth.trace(skeleton, keep_every=1)
    covered = {(int(x), int(y)) for line in lines for x, y in line}
    assert covered == {(int(x), int(y)) for y, x in zip(*np.nonzero(skeleton))}
    assert sorted(len(line) for line in lines) == [1, 10 + 12 - 1]  # the dot, and one stroke for the L
    long_line = max(lines, key=len)
    assert {tuple(long_line[0]), tuple(long_line[-1])} == {(2.0, 3.0), (11.0, 14.0)}
    steps = np.abs(np.diff(long_line, axis=0)).max(axis=1)
    assert (steps == 1).all()  # from pixel to neighbouring pixel, never a jump


def test_tracing_keeps_every_third_point_and_the_last():
    skeleton = np.zeros((5, 12), dtype=bool)
    skeleton[2, 1:11] = True
    (line,) = stroke_synth.trace(skeleton, keep_every=3)
    assert line[:, 0].tolist() in ([1, 4, 7, 10], [10, 7, 4, 1])


def test_redrawn_digits_look_like_the_originals(samples):
    images, labels = samples
    strokes = stroke_synth.digit_strokes(images[:20])
    overlaps = []
    for digit, lines in zip(images[:20], strokes):
        redrawn = preprocess(stroke_synth.render_round_brush(lines, height=100, width=14))
        original = preprocess(digit)
        both = ((redrawn > 0.3) & (original > 0.3)).sum()
        either = ((redrawn > 0.3) | (original > 0.3)).sum()
        overlaps.append(both / either)
    assert np.median(overlaps) > 0.5  # same shape where the ink is, drawn with another pen


def test_round_brush_width_sets_the_stroke_width():
    line = [np.array([[0.0, 0.0], [0.0, 100.0]])]
    thin_line = stroke_synth.render_round_brush(line, height=100, width=6)
    thick_line = stroke_synth.render_round_brush(line, height=100, width=20)
    assert thin_line.dtype == np.uint8 and thin_line.max() == 255
    row = lambda image: int((image[image.shape[0] // 2] > 127).sum())  # noqa: E731
    assert abs(row(thin_line) - 6) <= 1 and abs(row(thick_line) - 20) <= 1
    top, _, bottom, _ = ink_box(thick_line, threshold=128)
    assert abs((bottom - top) - 120) <= 2  # 100 px long plus round caps of 10 px


def test_canvas_pool_is_seeded_and_shaped_like_the_apps_input(samples):
    images, _ = samples
    pool = stroke_synth.canvas_pool(images[:8], seed=3, variants=2)
    assert pool.shape == (16, 28, 28) and pool.dtype == np.float32
    assert np.array_equal(pool, stroke_synth.canvas_pool(images[:8], seed=3, variants=2))
    assert not np.array_equal(pool, stroke_synth.canvas_pool(images[:8], seed=4, variants=2))
    assert not np.array_equal(pool[:8], pool[8:])  # two different redrawings of each digit
    for sample in pool:
        top, left, bottom, right = ink_box((sample * 255).astype(np.uint8), threshold=1)
        assert max(bottom - top, right - left) in (20, 21, 22)  # longer side 20 px, as preprocessed
        mass = sample / sample.sum()
        rows, cols = np.indices(sample.shape)
        assert abs((rows * mass).sum() - 13.5) < 0.75 and abs((cols * mass).sum() - 13.5) < 0.75  # centred


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_drawn_digit_is_pen_strokes_inside_the_canvas(samples, seed):
    images, _ = samples
    (lines,) = stroke_synth.digit_strokes(images[seed * 7 : seed * 7 + 1])
    drawing = stroke_synth.drawn_digit_drawing(lines, np.random.default_rng(seed))
    assert drawing.size == (280, 280) and len(drawing.strokes) == len(lines)
    points = np.concatenate([s.points for s in drawing.strokes])
    assert all(s.tool == "pen" and s.width == 18.0 for s in drawing.strokes)
    assert (points[:, 3] == 1.0).all()  # mouse pressure
    assert (np.diff(points[:, 2]) > 0).all()  # time runs on through the strokes
    assert (points[:, :2] >= 9).all() and (points[:, :2] <= 280 - 9).all()  # the brush stays on the canvas
    longer = (points[:, :2].max(0) - points[:, :2].min(0)).max() + 18
    assert 0.40 * 280 - 1 <= longer <= 0.85 * 280 + 1
