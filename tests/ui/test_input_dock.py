"""InputDock: shows the Result's 28x28 input crisply, its preprocessing steps, and the centring switch."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mnistviz.preprocess import FIELD_SIZE, fit_into, preprocess_steps
from mnistviz.result import Result
from mnistviz.ui.input_dock import PLACEHOLDER, InputDock


def result_for(canvas: np.ndarray, centre: bool = True, with_steps: bool = True) -> Result:
    steps = preprocess_steps(canvas, centre)
    return Result(
        probabilities=np.full(10, 0.1, np.float32),
        logits=np.zeros(10, np.float32),
        stages={},
        input_28=steps.input_28,
        steps=steps if with_steps else None,
    )


@pytest.fixture
def digit_canvas(samples) -> np.ndarray:
    images, labels = samples
    canvas = np.zeros((280, 280), np.uint8)
    canvas[20:140, 30:150] = fit_into(images[labels == 7][0], 120, margin=0)  # off-centre on purpose
    return canvas


@pytest.fixture
def dock(qtbot):
    widget = InputDock()
    qtbot.addWidget(widget)
    widget.resize(320, 420)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_dock_identity(dock):
    assert dock.objectName() == "inputDock"  # saveState/restoreState find it by this name
    assert dock.windowTitle() == "Input (what the network sees)"


def test_empty_state_invites_drawing(dock, digit_canvas):
    dock.show_result(result_for(digit_canvas))
    dock.show_result(None)
    assert not dock.input_view.has_image()
    assert dock.input_view.placeholder == PLACEHOLDER == "Draw a digit"
    assert dock.pages.currentWidget() is dock.input_view


def test_shows_the_network_input_exactly(dock, digit_canvas):
    result = result_for(digit_canvas)
    dock.show_result(result)
    assert np.array_equal(dock.input_view.shown_array(), (result.input_28 * 255).round().astype(np.uint8))


def test_input_pixels_are_crisp_squares(dock, qtbot):
    # Left half black, right half white: a crisp upscale has no grey in between.
    halves = np.zeros((FIELD_SIZE, FIELD_SIZE), np.float32)
    halves[:, FIELD_SIZE // 2 :] = 1.0
    dock.show_result(Result(np.zeros(10), np.zeros(10), {}, halves))
    view = dock.input_view
    rect = view.image_rect()
    assert rect.width() == rect.height() and rect.width() >= 4 * FIELD_SIZE  # large
    assert rect.width() % FIELD_SIZE == 0  # a whole number of screen pixels per input pixel
    shot = view.grab().toImage()
    row = int(rect.center().y())
    inside = range(int(rect.left()) + 2, int(rect.right()) - 2)
    levels = {shot.pixelColor(x, row).lightness() for x in inside}
    assert levels == {0, 255}


def test_steps_view_shows_crop_fit_shift_and_input(dock, digit_canvas):
    result = result_for(digit_canvas)
    dock.show_result(result)
    dock.steps_box.setChecked(True)
    assert dock.pages.currentIndex() == 1
    steps = result.steps
    assert dock.crop_step.view.shown_array().shape == steps.cropped.shape
    assert dock.fit_step.view.shown_array().shape == steps.fitted.shape
    assert max(steps.fitted.shape) == 20
    assert dock.shift_step.view.shown_array().shape == (FIELD_SIZE, FIELD_SIZE)
    assert np.array_equal(dock.final_step.view.shown_array(), dock_levels(steps.input_28))
    # Step 3 marks the centre of mass away from the target; step 4 has it on the target.
    (mass_before, target), (mass_after, _) = dock.shift_step.view.marks(), dock.final_step.view.marks()
    assert target == (13.5, 13.5)
    assert np.allclose(mass_after, target, atol=0.1)
    assert not np.allclose(mass_before, target, atol=0.1)


def dock_levels(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


def test_steps_with_centring_off_say_what_was_skipped(dock, digit_canvas):
    result = result_for(digit_canvas, centre=False)
    dock.steps_box.setChecked(True)
    dock.show_result(result)
    assert not dock.fit_step.view.has_image() and "skipped" in dock.fit_step.caption.text().lower()
    assert not dock.shift_step.view.has_image() and "skipped" in dock.shift_step.caption.text().lower()
    assert np.array_equal(dock.final_step.view.shown_array(), dock_levels(result.input_28))
    assert "no centring" in dock.caption.text()


def test_steps_view_copes_with_a_result_without_steps(dock, digit_canvas):
    dock.steps_box.setChecked(True)
    dock.show_result(result_for(digit_canvas, with_steps=False))
    assert dock.pages.currentWidget() is dock.input_view and dock.input_view.has_image()
    assert "not available" in dock.caption.text()


def test_hiding_steps_returns_to_the_input(dock, digit_canvas):
    dock.steps_box.setChecked(True)
    dock.show_result(result_for(digit_canvas))
    dock.steps_box.setChecked(False)
    assert dock.pages.currentWidget() is dock.input_view and dock.input_view.has_image()


def test_centring_checkbox_emits_and_set_centring_does_not(dock, qtbot):
    assert dock.centring()
    with qtbot.waitSignal(dock.centringToggled) as blocker:
        qtbot.mouseClick(dock.centre_box, Qt.MouseButton.LeftButton)
    assert blocker.args == [False] and not dock.centring()
    with qtbot.assertNotEmitted(dock.centringToggled):
        dock.set_centring(True)
    assert dock.centring()


def test_set_showing_steps_restores_the_choice_before_any_result(dock, digit_canvas):
    dock.set_showing_steps(True)  # as the window does from its settings, before a drawing exists
    assert dock.showing_steps() and dock.steps_box.isChecked()
    dock.show_result(result_for(digit_canvas))
    assert dock.pages.currentIndex() == 1 and dock.final_step.view.has_image()
    dock.set_showing_steps(False)
    assert dock.pages.currentWidget() is dock.input_view and not dock.steps_box.isChecked()


# ----- a digit opened from a photo -----------------------------------------------------------


@pytest.fixture
def opened_photo(samples, tmp_path):
    from PIL import Image

    from mnistviz.ui.image_open_job import read_photo

    images, labels = samples
    sheet = np.full((300, 400), 190, np.uint8)
    sheet[60:240, 120:300] = 190 - (np.asarray(Image.fromarray(images[labels == 4][0]).resize((180, 180))) * 0.7)
    Image.fromarray(sheet).save(tmp_path / "sheet.png")
    return read_photo(tmp_path / "sheet.png")


def test_photo_steps_come_first_then_the_mnist_steps(dock, opened_photo):
    dock.steps_box.setChecked(True)
    dock.set_photo(opened_photo)
    dock.show_result(result_for(opened_photo.steps.ink))
    view = dock.steps_view
    assert view.showing_photo() and not view.photo_row.isHidden()
    captions = [step.caption.text() for step in view.photo_steps()]
    assert captions == ["1 · Photo", "2 · Paper removed", "3 · Digit kept"]
    assert dock.crop_step.caption.text() == "4 · Crop" and dock.final_step.caption.text() == "7 · 28×28"
    extraction = opened_photo.steps
    assert np.array_equal(view.photo_step.view.shown_array(), dock_levels(extraction.grey))
    assert np.array_equal(view.paper_step.view.shown_array(), dock_levels(extraction.paper_removed))
    assert view.paper_step.view.box() == extraction.digit_box
    assert np.array_equal(view.ink_step.view.shown_array(), extraction.ink)
    assert dock.caption.text().startswith("From sheet.png: ")
    # Under the photo's row the four MNIST steps share one row.
    rows = {view._grid.getItemPosition(view._grid.indexOf(step))[0] for step in view.mnist_steps()}
    assert rows == {0}


def test_photo_steps_go_when_the_result_is_not_the_photos(dock, opened_photo, digit_canvas):
    dock.steps_box.setChecked(True)
    dock.set_photo(opened_photo)
    dock.show_result(result_for(opened_photo.steps.ink))
    dock.set_photo(None)  # the window's answer for a canvas drawn over
    dock.show_result(result_for(digit_canvas))
    view = dock.steps_view
    assert not view.showing_photo() and view.photo_row.isHidden() and not view.photo_step.view.has_image()
    assert dock.crop_step.caption.text() == "1 · Crop" and not dock.caption.text().startswith("From")
    dock.set_photo(opened_photo)
    dock.show_result(None)  # cleared: an empty canvas has no photo either
    assert dock.photo() is None


def test_drawn_steps_take_the_larger_of_a_row_and_two_by_two(dock, digit_canvas, qtbot):
    dock.steps_box.setChecked(True)
    dock.show_result(result_for(digit_canvas))
    view = dock.steps_view

    def rows() -> set[int]:
        return {view._grid.getItemPosition(view._grid.indexOf(step))[0] for step in view.mnist_steps()}

    dock.resize(320, 520)  # tall: two by two
    qtbot.waitUntil(lambda: rows() == {0, 1})
    dock.resize(900, 260)  # wide and short, as docked under the canvas: one row
    qtbot.waitUntil(lambda: rows() == {0})
    settle()
    in_a_row = dock.final_step.view.image_rect().height()
    view._arrange(in_a_row=False)  # the other choice, at the same size, for comparison
    settle()
    assert rows() == {0, 1} and dock.final_step.view.image_rect().height() < in_a_row


def settle() -> None:
    """Let posted layout requests run, so widgets have their new sizes."""
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()


def test_step_captions_stay_on_one_line_and_shorten_when_narrow(dock, opened_photo, qtbot):
    dock.steps_box.setChecked(True)
    dock.set_photo(opened_photo)
    dock.show_result(result_for(opened_photo.steps.ink))
    caption = dock.fit_step.caption
    dock.resize(900, 300)
    settle()
    assert caption.shown_text() == caption.text() == "5 · Scale"
    big = caption.font()
    big.setPointSizeF(big.pointSizeF() * 3)
    dock.steps_view.setFont(big)
    dock.resize(200, 300)  # very large type on a small screen: no room for the words
    settle()
    assert caption.text() == "5 · Scale"  # whole for tests and screen readers...
    assert caption.shown_text().endswith("…") and len(caption.shown_text()) < len(caption.text())
    assert caption.height() <= caption.fontMetrics().height() + 4  # ...and shown on one line


@pytest.mark.parametrize("presentation", [False, True])
def test_four_step_captions_fit_side_by_side_in_a_narrow_dock(qtbot, digit_canvas, presentation):
    """The Input dock beside the canvas at 1280x800 is about 480 px wide; the captions must be
    read whole from the back of the room, in presentation type too."""
    from PySide6.QtWidgets import QApplication

    dock = InputDock()
    qtbot.addWidget(dock)
    if presentation:
        big = QApplication.font()
        big.setPointSizeF(big.pointSizeF() * 1.5)
        dock.setFont(big)
    dock.resize(480, 420)
    dock.show()
    dock.steps_box.setChecked(True)
    for centre in (True, False):
        dock.show_result(result_for(digit_canvas, centre=centre))
        settle()
        rows = {dock.steps_view._grid.getItemPosition(dock.steps_view._grid.indexOf(s))[0]
                for s in dock.steps_view.mnist_steps()}
        for step in dock.steps_view.mnist_steps():
            assert step.caption.shown_text() == step.caption.text(), step.caption.text()
            assert step.toolTip()  # the full words are a hover away
            assert step.caption.width() <= dock.width() // (4 if rows == {0} else 2)
        if not centre:
            view = dock.fit_step.view
            text_width = view.fontMetrics().horizontalAdvance(view.placeholder)
            assert view.placeholder == "off" and text_width < view.minimumWidth() + 8
