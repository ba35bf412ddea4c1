"""Opening an image file off the GUI thread: decoding a large photo and finding the digit
in it takes a second or more, and the window must keep drawing and painting meanwhile.

`ImageOpenJob` reads files with `preprocess.load_photo` on one background thread, newest
request wins: a file asked for while another is being read replaces it (a read already
running finishes, but its answer is dropped). `WindowImageOpener` adds the user side for
the main window: "Opening page.jpg…" with a busy bar in the status bar, the digit put on the
canvas as one undoable step, the photo's steps for the Input dock, and a message in plain
words when the file cannot be used (the canvas then keeps its drawing).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

STOP_WAIT_MS = 10_000  # closing waits for a read in progress (about a second; never a hang)

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenedPhoto:
    """An image file read into a digit: its name and the extraction's steps
    (`mnistviz.photo.PhotoSteps`; `steps.ink` is what goes on the canvas)."""

    name: str
    steps: object


class _Relay(QObject):
    """Carries a read's outcome from the pool thread to the GUI thread (queued)."""

    opened = Signal(int, object)  # request id, OpenedPhoto
    failed = Signal(int, str, str, bool)  # request id, file name, message, True if no digit was found


class _Read(QRunnable):
    def __init__(self, request_id: int, path: Path, relay: _Relay) -> None:
        super().__init__()
        self._request_id, self._path, self._relay = request_id, path, relay

    def run(self) -> None:
        from mnistviz.photo import NoDigitError
        from mnistviz.preprocess import ImageInputError

        request_id, path = self._request_id, self._path
        try:
            photo = read_photo(path)
        except ImageInputError as exc:
            outcome = ("failed", str(exc), isinstance(exc, NoDigitError))
        except Exception as exc:  # MemoryError, a bug: the user still gets a sentence, not silence
            _log.exception("reading %s failed", path)
            outcome = ("failed", f"{path.name} could not be opened: something unexpected went wrong ({exc}). "
                                 "The details are in the log file.", False)
        else:
            outcome = ("opened", photo)
        try:
            if outcome[0] == "opened":
                self._relay.opened.emit(request_id, outcome[1])
            else:
                self._relay.failed.emit(request_id, path.name, outcome[1], outcome[2])
        except RuntimeError:  # the window went away while the file was read: nobody to tell
            pass


def read_photo(path: str | Path) -> OpenedPhoto:
    """An image file -> OpenedPhoto. Raises ImageInputError (NoDigitError when the picture
    holds no credible digit) with a message in the user's words."""
    from mnistviz.photo import BLANK, CANVAS, no_digit
    from mnistviz.preprocess import fit_into, ink_box, load_photo

    path = Path(path)
    steps = load_photo(path)
    if steps.ink.shape != (CANVAS, CANVAS):  # a clean drawing keeps its layout, scaled to the canvas
        steps = dataclasses.replace(steps, ink=fit_into(steps.ink, CANVAS, margin=0))
    if ink_box(steps.ink) is None:  # faint ink that vanished on the way to the canvas
        raise no_digit(path.name, BLANK)
    return OpenedPhoto(path.name, steps)


class ImageOpenJob(QObject):
    """`open(path)` reads on a background thread; `opened(OpenedPhoto)` or
    `failed(name, message, no_digit)` answers the newest request only; `busyChanged(bool)`
    while a read the window waits for is under way. `stop()` before the window closes."""

    opened = Signal(object)
    failed = Signal(str, str, bool)
    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one read at a time: the other core draws and infers
        self._relay = _Relay(self)
        self._relay.opened.connect(self._on_opened)
        self._relay.failed.connect(self._on_failed)
        self._newest = 0  # the request whose answer is wanted; 0: none
        self._last_id = 0

    def busy(self) -> bool:
        return self._newest != 0

    def open(self, path: str | Path) -> int:
        """Start reading `path`; an earlier request's answer will be dropped. Returns the id."""
        self._pool.clear()  # a read still queued is not wanted any more
        request_id = self.forget()
        self._newest = request_id
        self._pool.start(_Read(request_id, Path(path), self._relay))
        self.busyChanged.emit(True)
        return request_id

    def forget(self) -> int:
        """Drop the answer of any read under way (something newer is on the canvas)."""
        self._last_id += 1
        was_busy, self._newest = self.busy(), 0
        if was_busy:
            self.busyChanged.emit(False)
        return self._last_id

    def stop(self) -> None:
        """No answer after this; waits for a read in progress so no thread outlives the window."""
        self._pool.clear()
        self.forget()
        if not self._pool.waitForDone(STOP_WAIT_MS):
            _log.warning("an image was still being read when the window closed")

    @Slot(int, object)
    def _on_opened(self, request_id: int, photo: OpenedPhoto) -> None:
        if request_id == self._newest:
            self.forget()
            self.opened.emit(photo)

    @Slot(int, str, str, bool)
    def _on_failed(self, request_id: int, name: str, message: str, no_digit: bool) -> None:
        if request_id == self._newest:
            self.forget()
            self.failed.emit(name, message, no_digit)


class BusyIndicator(QWidget):
    """"Opening page.jpg…" and a moving bar, at the right of the status bar while a file is read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # file names are text, never markup
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # no known end: the bar moves to show work is going on
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(100)
        self.bar.setMaximumHeight(14)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.hide()

    def show_opening(self, name: str) -> None:
        self.label.setText(f"Opening {name}…")
        self.show()


class WindowImageOpener(QObject):
    """The main window's side of opening images (File ▸ Open, dropped files).

    `open(path)` in the background; `open_now(path) -> bool` waited for (scripts, tests);
    `photo_for(canvas_image)` the OpenedPhoto the canvas shows, or None once it was drawn
    over, cleared or replaced (undo back to it and it is the photo's again)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._photo: OpenedPhoto | None = None
        self.job = ImageOpenJob(self)
        self.job.opened.connect(self._show)
        self.job.failed.connect(self._refuse)
        self.indicator = BusyIndicator()
        window.statusBar().addPermanentWidget(self.indicator)
        self.job.busyChanged.connect(lambda busy: None if busy else self.indicator.hide())

    def open(self, path: str | Path) -> None:
        self.job.open(path)  # first: it ends any earlier read, which hides the indicator
        self.indicator.show_opening(Path(path).name)

    def open_now(self, path: str | Path) -> bool:
        from mnistviz.photo import NoDigitError
        from mnistviz.preprocess import ImageInputError

        self.job.forget()  # this file is newer than any still being read
        try:
            photo = read_photo(path)
        except ImageInputError as exc:
            self._refuse(Path(path).name, str(exc), isinstance(exc, NoDigitError))
            return False
        self._show(photo)
        return True

    def photo_for(self, canvas_image: np.ndarray) -> OpenedPhoto | None:
        photo = self._photo
        if photo is not None and np.array_equal(canvas_image, photo.steps.ink):
            return photo
        return None

    def stop(self) -> None:
        self.job.stop()

    def _show(self, photo: OpenedPhoto) -> None:
        self._photo = photo  # before the canvas changes: the analysis it asks for is the photo's
        self._window.canvas.set_image_array(photo.steps.ink)  # one undoable step
        how = "dark ink on light paper" if photo.steps.light_paper else "light ink on dark paper"
        hint = "" if self._window.input_dock.showing_steps() else " Tick “Show steps” in the Input dock to see how."
        self._window.statusBar().showMessage(f"Opened {photo.name}: {how}, the digit fitted to the canvas.{hint}",
                                             15_000)

    def _refuse(self, name: str, message: str, no_digit: bool) -> None:
        self._window.tell_user("No digit found" if no_digit else "Cannot open the image", message)
        if no_digit:  # the message already says "No digit found in …"
            self._window.statusBar().showMessage(message, 15_000)
