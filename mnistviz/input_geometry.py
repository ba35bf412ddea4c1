"""Where a block of the network's 28x28 input lies on the drawing canvas. Numpy only.

The input is not the canvas shrunk: preprocessing crops the ink, scales it so its longer
side is 20 px and shifts its centre of mass to the middle (`mnistviz.preprocess`). A
receptive field (in input pixels) outlined on the canvas must undo those steps, or the
outline would sit beside the strokes it talks about.
"""

from __future__ import annotations

import numpy as np

from mnistviz.preprocess import FIELD_SIZE, Steps, centre_of_mass, ink_box


def input_rect_on_canvas(rect: tuple[int, int, int, int], canvas: np.ndarray,
                         steps: Steps) -> tuple[float, float, float, float] | None:
    """`rect` = (top, left, bottom, right) inclusive input pixels -> (top, left, bottom,
    right) pixel edges on `canvas` (floats, may reach past it); None without ink."""
    top, left, bottom, right = rect
    edges_y, edges_x = (top, bottom + 1), (left, right + 1)
    if not steps.centred:  # the whole canvas shrunk to 28x28
        sy, sx = canvas.shape[0] / FIELD_SIZE, canvas.shape[1] / FIELD_SIZE
        return (edges_y[0] * sy, edges_x[0] * sx, edges_y[1] * sy, edges_x[1] * sx)
    box = ink_box(canvas)
    if box is None:
        return None
    box_top, box_left, box_bottom, box_right = box
    fitted_h, fitted_w = steps.fitted.shape
    cy, cx = centre_of_mass(steps.fitted)
    dy, dx = (FIELD_SIZE - 1) / 2 - cy, (FIELD_SIZE - 1) / 2 - cx  # as paste_by_centre_of_mass
    sy, sx = (box_bottom - box_top) / fitted_h, (box_right - box_left) / fitted_w
    return (box_top + (edges_y[0] - dy) * sy, box_left + (edges_x[0] - dx) * sx,
            box_top + (edges_y[1] - dy) * sy, box_left + (edges_x[1] - dx) * sx)
