"""ImageOpenJob: image files read on a background thread, newest request wins, every
failure answered in plain words."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QThread

from mnistviz.photo_synth import make_photo, save_photo
from mnistviz.ui import image_open_job
from mnistviz.ui.image_open_job import ImageOpenJob, OpenedPhoto


def photo_of(samples, digit: int, path, seed: int = 0):
    images, labels = samples
    rng = np.random.default_rng(seed)
    save_photo(make_photo(images[labels == digit][0], digit, rng), path, rng)
    return path


class Answers:
    def __init__(self, job: ImageOpenJob) -> None:
        self.opened: list[OpenedPhoto] = []
        self.failed: list[tuple[str, str, bool]] = []
        self.busy: list[bool] = []
        job.opened.connect(self.opened.append)
        job.failed.connect(lambda *args: self.failed.append(args))
        job.busyChanged.connect(self.busy.append)

    def count(self) -> int:
        return len(self.opened) + len(self.failed)


@pytest.fixture
def job(qtbot):
    opener = ImageOpenJob()
    yield opener
    opener.stop()


def test_a_photo_is_read_into_a_canvas_with_its_steps(qtbot, job, samples, tmp_path):
    answers = Answers(job)
    job.open(photo_of(samples, 7, tmp_path / "seven.jpg"))
    assert job.busy() and answers.busy == [True]
    qtbot.waitUntil(lambda: answers.count() == 1, timeout=30_000)
    (photo,) = answers.opened
    assert photo.name == "seven.jpg"
    assert photo.steps.ink.shape == (280, 280) and photo.steps.ink.dtype == np.uint8 and photo.steps.ink.max() > 200
    assert photo.steps.grey.ndim == 2 and photo.steps.paper_removed.shape == photo.steps.grey.shape
    assert not job.busy() and answers.busy == [True, False]


def test_the_file_is_read_off_the_gui_thread(qtbot, job, samples, tmp_path, monkeypatch):
    threads = []
    real = image_open_job.read_photo
    monkeypatch.setattr(image_open_job, "read_photo",
                        lambda path: threads.append(QThread.currentThread()) or real(path))
    answers = Answers(job)
    job.open(photo_of(samples, 3, tmp_path / "three.jpg"))
    qtbot.waitUntil(lambda: answers.count() == 1, timeout=30_000)
    assert len(threads) == 1 and threads[0] is not QThread.currentThread()
    assert answers.opened[0].name == "three.jpg"


def test_the_newest_request_wins(qtbot, job, samples, tmp_path):
    first = photo_of(samples, 2, tmp_path / "first.jpg")
    second = photo_of(samples, 4, tmp_path / "second.jpg", seed=1)
    third = photo_of(samples, 9, tmp_path / "third.jpg", seed=2)
    answers = Answers(job)
    for path in (first, second, third):  # the first is read (or queued), the others replace it
        job.open(path)
    qtbot.waitUntil(lambda: answers.count() >= 1, timeout=60_000)
    # One read at a time, in order: by the time the newest answers, older answers were dropped.
    assert [photo.name for photo in answers.opened] == ["third.jpg"] and not answers.failed
    assert not job.busy()


@pytest.mark.parametrize("kind", ["text", "truncated", "huge", "missing", "folder"])
def test_unusable_files_get_a_message_naming_them(qtbot, job, samples, tmp_path, kind):
    path = tmp_path / f"{kind}.png"
    if kind == "text":
        path.write_text("a shopping list, not a picture")
    elif kind == "truncated":  # a photo cut short while copying
        path = photo_of(samples, 5, tmp_path / "truncated.jpg")
        path.write_bytes(path.read_bytes()[:2000])
    elif kind == "huge":
        path.write_bytes(png_header_claiming(9_000, 9_000))  # 81 megapixels
    elif kind == "folder":
        path.mkdir()
    answers = Answers(job)
    job.open(path)
    qtbot.waitUntil(lambda: answers.count() == 1, timeout=30_000)
    ((name, message, no_digit),) = answers.failed
    assert name == path.name and path.name in message and not no_digit
    assert "Traceback" not in message and "Error" not in message
    expected = {"text": "not an image file", "truncated": "damaged or incomplete", "huge": "too large",
                "missing": "not found", "folder": "is a folder"}[kind]
    assert expected in message


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says width x height (its pixels never come: refused before decoding)."""
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + header
    end = b"IEND"
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
            + struct.pack(">I", 0) + end + struct.pack(">I", zlib.crc32(end)))


def test_a_blank_page_is_answered_as_no_digit(qtbot, job, tmp_path):
    Image.new("RGB", (900, 700), (214, 210, 200)).save(tmp_path / "page.jpg")
    answers = Answers(job)
    job.open(tmp_path / "page.jpg")
    qtbot.waitUntil(lambda: answers.count() == 1, timeout=30_000)
    ((name, message, no_digit),) = answers.failed
    assert no_digit and message.startswith("No digit found in page.jpg:") and "blank" in message


def test_stop_drops_the_answer_and_leaves_no_thread_running(qtbot, samples, tmp_path):
    job = ImageOpenJob()
    answers = Answers(job)
    job.open(photo_of(samples, 1, tmp_path / "one.jpg"))
    job.stop()
    assert job._pool.activeThreadCount() == 0  # stop() waited for the read
    qtbot.wait(50)  # let any queued signal arrive: none may
    assert answers.count() == 0 and not job.busy()
