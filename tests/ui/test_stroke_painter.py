"""One renderer: what the canvas drew live replays from a drawing file to the same pixels."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QPointingDevice

from mnistviz.drawing import Drawing, DrawnStroke, read_drawing, write_drawing
from mnistviz.ui.canvas import CANVAS_SIZE, Canvas
from mnistviz.ui.stroke_painter import render_drawing, width_for_pressure
from pointer import RIGHT, line, make_device, mouse_stroke, tablet_stroke


@pytest.fixture
def canvas(qtbot):
    widget = Canvas()
    qtbot.addWidget(widget)
    widget.resize(413, 377)  # not 280: image coordinates are fractions, as on a real screen
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def wobbly(start, end, steps, seed):
    rng = np.random.default_rng(seed)
    return [(x + rng.uniform(-3, 3), y + rng.uniform(-3, 3)) for x, y in line(start, end, steps)]


def replayed(drawing: Drawing, tmp_path) -> np.ndarray:
    path = tmp_path / "drawing.json"
    write_drawing(drawing, path)
    return render_drawing(read_drawing(path))


def test_mouse_tablet_and_eraser_strokes_replay_pixel_identical(canvas, tmp_path):
    pen = make_device(QPointingDevice.PointerType.Pen, 7101)
    mouse_stroke(canvas, wobbly((120, 60), (260, 80), 40, 1))
    mouse_stroke(canvas, wobbly((260, 80), (150, 330), 7, 2))  # fast: few, far-apart points
    tablet_stroke(canvas, pen, wobbly((110, 200), (300, 210), 30, 3), pressure=0.35)
    mouse_stroke(canvas, wobbly((200, 190), (220, 260), 12, 4), button=RIGHT)  # the right button erases
    mouse_stroke(canvas, [(50, 50)])  # a click: one dot
    canvas.set_brush_size(31)
    mouse_stroke(canvas, wobbly((300, 300), (390, 360), 15, 5))  # runs off the image's edge
    drawing = canvas.drawing()
    assert [s.tool for s in drawing.strokes] == ["pen", "pen", "pen", "eraser", "pen", "pen"]
    assert drawing.strokes[-1].width == 31
    assert np.allclose(drawing.strokes[2].points[:-1, 3], 0.35)
    times = np.concatenate([s.points[:, 2] for s in drawing.strokes])
    assert (np.diff(times) >= 0).all()
    live = canvas.image_array()
    assert live.max() == 255
    assert np.array_equal(replayed(drawing, tmp_path), live)


def test_undo_drops_the_stroke_from_the_drawing_and_redo_brings_it_back(canvas, tmp_path):
    mouse_stroke(canvas, wobbly((100, 100), (300, 100), 20, 6))
    one = canvas.image_array()
    mouse_stroke(canvas, wobbly((100, 200), (300, 200), 20, 7))
    canvas.undo()
    assert len(canvas.drawing().strokes) == 1
    assert np.array_equal(replayed(canvas.drawing(), tmp_path), one)
    canvas.redo()
    assert len(canvas.drawing().strokes) == 2
    assert np.array_equal(replayed(canvas.drawing(), tmp_path), canvas.image_array())
    canvas.undo()
    mouse_stroke(canvas, wobbly((100, 300), (300, 300), 20, 8))  # a new branch after undo
    strokes = canvas.drawing().strokes
    assert len(strokes) == 2 and strokes[1].points[0, 2] >= strokes[0].points[-1, 2]
    assert np.array_equal(replayed(canvas.drawing(), tmp_path), canvas.image_array())


def test_set_drawing_shows_exactly_the_file_and_is_undoable(canvas, qtbot, tmp_path):
    mouse_stroke(canvas, wobbly((80, 80), (300, 300), 25, 9))
    saved = canvas.drawing()
    saved_pixels = canvas.image_array()
    canvas.clear()
    assert canvas.drawing() == Drawing()
    with qtbot.waitSignal(canvas.strokeChanged):
        canvas.set_drawing(saved)
    assert np.array_equal(canvas.image_array(), saved_pixels)
    mouse_stroke(canvas, wobbly((300, 80), (80, 300), 25, 10))  # drawing on continues the file
    assert len(canvas.drawing().strokes) == 2
    assert np.array_equal(replayed(canvas.drawing(), tmp_path), canvas.image_array())
    canvas.undo()
    canvas.undo()
    assert not canvas.image_array().any() and canvas.drawing() == Drawing()


def test_pixels_from_a_file_or_sample_are_not_a_drawing_until_cleared(canvas):
    canvas.show_sample(3)
    assert canvas.drawing() is None
    mouse_stroke(canvas, wobbly((100, 100), (200, 100), 10, 11))
    assert canvas.drawing() is None  # strokes on top of a sample cannot replay without it
    canvas.clear()
    mouse_stroke(canvas, wobbly((100, 100), (200, 100), 10, 12))
    assert len(canvas.drawing().strokes) == 1
    canvas.undo()
    canvas.undo()  # back to the sample
    assert canvas.drawing() is None


def test_renderer_needs_no_window_and_matches_a_hand_computed_dot():
    dot = Drawing(strokes=(DrawnStroke("pen", 20.0, np.array([[140.0, 140.0, 0.0, 1.0]])),))
    image = render_drawing(dot)
    assert image.shape == (CANVAS_SIZE, CANVAS_SIZE) and image.dtype == np.uint8
    ys, xs = np.nonzero(image >= 128)
    assert abs(xs.mean() - 140) < 0.6 and abs(ys.mean() - 140) < 0.6
    assert 300 < (image >= 128).sum() < 330  # pi * 10^2 = 314 pixels


def test_pressure_maps_to_width_as_the_canvas_draws():
    assert width_for_pressure(18, 1.0) == 18
    assert width_for_pressure(18, 0.0) == pytest.approx(4.5)
    assert width_for_pressure(18, 0.5) == pytest.approx(11.25)
