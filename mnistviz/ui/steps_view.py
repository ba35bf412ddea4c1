"""The Input dock's steps page: how the canvas became the network's input, one picture per
step; for a digit opened from a photo, first how the photo became the canvas.

Drawn digit:   1 crop · 2 scale (longer side 20 px) · 3 centre · 4 the 28x28 input (two by two,
               or in a row when that shows them larger)
From a photo:  1 the photo · 2 paper removed · 3 digit on the canvas        (a row of three)
               4 crop · 5 longer side 20 px · 6 shift · 7 the 28x28 input   (a row of four)
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from mnistviz.preprocess import FIELD_SIZE, FIT_SIZE, Steps, centre_of_mass
from mnistviz.ui.pixel_view import Step

PHOTO_CAPTIONS = ("Photo", "Paper removed", "Digit kept")
# One short word each, so four captions fit side by side even in presentation type (read
# from the back of a room); the tooltips say the rest.
MNIST_CAPTIONS = ("Crop", "Scale", "Centre", f"{FIELD_SIZE}×{FIELD_SIZE}")
SKIPPED = "Skipped"
MNIST_TIPS = (
    "Cut to the ink: the empty canvas around the digit goes",
    f"Scaled so its longer side is {FIT_SIZE} pixels, as the MNIST digits were",
    f"Moved so the ink's centre of mass (●) sits on the middle (✚) of the {FIELD_SIZE}×{FIELD_SIZE} field",
    f"The {FIELD_SIZE}×{FIELD_SIZE} input the network receives",
)
SKIPPED_TIP = (f"“Centre like MNIST” is off: nothing is scaled or moved, the whole canvas is "
               f"shrunk to {FIELD_SIZE}×{FIELD_SIZE}")
PHOTO_TIPS = (
    "The picture as opened, in grey and turned upright",
    "How strongly each point stands out from its paper: the light, shadows and the paper's colour "
    "are taken out. The orange box is the digit kept; specks and edges outside it are dropped.",
    "Only the digit, fitted into the canvas with a margin: what the canvas shows now",
)


class StepsView(QWidget):
    """`show_steps(steps, photo)`: the MNIST steps of a Result, after the photo's own steps
    (`photo`: an image_open_job.OpenedPhoto) when the canvas came from one."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.photo_step, self.paper_step, self.ink_step = (Step(caption) for caption in PHOTO_CAPTIONS)
        for step, tip in zip(self.photo_steps(), PHOTO_TIPS):
            step.setToolTip(tip)
        self.photo_row = QWidget()
        row = QHBoxLayout(self.photo_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for step in self.photo_steps():
            row.addWidget(step, 1)
        self.photo_row.hide()

        self.crop_step = Step("")
        # Scale, shift and input share one pixel size, so the 20 px fit looks smaller than the 28 px field.
        self.fit_step = Step("", field=FIELD_SIZE)
        self.shift_step = Step("", field=FIELD_SIZE)
        self.final_step = Step("", field=FIELD_SIZE)
        for step in (*self.photo_steps(), *self.mnist_steps()):
            step.view.setMinimumSize(32, 32)  # a short dock shrinks the pictures, never crops them
            step.view.whole_from = 2.0
        self._grid = QGridLayout()
        self._grid.setSpacing(8)
        self._in_a_row = False
        self._arrange(in_a_row=False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.photo_row, 1)
        layout.addLayout(self._grid, 1)
        self._from_photo = False

    def photo_steps(self) -> tuple[Step, Step, Step]:
        return self.photo_step, self.paper_step, self.ink_step

    def mnist_steps(self) -> tuple[Step, Step, Step, Step]:
        return self.crop_step, self.fit_step, self.shift_step, self.final_step

    def showing_photo(self) -> bool:
        return self._from_photo

    def show_steps(self, steps: Steps, photo=None) -> None:
        self._show_photo(photo)
        first = 4 if photo is not None else 1  # the MNIST steps continue the photo's numbering
        for number, (step, caption, tip) in enumerate(zip(self.mnist_steps(), MNIST_CAPTIONS, MNIST_TIPS), first):
            step.caption.setText(f"{number} · {caption}")
            step.setToolTip(tip)
        self.crop_step.view.set_image(steps.cropped)
        self.final_step.view.set_image(steps.input_28)
        if not steps.centred:
            # Centring off skips scaling and shifting; show that rather than hide it.
            for number, step in enumerate((self.fit_step, self.shift_step), first + 1):
                step.caption.setText(f"{number} · {SKIPPED}")
                step.setToolTip(SKIPPED_TIP)
                step.view.placeholder = "off"  # fits the smallest step picture
                step.view.set_image(None)
            return
        self.fit_step.view.set_image(steps.fitted)
        # The fitted box placed at the field's middle by its size alone, with its centre of
        # mass marked: the last step moves that mark onto the cross.
        placed = box_centred(steps.fitted)
        target = ((FIELD_SIZE - 1) / 2, (FIELD_SIZE - 1) / 2)
        mass = centre_of_mass(placed) if placed.sum() > 0 else None
        self.shift_step.view.set_image(placed, mass=mass, target=target)
        final_mass = centre_of_mass(steps.input_28) if steps.input_28.sum() > 0 else None
        self.final_step.view.set_image(steps.input_28, mass=final_mass, target=target)

    def _show_photo(self, photo) -> None:
        if photo is None:
            for step in self.photo_steps():
                step.view.set_image(None)  # no photo's pixels kept once the canvas moved on
        else:
            extraction = photo.steps
            for number, (step, caption) in enumerate(zip(self.photo_steps(), PHOTO_CAPTIONS), 1):
                step.caption.setText(f"{number} · {caption}")
            self.photo_step.setToolTip(f"{photo.name}: {PHOTO_TIPS[0][0].lower()}{PHOTO_TIPS[0][1:]}")
            self.photo_step.view.set_image(extraction.grey)
            board = "dark ink on light paper" if extraction.light_paper else "light ink on dark paper"
            self.paper_step.setToolTip(f"Read as {board}. {PHOTO_TIPS[1]}")
            self.paper_step.view.set_image(extraction.paper_removed, box=extraction.digit_box)
            self.ink_step.view.set_image(extraction.ink.astype(np.float32) / 255)
        if (photo is not None) != self._from_photo:
            self._from_photo = photo is not None
            self.photo_row.setVisible(self._from_photo)
            self._arrange(self._wants_a_row())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(self._wants_a_row())

    def _wants_a_row(self) -> bool:
        """One row of four under the photo's three; for a drawing, whichever of one row and
        two by two shows the pictures larger (a dock docked under the canvas is wide and short)."""
        if self._from_photo:
            return True
        caption = self.fontMetrics().height() + 10
        w, h = self.width(), self.height()
        return min(w / 4, h - caption) > min(w / 2, h / 2 - caption)

    def _arrange(self, in_a_row: bool) -> None:
        if in_a_row == self._in_a_row and self._grid.count():
            return
        self._in_a_row = in_a_row
        for index, step in enumerate(self.mnist_steps()):
            row, column = (0, index) if in_a_row else divmod(index, 2)
            self._grid.addWidget(step, row, column)
        for column in range(4):
            self._grid.setColumnStretch(column, 1 if in_a_row or column < 2 else 0)


def box_centred(fitted: np.ndarray, size: int = FIELD_SIZE) -> np.ndarray:
    """`fitted` pasted in the middle of a size x size field by its bounding box."""
    h, w = fitted.shape
    field = np.zeros((size, size), np.float32)
    top, left = (size - h) // 2, (size - w) // 2
    field[top : top + h, left : left + w] = fitted
    return field
