"""Canvas: real pointer events in, pixels out."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt
from PySide6.QtGui import QDragEnterEvent, QPointingDevice
from PySide6.QtWidgets import QApplication

from mnistviz.preprocess import ImageInputError, fit_into, preprocess
from mnistviz.ui.canvas import BRUSH_MAX, BRUSH_MIN, CANVAS_SIZE, DEFAULT_BRUSH, Canvas
from pointer import LEFT, NO_BUTTON, RIGHT, drop_files, line, make_device, mouse_stroke, send_mouse, send_tablet, tablet_stroke

INKED = 200  # a pixel this bright is clearly inside a stroke


# ----- helpers ---------------------------------------------------------------------


def ink_thickness(image: np.ndarray, column: int) -> int:
    """How many pixels of this column are inked: the width of a horizontal stroke."""
    return int((image[:, column] >= 128).sum())


def small_and_large_canvases(digit_28: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same digit drawn small in the top-left corner and large in the middle.

    For the lead's model test: with centring on, both should get the same prediction.
    """
    small = np.zeros((CANVAS_SIZE, CANVAS_SIZE), np.uint8)
    small[10:110, 10:110] = fit_into(digit_28, 100, margin=0)
    large = fit_into(digit_28, CANVAS_SIZE, margin=0)
    return small, large


@pytest.fixture
def canvas(qtbot):
    widget = Canvas()
    qtbot.addWidget(widget)
    widget.resize(CANVAS_SIZE, CANVAS_SIZE)  # one widget pixel per image pixel
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def stylus():
    return make_device(QPointingDevice.PointerType.Pen, 9001)


@pytest.fixture
def stylus_eraser():
    return make_device(QPointingDevice.PointerType.Eraser, 9002)


class Recorder:
    """Counts a signal's emissions and keeps the canvas image at each one."""

    def __init__(self, canvas: Canvas, signal):
        self.images: list[np.ndarray] = []
        signal.connect(lambda *args: self.images.append(canvas.image_array()))

    @property
    def count(self) -> int:
        return len(self.images)


# ----- the image ---------------------------------------------------------------------


def test_new_canvas_is_black_280_square_and_has_no_history(canvas):
    image = canvas.image_array()
    assert image.shape == (CANVAS_SIZE, CANVAS_SIZE) and image.dtype == np.uint8
    assert not image.any()
    assert canvas.is_empty() and not canvas.can_undo() and not canvas.can_redo()
    assert canvas.brush_size == DEFAULT_BRUSH


def test_image_array_is_a_copy(canvas):
    canvas.image_array()[:] = 255
    assert not canvas.image_array().any()


def test_set_image_array_rejects_wrong_shape_or_type(canvas):
    with pytest.raises(ValueError, match="280"):
        canvas.set_image_array(np.zeros((28, 28), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        canvas.set_image_array(np.zeros((CANVAS_SIZE, CANVAS_SIZE), np.float32))


# ----- mouse drawing -----------------------------------------------------------------


def test_left_drag_inks_the_path_and_nothing_far_from_it(canvas):
    mouse_stroke(canvas, line((40, 140), (240, 140)))
    image = canvas.image_array()
    assert (image[140, 40:241] >= INKED).all()
    half = DEFAULT_BRUSH // 2
    assert not image[: 140 - half - 3].any() and not image[140 + half + 4 :].any()
    assert not image[:, : 40 - half - 3].any() and not image[:, 240 + half + 4 :].any()
    assert abs(ink_thickness(image, 140) - DEFAULT_BRUSH) <= 2


def test_single_click_leaves_a_round_dot(canvas):
    mouse_stroke(canvas, [(100, 100)])
    image = canvas.image_array()
    assert image[100, 100] >= INKED
    assert abs(ink_thickness(image, 100) - DEFAULT_BRUSH) <= 2
    assert abs(int((image[100] >= 128).sum()) - DEFAULT_BRUSH) <= 2  # as wide as high
    reach = DEFAULT_BRUSH // 2 + 2
    outside = image.copy()
    outside[100 - reach : 100 + reach + 1, 100 - reach : 100 + reach + 1] = 0
    assert not outside.any()


def test_corners_are_smoothed_through_midpoints(canvas):
    # Three points, a sharp apex at (140, 40): the smoothed stroke turns at y = 90
    # (the quadratic through the segment midpoints), so the apex itself stays empty.
    mouse_stroke(canvas, [(40, 240), (140, 40), (240, 240)])
    image = canvas.image_array()
    assert image[90, 140] >= INKED
    assert image[90 - DEFAULT_BRUSH, 140] == 0
    assert image[40, 140] == 0
    assert image[140, 90] >= INKED and image[140, 190] >= INKED  # the segment midpoints


def test_hover_without_a_button_draws_nothing(canvas):
    for point in line((20, 20), (260, 260)):
        send_mouse(canvas, QEvent.Type.MouseMove, point)
    assert canvas.is_empty()


def test_right_button_erases(canvas):
    mouse_stroke(canvas, line((40, 140), (240, 140)))
    mouse_stroke(canvas, line((140, 60), (140, 220)), button=RIGHT)
    image = canvas.image_array()
    assert (image[120:161, 140] == 0).all()
    assert image[140, 60] >= INKED and image[140, 220] >= INKED


def test_eraser_tool_makes_the_left_button_erase(canvas, qtbot):
    mouse_stroke(canvas, line((40, 140), (240, 140)))
    with qtbot.waitSignal(canvas.toolChanged) as blocker:
        canvas.set_eraser(True)
    assert blocker.args == [True] and canvas.eraser
    mouse_stroke(canvas, line((140, 60), (140, 220)))
    assert canvas.image_array()[140, 140] == 0
    assert canvas.image_array()[140, 60] >= INKED


def test_brush_size_is_clamped_and_announced_once_per_change(canvas):
    sizes = []
    canvas.brushSizeChanged.connect(sizes.append)
    canvas.set_brush_size(1000)
    canvas.set_brush_size(1000)
    canvas.set_brush_size(0)
    assert sizes == [BRUSH_MAX, BRUSH_MIN]
    assert canvas.brush_size == BRUSH_MIN


def test_larger_brush_draws_a_wider_stroke(canvas):
    canvas.set_brush_size(8)
    mouse_stroke(canvas, line((40, 70), (240, 70)))
    canvas.set_brush_size(30)
    mouse_stroke(canvas, line((40, 200), (240, 200)))
    image = canvas.image_array()
    assert abs(ink_thickness(image[:140], 140) - 8) <= 2
    assert abs(ink_thickness(image[140:], 140) - 30) <= 2


def test_pointer_maps_to_image_on_a_larger_widget(canvas):
    # Shown twice as large: widget (200, 200) is image (100, 100).
    canvas.resize(2 * CANVAS_SIZE, 2 * CANVAS_SIZE)
    mouse_stroke(canvas, [(200, 200)])
    image = canvas.image_array()
    assert image[100, 100] >= INKED
    assert image[200, 200] == 0


# ----- undo / redo / clear -------------------------------------------------------------


def test_undo_and_redo_restore_exact_images(canvas):
    states = []
    canvas.undoStateChanged.connect(lambda can_undo, can_redo: states.append((can_undo, can_redo)))
    mouse_stroke(canvas, line((40, 70), (240, 70)))
    after_first = canvas.image_array()
    mouse_stroke(canvas, line((40, 200), (240, 120)))
    after_second = canvas.image_array()

    canvas.undo()
    assert np.array_equal(canvas.image_array(), after_first)
    canvas.undo()
    assert not canvas.image_array().any()
    assert not canvas.can_undo() and canvas.can_redo()
    canvas.redo()
    assert np.array_equal(canvas.image_array(), after_first)
    canvas.redo()
    assert np.array_equal(canvas.image_array(), after_second)
    assert not canvas.can_redo()
    assert states[-1] == (True, False)


def test_a_new_stroke_after_undo_drops_the_redo_history(canvas):
    mouse_stroke(canvas, line((40, 70), (240, 70)))
    canvas.undo()
    mouse_stroke(canvas, [(100, 100)])
    assert not canvas.can_redo()


def test_undo_keeps_at_least_100_strokes(canvas):
    history = []
    for i in range(120):
        history.append(canvas.image_array())
        mouse_stroke(canvas, [(20 + (i % 12) * 20, 20 + (i // 12) * 24)])
    for _ in range(100):
        canvas.undo()
    assert np.array_equal(canvas.image_array(), history[20])


def test_stroke_that_changes_nothing_adds_no_undo_step(canvas):
    mouse_stroke(canvas, line((40, 70), (240, 70)), button=RIGHT)  # erasing an empty canvas
    assert not canvas.can_undo()


def test_clear_empties_and_is_undoable(canvas):
    mouse_stroke(canvas, line((40, 70), (240, 70)))
    drawn = canvas.image_array()
    changes = Recorder(canvas, canvas.strokeChanged)
    canvas.clear()
    assert canvas.is_empty() and not canvas.image_array().any()
    assert changes.count == 1  # the app re-infers (and shows the empty state)
    canvas.undo()
    assert np.array_equal(canvas.image_array(), drawn)
    assert changes.count == 2


def test_clearing_an_empty_canvas_adds_no_undo_step(canvas):
    canvas.clear()
    assert not canvas.can_undo()


def test_set_image_array_is_undoable_and_announced(canvas):
    content = np.zeros((CANVAS_SIZE, CANVAS_SIZE), np.uint8)
    content[100:180, 120:160] = 255
    changes = Recorder(canvas, canvas.strokeChanged)
    canvas.set_image_array(content)
    assert np.array_equal(canvas.image_array(), content)
    assert changes.count == 1 and np.array_equal(changes.images[0], content)
    canvas.undo()
    assert not canvas.image_array().any()


# ----- change signals -------------------------------------------------------------------


def test_every_painted_move_is_reported_at_once_with_the_image_as_it_is_then(canvas):
    # No throttle: the worker keeps only the newest request, so a move is never held back.
    changes = Recorder(canvas, canvas.strokeChanged)
    finished = Recorder(canvas, canvas.strokeFinished)
    points = line((40, 140), (240, 140), steps=40)
    send_mouse(canvas, QEvent.Type.MouseButtonPress, points[0], LEFT, LEFT)
    assert changes.count == 1  # the first dab
    for number, point in enumerate(points[1:], start=2):
        send_mouse(canvas, QEvent.Type.MouseMove, point, NO_BUTTON, LEFT)
        assert changes.count == number  # reported before the next event, no event loop needed
        x, y = (int(round(v)) for v in point)
        assert changes.images[-1][y, x] >= INKED  # the move's own ink is in the reported image
    send_mouse(canvas, QEvent.Type.MouseMove, points[-1], NO_BUTTON, LEFT)
    assert changes.count == len(points)  # an unmoved pointer paints nothing: nothing to report
    send_mouse(canvas, QEvent.Type.MouseButtonRelease, points[-1], LEFT, NO_BUTTON)
    assert np.array_equal(changes.images[-1], canvas.image_array())
    assert finished.count == 1 and np.array_equal(finished.images[0], canvas.image_array())


# ----- screen-only overlay -------------------------------------------------------------------


def test_grid_is_drawn_on_screen_but_never_in_the_image(canvas):
    canvas.set_grid_visible(True)
    mouse_stroke(canvas, [(140, 140)])
    on_screen = canvas.grab().toImage()
    # Column 70 is a strong grid line (every 7th of 28 cells, 10 px each); (75, 35) lies between lines.
    assert on_screen.pixelColor(70, 35).lightness() > 0
    assert on_screen.pixelColor(75, 35).lightness() == 0  # between lines stays black
    image = canvas.image_array()
    assert not image[:, 70][:100].any()
    canvas.set_grid_visible(False)
    assert canvas.grab().toImage().pixelColor(70, 35).lightness() == 0


# ----- tablet -------------------------------------------------------------------------------


def test_tablet_events_are_accepted_so_qt_synthesizes_no_mouse_events(canvas, stylus):
    for kind in (QEvent.Type.TabletPress, QEvent.Type.TabletMove, QEvent.Type.TabletRelease):
        assert send_tablet(canvas, stylus, kind, (100, 100), 0.5).isAccepted()


def test_light_pressure_draws_thinner_than_firm(canvas, stylus):
    tablet_stroke(canvas, stylus, line((40, 70), (240, 70)), pressure=0.1)
    tablet_stroke(canvas, stylus, line((40, 200), (240, 200)), pressure=1.0)
    image = canvas.image_array()
    light, firm = ink_thickness(image[:140], 140), ink_thickness(image[140:], 140)
    assert 0 < light < firm / 2
    assert abs(firm - DEFAULT_BRUSH) <= 2
    assert canvas.can_undo()


def test_tablet_eraser_end_erases(canvas, stylus_eraser):
    mouse_stroke(canvas, line((40, 140), (240, 140)))
    tablet_stroke(canvas, stylus_eraser, line((140, 60), (140, 220)), pressure=1.0)
    image = canvas.image_array()
    assert image[140, 140] == 0
    assert image[140, 60] >= INKED


def test_mouse_is_ignored_during_a_tablet_stroke(canvas, stylus):
    send_tablet(canvas, stylus, QEvent.Type.TabletPress, (40, 50), 1.0)
    mouse_stroke(canvas, line((40, 200), (240, 200)))
    send_tablet(canvas, stylus, QEvent.Type.TabletMove, (240, 50), 1.0)
    send_tablet(canvas, stylus, QEvent.Type.TabletRelease, (240, 50), 1.0)
    image = canvas.image_array()
    assert not image[150:].any()  # the mouse stroke left nothing
    assert image[50, 140] >= INKED  # the tablet stroke is intact
    mouse_stroke(canvas, line((40, 200), (240, 200)))  # once the pen lifts, the mouse draws again
    assert canvas.image_array()[200, 140] >= INKED


# ----- files, drops and samples ------------------------------------------------------------------


def test_dropped_dark_on_white_png_arrives_inverted(canvas, tmp_path):
    paper = np.full((100, 100), 255, np.uint8)
    paper[20:40, 30:70] = 0  # a dark bar
    path = tmp_path / "bar.png"
    Image.fromarray(paper).save(path)
    failures = []
    canvas.loadFailed.connect(failures.append)
    enter, drop = drop_files(canvas, [path])
    assert enter.isAccepted()
    assert not failures
    image = canvas.image_array()
    # Scaled 2.8x to fill the canvas: the bar covers rows 56-112, columns 84-196.
    assert (image[60:108, 90:190] >= INKED).all()
    assert not image[:50].any() and not image[120:].any()
    assert canvas.can_undo()


def test_dropped_corrupt_file_leaves_canvas_unchanged_and_reports(canvas, tmp_path):
    mouse_stroke(canvas, line((40, 140), (240, 140)))
    before = canvas.image_array()
    path = tmp_path / "broken.png"
    path.write_bytes(b"this is not a png")
    failures = []
    canvas.loadFailed.connect(failures.append)
    drop_files(canvas, [path])
    assert len(failures) == 1 and "broken.png" in failures[0]
    assert np.array_equal(canvas.image_array(), before)
    assert QApplication.activeModalWidget() is None  # no dialog from inside the canvas
    canvas.undo()  # the only undo step is the stroke
    assert canvas.is_empty()


def test_drag_without_files_is_not_accepted(canvas):
    mime = QMimeData()
    mime.setText("seven")
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, NO_BUTTON, Qt.KeyboardModifier.NoModifier)
    enter.setAccepted(False)
    QApplication.sendEvent(canvas, enter)
    assert not enter.isAccepted()


def test_loading_a_blank_image_is_refused_with_a_clear_message(canvas, tmp_path):
    path = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(path)
    with pytest.raises(ImageInputError, match="blank.png.*no ink"):
        canvas.load_image_file(path)
    assert canvas.is_empty() and not canvas.can_undo()


def test_loading_a_missing_file_raises_and_changes_nothing(canvas, tmp_path):
    with pytest.raises(ImageInputError):
        canvas.load_image_file(tmp_path / "nowhere.png")
    assert canvas.is_empty()


def test_show_sample_upscales_a_bundled_digit_and_cycles(canvas, samples):
    images, labels = samples
    threes = images[labels == 3]
    changes = Recorder(canvas, canvas.strokeChanged)
    shown = []
    for _ in range(len(threes) + 1):
        canvas.show_sample(3)
        shown.append(canvas.image_array())
    assert changes.count == len(shown)
    # 10x10 blocks of the canvas average back to the 28x28 sample (the whole field, upscaled).
    first_as_28 = shown[0].reshape(28, 10, 28, 10).mean(axis=(1, 3)) / 255
    assert np.abs(first_as_28 - threes[0] / 255).mean() < 0.05
    assert not np.array_equal(shown[0], shown[1])
    assert np.array_equal(shown[len(threes)], shown[0])  # back to the first after all ten


# ----- why centring matters -------------------------------------------------------------------------


def test_centring_makes_a_small_corner_digit_look_like_a_large_centred_one(canvas, samples):
    images, labels = samples
    small, large = small_and_large_canvases(images[labels == 5][0])
    seen = {}
    for name, content in (("small", small), ("large", large)):
        canvas.set_image_array(content)  # through the canvas, as a drawing would arrive
        seen[name] = (preprocess(canvas.image_array(), centre=True), preprocess(canvas.image_array(), centre=False))
    centred_diff = np.abs(seen["small"][0] - seen["large"][0]).mean()
    uncentred_diff = np.abs(seen["small"][1] - seen["large"][1]).mean()
    assert centred_diff < 0.02
    assert uncentred_diff > 5 * centred_diff  # without centring the network sees two different images


@pytest.fixture(scope="module")
def readout_model():
    from mnistviz.model import load_model
    from mnistviz.resources import bundled_model

    return load_model(bundled_model("readout"))


@pytest.mark.parametrize("digit", [1, 3, 4, 7, 9])
def test_small_corner_digit_gets_the_same_prediction_as_large_centred(canvas, samples, readout_model, digit):
    from mnistviz.pipeline import analyse

    images, labels = samples
    small, large = small_and_large_canvases(images[np.flatnonzero(labels == digit)[0]])
    predictions = {}
    for name, array in (("small", small), ("large", large)):
        canvas.set_image_array(array)  # through the canvas, as the window sends it
        predictions[name] = analyse(canvas.image_array(), readout_model, centre=True).prediction
    assert predictions == {"small": digit, "large": digit}
