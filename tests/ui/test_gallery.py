"""The gallery: saved drawings with their predictions; a click restores one pixel for pixel."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from mnistviz.drawing import Drawing
from pointer import ONE, SEVEN, drag, settled


def click_entry(window, index: int) -> None:
    strip = window.gallery.strip
    rect = strip.visualRect(strip.model().index(index, 0))
    QTest.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())


@pytest.fixture
def saved_seven(qtbot, window, tmp_path, monkeypatch):
    drag(window.canvas, SEVEN)
    qtbot.waitUntil(lambda: settled(window), timeout=30_000)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "seven"), ""))
    window.save_drawing_action.trigger()
    return window


def test_saving_a_drawing_adds_it_with_its_prediction(saved_seven):
    window = saved_seven
    assert window.gallery.isVisible() and window.gallery.strip.count() == 1
    result = window.last_result
    caption = window.gallery.strip.item(0).text()
    assert caption.startswith(result.classes[result.prediction] + " · ") and caption.endswith("%")
    assert isinstance(window.gallery.entries[0].picture, Drawing)


def test_a_click_restores_the_drawing_pixel_for_pixel_and_it_can_be_replayed(qtbot, saved_seven):
    window = saved_seven
    pixels, drawing = window.canvas.image_array(), window.canvas.drawing()
    window.canvas.show_sample(2)
    qtbot.waitUntil(lambda: not window.replay.timeline.isVisible())
    click_entry(window, 0)
    assert np.array_equal(window.canvas.image_array(), pixels)
    assert window.canvas.drawing() == drawing and window.replay.timeline.isVisible()
    window.canvas.undo()  # restoring is one undo step
    assert not np.array_equal(window.canvas.image_array(), pixels)


def test_an_added_image_comes_back_exactly_and_the_newest_is_last(qtbot, window, samples):
    from mnistviz.preprocess import fit_into

    images, _labels = samples
    first = fit_into(images[3], 280, margin=0)
    second = fit_into(images[57], 280, margin=0)
    window.gallery.add(first, None)  # the API another view (pin) calls
    window.gallery.add(second, None)
    assert [window.gallery.strip.item(i).text() for i in range(2)] == ["no answer", "no answer"]
    first[:] = 0  # the gallery keeps its own copy
    click_entry(window, 0)
    assert np.array_equal(window.canvas.image_array(), fit_into(images[3], 280, margin=0))
    assert window.canvas.drawing() is None  # pixels, not strokes
    click_entry(window, 1)
    assert np.array_equal(window.canvas.image_array(), second)


def test_the_gallery_starts_hidden_and_is_in_the_view_menu(window):
    action = window.gallery.toggleViewAction()
    assert not window.gallery.isVisible()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert action in view_menu.actions()
    action.trigger()
    assert window.gallery.isVisible()


def test_a_picture_of_the_wrong_size_is_refused(window):
    with pytest.raises(ValueError, match="280, 280"):
        window.gallery.add(np.zeros((28, 28), np.uint8), None)
    assert window.gallery.entries == []


def test_a_caption_says_what_the_prediction_dock_says_never_100_percent():
    from mnistviz.result import Result
    from mnistviz.ui.gallery import caption_for

    p = np.full(10, 0.00001, np.float32)
    p[7] = 1 - p.sum() + p[7]  # rounds to 100 %
    result = Result(probabilities=p, logits=np.log(p), stages={}, input_28=np.zeros((28, 28), np.float32))
    assert caption_for(result) == "7 · > 99.9 %"
    p[7], p[1] = 0.8734, 0.1266 - 0.00009
    assert caption_for(result) == "7 · 87.3 %"


def test_pinning_the_drawing_just_saved_keeps_one_entry_and_a_new_drawing_adds_one(qtbot, saved_seven):
    window = saved_seven
    window.pin_action.trigger()  # Ctrl+K: pinned drawings go to the gallery too
    assert window.gallery.strip.count() == 1
    window.pin_action.trigger()  # unpin
    window.canvas.clear()
    drag(window.canvas, ONE)
    qtbot.waitUntil(lambda: settled(window), timeout=30_000)
    window.pin_action.trigger()
    assert window.gallery.strip.count() == 2
