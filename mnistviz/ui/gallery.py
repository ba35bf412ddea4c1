"""The gallery: a strip of this session's saved and pinned drawings with their predictions;
a click puts one back on the canvas, pixel for pixel (a drawing as its strokes, so it can
still be replayed; an image as its pixels). Not kept between sessions.

`window.gallery.add(drawing_or_image, result)` is the one way in: File ▸ Save drawing calls
it, and so can anything that pins a picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QDockWidget, QListView, QListWidget, QListWidgetItem

from mnistviz.drawing import Drawing
from mnistviz.formatting import format_probability
from mnistviz.ui.stroke_painter import render_drawing

MAX_ENTRIES = 40  # a lesson's worth; the oldest goes first
THUMBNAIL = 72  # px: a digit readable from the back of the room


@dataclass(frozen=True, eq=False)
class GalleryEntry:
    picture: Drawing | np.ndarray  # what goes back on the canvas
    pixels: np.ndarray  # uint8 (280, 280), as the canvas showed it
    caption: str


def caption_for(result) -> str:
    if result is None:
        return "no answer"
    best = int(result.prediction)
    return f"{result.classes[best]} · {format_probability(result.probabilities[best])}"  # never "100 %"


class GalleryDock(QDockWidget):
    """`entries`, `add(picture, result)`, `restore(index)`; `restored(index)` after a click."""

    restored = Signal(int)

    def __init__(self, window) -> None:
        super().__init__("Gallery", window)
        self.setObjectName("galleryDock")  # layouts are saved by it
        self._window = window
        self.entries: list[GalleryEntry] = []
        self.strip = QListWidget()
        self.strip.setViewMode(QListView.ViewMode.IconMode)
        self.strip.setFlow(QListView.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setMovement(QListView.Movement.Static)
        self.strip.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.strip.setSpacing(4)
        self.strip.setUniformItemSizes(True)
        self.strip.setAccessibleName("Saved drawings")
        self.strip.setToolTip("This session's saved drawings: click one to put it back on the canvas")
        self.strip.itemClicked.connect(lambda item: self.restore(self.strip.row(item)))
        self.strip.setMinimumHeight(THUMBNAIL + 2 * self.fontMetrics().height() + 16)
        self.setWidget(self.strip)
        # View ▸ Gallery shows it where it was added: into the Input dock's tabs, as `appear`.
        self.toggleViewAction().triggered.connect(lambda on: on and (self._tab_with_input(), self.raise_()))

    def add(self, picture: Drawing | np.ndarray, result) -> None:
        """Keep `picture` (a Drawing, or a uint8 280x280 image) with its answer; shows the strip."""
        if isinstance(picture, Drawing):
            pixels = render_drawing(picture)
        else:
            pixels = np.array(picture, dtype=np.uint8, copy=True)
            if pixels.shape != (280, 280):
                raise ValueError(f"a gallery image is uint8 (280, 280), found {pixels.shape}")
            picture = pixels
        if self.entries and np.array_equal(self.entries[-1].pixels, pixels):
            self.appear()  # saved, then pinned (or saved twice): one entry, not two
            return
        entry = GalleryEntry(picture, pixels, caption_for(result))
        if len(self.entries) >= MAX_ENTRIES:
            self.entries.pop(0)
            self.strip.takeItem(0)
        self.entries.append(entry)
        item = QListWidgetItem(_icon(pixels), entry.caption)
        item.setToolTip(f"{entry.caption}: click to put it back on the canvas")
        self.strip.addItem(item)
        self.strip.scrollToItem(item)
        self.appear()

    def appear(self) -> None:
        """Tabbed with the Input dock, in front, when it first appears: a dock of its own under
        the canvas made the window taller than a 1280x800 screen."""
        if self.isHidden():
            self._tab_with_input()
            self.show()
            self.raise_()

    def _tab_with_input(self) -> None:
        input_dock = getattr(self._window, "input_dock", None)
        if (input_dock is not None and not self.isFloating() and input_dock.isVisible()
                and not input_dock.isFloating() and self not in self._window.tabifiedDockWidgets(input_dock)):
            self._window.tabifyDockWidget(input_dock, self)

    def restore(self, index: int) -> None:
        if not 0 <= index < len(self.entries):
            return
        picture = self.entries[index].picture
        if isinstance(picture, Drawing):
            self._window.canvas.set_drawing(picture)  # strokes: it can be replayed again
        else:
            self._window.canvas.set_image_array(picture)
        self.restored.emit(index)


def _icon(pixels: np.ndarray) -> QIcon:
    data = np.ascontiguousarray(pixels)
    image = QImage(data.data, data.shape[1], data.shape[0], data.shape[1], QImage.Format.Format_Grayscale8).copy()
    return QIcon(QPixmap.fromImage(image.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                                                Qt.TransformationMode.SmoothTransformation)))
