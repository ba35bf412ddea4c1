"""The Input dock: the 28x28 image the network receives, and how the canvas became it
(and, for a digit opened from a photo, how the photo became the canvas)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mnistviz.preprocess import FIELD_SIZE, FIT_SIZE
from mnistviz.result import Result
from mnistviz.ui.pixel_view import PixelView
from mnistviz.ui.steps_view import StepsView

PLACEHOLDER = "Draw a digit"


class InputDock(QDockWidget):
    """`show_result(result | None)`; `centringToggled(bool)` when the user switches
    MNIST centring (the window passes it on to the worker); `set_centring(bool)` to
    restore it without emitting; `showing_steps()` / `set_showing_steps(bool)` for the
    "Show steps" choice; `set_photo(photo | None)` before `show_result` when the canvas
    shows a digit opened from a photo (image_open_job.OpenedPhoto): the steps page then
    starts with the photo's own steps. Views only read Results."""

    centringToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Input (what the network sees)", parent)
        self.setObjectName("inputDock")
        self._result: Result | None = None
        self._photo = None

        self.input_view = PixelView(PLACEHOLDER)
        self.input_view.setToolTip("The 28x28 image the network receives: one square per input pixel")
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)

        self.steps_view = StepsView()
        self.crop_step, self.fit_step, self.shift_step, self.final_step = self.steps_view.mnist_steps()
        self.photo_step, self.paper_step, self.ink_step = self.steps_view.photo_steps()

        self.pages = QStackedWidget()
        self.pages.addWidget(self.input_view)
        self.pages.addWidget(self.steps_view)

        self.centre_box = QCheckBox("Centre like MNIST")
        self.centre_box.setChecked(True)
        self.centre_box.setToolTip(
            f"Crop the ink, scale it to {FIT_SIZE} px and move its centre of mass to the middle, "
            f"as the MNIST digits were. Off: the whole canvas is shrunk to {FIELD_SIZE}x{FIELD_SIZE}."
        )
        self.centre_box.toggled.connect(self.centringToggled)
        # Tab still reaches the boxes, but a click leaves no focus behind: Space must not
        # later flip the centring (and the answer) outside a quiz.
        self.centre_box.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.steps_box = QCheckBox("Show steps")
        self.steps_box.setToolTip("Show how the canvas becomes the network's input, step by step")
        self.steps_box.toggled.connect(self._show_page)
        self.steps_box.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        options = QHBoxLayout()
        options.addWidget(self.centre_box)
        options.addStretch(1)
        options.addWidget(self.steps_box)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.caption)
        layout.addLayout(options)
        self.setWidget(body)
        self.show_result(None)

    def centring(self) -> bool:
        return self.centre_box.isChecked()

    def set_centring(self, on: bool) -> None:
        """Set the checkbox without emitting centringToggled (e.g. restoring settings)."""
        self.centre_box.blockSignals(True)
        self.centre_box.setChecked(on)
        self.centre_box.blockSignals(False)

    def showing_steps(self) -> bool:
        return self.steps_box.isChecked()

    def set_presentation(self, on: bool) -> None:
        """Projector type: the title bold like the other docks' (the body keeps plain text;
        sizes follow the application font, already scaled)."""
        title = QFont()
        title.setBold(on)
        self.setFont(title)
        body = QFont()
        body.setBold(False)
        self.widget().setFont(body)

    def set_showing_steps(self, on: bool) -> None:
        """Tick or untick "Show steps" (e.g. restoring settings). It only changes the page:
        nothing is analysed again, so the window need not hear of it."""
        self.steps_box.setChecked(on)

    def set_photo(self, photo) -> None:
        """The photo the canvas's digit was opened from (shown with the next result), or None."""
        self._photo = photo

    def photo(self):
        return self._photo

    def show_result(self, result: Result | None) -> None:
        self._result = result
        if result is None:
            self._photo = None
            self.input_view.set_image(None)
            self.caption.setText("Nothing drawn yet")
            self.pages.setCurrentWidget(self.input_view)  # the empty state says what to do
            return
        self._show_page(self.steps_box.isChecked())

    def _show_page(self, steps: bool) -> None:
        result = self._result
        if result is None:
            return
        centred = result.steps.centred if result.steps is not None else self.centring()
        if steps and result.steps is not None:
            self._show_steps(result)
            self.pages.setCurrentIndex(1)
        else:
            self.input_view.set_image(result.input_28)
            self.pages.setCurrentWidget(self.input_view)
        source = f"From {self._photo.name}: " if self._photo is not None else ""
        if steps and result.steps is None:
            self.caption.setText("Steps are not available for this result")
        elif centred:
            self.caption.setText(f"{source}28×28, centred like MNIST")
        else:
            self.caption.setText(f"{source}28×28, whole canvas shrunk (no centring)")

    def _show_steps(self, result: Result) -> None:
        self.steps_view.show_steps(result.steps, self._photo)
