"""Input pixels back onto the canvas: the outline must sit on the strokes it describes."""

from __future__ import annotations

import numpy as np

from mnistviz.input_geometry import input_rect_on_canvas
from mnistviz.preprocess import preprocess_steps


def canvas_with_block(top, left, bottom, right):
    canvas = np.zeros((280, 280), np.uint8)
    canvas[top:bottom, left:right] = 255
    return canvas


def ink_rect(image, level):
    rows, cols = np.flatnonzero((image > level).any(1)), np.flatnonzero((image > level).any(0))
    return rows[0], cols[0], rows[-1], cols[-1]


def test_the_inputs_ink_maps_back_onto_the_canvas_ink_when_centred():
    canvas = canvas_with_block(40, 150, 200, 230)  # tall block off to the right, 160 x 80
    steps = preprocess_steps(canvas, centre=True)
    top, left, bottom, right = input_rect_on_canvas(ink_rect(steps.input_28, 0.99), canvas, steps)
    # The fully inked input pixels lie inside the block, within one input pixel (8 canvas px) of its edges.
    assert 40 <= top <= 48 and 150 <= left <= 158 and 192 <= bottom <= 200 and 222 <= right <= 230


def test_a_pixel_maps_to_a_block_of_the_canvas_scaled_by_the_fit():
    canvas = canvas_with_block(40, 150, 200, 230)
    steps = preprocess_steps(canvas, centre=True)
    top, left, bottom, right = input_rect_on_canvas((10, 10, 10, 10), canvas, steps)
    assert np.isclose(bottom - top, 160 / 20) and np.isclose(right - left, 80 / steps.fitted.shape[1])


def test_without_centring_the_input_is_the_canvas_shrunk_ten_times():
    canvas = canvas_with_block(40, 150, 200, 230)
    steps = preprocess_steps(canvas, centre=False)
    assert input_rect_on_canvas((2, 3, 4, 5), canvas, steps) == (20.0, 30.0, 50.0, 60.0)


def test_an_empty_canvas_has_nowhere_to_outline():
    canvas = canvas_with_block(40, 150, 200, 230)
    steps = preprocess_steps(canvas, centre=True)
    assert input_rect_on_canvas((0, 0, 2, 2), np.zeros_like(canvas), steps) is None
