"""Photos opened in the real window: read off the GUI thread, the digit on the canvas as one
undoable step, the photo's steps in the Input dock until the user draws, and a message
instead of a guess when the picture holds no digit."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from mnistviz.photo_synth import make_photo, save_photo
from pointer import drag

# (digit, seed): generated photos the shipped model reads right, each under other conditions.
PHOTOS = [(2, 0), (7, 1), (3, 2)]


def photo_of(samples, digit: int, path, seed: int = 0, size: tuple[int, int] | None = None):
    images, labels = samples
    rng = np.random.default_rng(seed)
    photo = make_photo(images[labels == digit][0], digit, rng)
    if size is not None:  # a phone's full-size picture
        photo.image = photo.image.resize(size, Image.Resampling.BILINEAR)
    save_photo(photo, path, rng)
    return path


def settled(window) -> bool:
    """No file being read and the newest canvas state analysed and shown."""
    return not window.image_opener.job.busy() and window.analysis_settled()


@pytest.fixture
def steps_window(window):
    window.input_dock.set_showing_steps(True)
    return window


@pytest.mark.parametrize("digit, seed", PHOTOS)
def test_file_open_reads_a_photo_of_a_digit(qtbot, window, samples, tmp_path, monkeypatch, digit, seed):
    path = photo_of(samples, digit, tmp_path / f"photo_{digit}.jpg", seed)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    window.open_image_action.trigger()  # File ▸ Open image…, as the user chooses it
    assert window.image_opener.indicator.isVisible()  # "Opening photo_….jpg…" while it is read
    assert path.name in window.image_opener.indicator.label.text()
    qtbot.waitUntil(lambda: window.last_result is not None and settled(window), timeout=60_000)
    assert window.last_result.prediction == digit
    assert not window.image_opener.indicator.isVisible()
    assert f"Opened {path.name}" in window.statusBar().currentMessage()
    window.canvas.undo()  # the photo arrived as one step: undo empties the canvas again
    assert window.canvas.is_empty()


def test_a_blank_page_says_no_digit_and_keeps_the_drawing(qtbot, window, tmp_path):
    drag(window.canvas, [(0.5, 0.2), (0.5, 0.8)])
    qtbot.waitUntil(lambda: window.last_result is not None and settled(window), timeout=30_000)
    before, answer = window.canvas.image_array(), window.last_result
    Image.new("RGB", (1200, 900), (222, 218, 205)).save(tmp_path / "page.jpg")
    window.open_image_in_background(tmp_path / "page.jpg")
    qtbot.waitUntil(lambda: not window.image_opener.job.busy(), timeout=30_000)
    assert window.last_error.startswith("No digit found in page.jpg: the page looks blank")
    assert window.statusBar().currentMessage() == window.last_error  # said once, not "No digit found: No digit…"
    assert np.array_equal(window.canvas.image_array(), before)
    assert window.last_result is answer  # nothing was guessed
    window.canvas.undo()  # the stroke is still the only step
    assert window.canvas.is_empty()


@pytest.mark.parametrize("kind", ["text", "truncated"])
def test_a_bad_file_is_explained_and_the_canvas_kept(qtbot, window, samples, tmp_path, kind):
    drag(window.canvas, [(0.3, 0.3), (0.7, 0.7)])
    before = window.canvas.image_array()
    if kind == "text":
        path = tmp_path / "notes.jpg"
        path.write_text("not a picture")
        expected = "not an image file"
    else:
        path = photo_of(samples, 6, tmp_path / "cut.jpg")
        path.write_bytes(path.read_bytes()[:3000])
        expected = "damaged or incomplete"
    window.open_image_in_background(path)
    qtbot.waitUntil(lambda: not window.image_opener.job.busy(), timeout=30_000)
    assert path.name in window.last_error and expected in window.last_error
    assert np.array_equal(window.canvas.image_array(), before)


def test_the_window_keeps_working_while_a_big_photo_is_read(qtbot, window, samples, tmp_path):
    path = photo_of(samples, 5, tmp_path / "big.jpg", seed=1, size=(4000, 3000))
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(window.image_opener.job.busy()))
    timer.start(5)
    window.open_image_in_background(path)
    drag(window.canvas, [(0.4, 0.5), (0.6, 0.5)])  # the canvas takes a stroke meanwhile
    stroked = window.canvas.image_array()
    assert stroked.any()
    qtbot.waitUntil(lambda: window.last_result is not None and settled(window), timeout=60_000)
    timer.stop()
    # The GUI thread ran its timer again and again while the file was read: it never froze.
    assert ticks.count(True) >= 3
    assert window.last_result.prediction == 5
    window.canvas.undo()  # the photo replaced the stroke as one step: undo brings the stroke back
    assert np.array_equal(window.canvas.image_array(), stroked)


def test_the_newest_file_wins(qtbot, window, samples, tmp_path):
    slow = photo_of(samples, 5, tmp_path / "slow.jpg", seed=1, size=(3000, 2400))
    wanted = photo_of(samples, 7, tmp_path / "wanted.jpg", seed=1)
    window.open_image_in_background(slow)
    window.open_image_in_background(wanted)
    assert "wanted.jpg" in window.image_opener.indicator.label.text()
    qtbot.waitUntil(lambda: window.last_result is not None and settled(window), timeout=60_000)
    assert window.last_result.prediction == 7 and window.input_dock.photo().name == "wanted.jpg"
    window.canvas.undo()  # only the newest file reached the canvas
    assert window.canvas.is_empty()


def test_photo_steps_show_until_the_user_draws(qtbot, steps_window, samples, tmp_path):
    window, dock = steps_window, steps_window.input_dock
    window.open_image_in_background(photo_of(samples, 2, tmp_path / "two.jpg"))
    qtbot.waitUntil(lambda: window.last_result is not None and settled(window), timeout=60_000)
    view = dock.steps_view
    assert dock.pages.currentIndex() == 1 and view.showing_photo() and view.photo_row.isVisible()
    captions = [step.caption.text() for step in (*view.photo_steps(), *view.mnist_steps())]
    assert captions == ["1 · Photo", "2 · Paper removed", "3 · Digit kept", "4 · Crop",
                        "5 · Scale", "6 · Centre", "7 · 28×28"]
    assert np.array_equal(view.ink_step.view.shown_array(), window.canvas.image_array())
    assert view.paper_step.view.box() is not None and "two.jpg" in dock.caption.text()

    drag(window.canvas, [(0.3, 0.5), (0.7, 0.5)])  # drawing over it: the canvas is no longer the photo
    qtbot.waitUntil(lambda: settled(window) and not view.showing_photo(), timeout=30_000)
    assert not view.photo_row.isVisible() and not view.photo_step.view.has_image()
    assert view.crop_step.caption.text() == "1 · Crop" and "two.jpg" not in dock.caption.text()

    window.canvas.undo()  # back to the photo's digit: its steps are true again
    qtbot.waitUntil(lambda: settled(window) and view.showing_photo(), timeout=30_000)
    window.canvas.clear()
    qtbot.waitUntil(lambda: settled(window) and window.last_result is None, timeout=30_000)
    assert dock.photo() is None and dock.pages.currentWidget() is dock.input_view


def test_a_dropped_photo_is_read_in_the_background(qtbot, window, samples, tmp_path):
    path = photo_of(samples, 7, tmp_path / "dropped.jpg", seed=1)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    canvas, point = window.canvas, QPoint(50, 50)
    enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, enter)
    drop = QDropEvent(QPointF(point), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, drop)
    assert drop.isAccepted() and canvas.is_empty()  # not read inside the drop: the window did not wait
    assert window.image_opener.job.busy()
    qtbot.waitUntil(lambda: window.last_result is not None and settled(window), timeout=60_000)
    assert window.last_result.prediction == 7


def test_closing_while_a_photo_is_read_leaves_no_thread(qtbot, open_window, samples, tmp_path):
    window = open_window()
    window.open_image_in_background(photo_of(samples, 4, tmp_path / "late.jpg", size=(3000, 2400)))
    window.close()
    assert window.image_opener.job._pool.activeThreadCount() == 0
    assert not window.image_opener.job.busy()


def test_a_clean_drawing_file_keeps_its_layout_on_the_canvas(qtbot, window, tmp_path):
    paper = np.full((120, 120), 255, np.uint8)
    paper[20:100, 55:65] = 0  # a dark "1" on white, drawn on a computer: no paper to remove
    Image.fromarray(paper).save(tmp_path / "one.png")
    window.open_image_in_background(tmp_path / "one.png")
    qtbot.waitUntil(lambda: window.last_result is not None and settled(window), timeout=60_000)
    canvas = window.canvas.image_array()
    # Scaled 280/120 with no margin: the bar keeps its place (rows 47-233, columns 128-152).
    assert canvas[50:230, 130:150].min() == 255 and canvas[:40].max() == 0 and canvas[:, :120].max() == 0
    assert window.last_result.prediction == 1


def test_a_file_opened_by_a_script_wins_over_one_still_being_read(qtbot, window, samples, tmp_path):
    slow = photo_of(samples, 5, tmp_path / "slow.jpg", seed=1, size=(3000, 2400))
    window.open_image_in_background(slow)
    assert window.open_image(photo_of(samples, 7, tmp_path / "now.jpg", seed=1))  # waited for
    assert not window.image_opener.job.busy() and not window.image_opener.indicator.isVisible()
    opened = window.canvas.image_array()
    qtbot.waitUntil(lambda: window.last_result is not None and settled(window), timeout=60_000)
    # slow.jpg's read ends (its answer is posted before its thread finishes): delivered now,
    # it must be dropped.
    qtbot.waitUntil(lambda: window.image_opener.job._pool.activeThreadCount() == 0, timeout=60_000)
    for _ in range(3):
        QApplication.processEvents()
    assert np.array_equal(window.canvas.image_array(), opened) and window.input_dock.photo().name == "now.jpg"
