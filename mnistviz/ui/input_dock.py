"""The Input dock: the 28x28 image the network receives, and how the canvas became it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mnistviz.preprocess import FIELD_SIZE, FIT_SIZE, centre_of_mass
from mnistviz.result import Result

PLACEHOLDER = "Draw a digit"
SHIFT_CAPTION = "3 · Shift ● onto ✚"
MARK_COLOUR = QColor(255, 80, 60)  # centre of mass
TARGET_COLOUR = QColor(80, 200, 255)  # the field's centre, where the centre of mass goes


class PixelView(QWidget):
    """A grey image in [0, 1], shown square and as large as fits.

    Upscaled by a whole number of device pixels per image pixel with no filtering,
    so each of the network's pixels is a sharp square; shrinking is smoothed.
    Optional marks: the centre of mass (red dot) and the target centre (blue cross).
    Without an image it shows `placeholder`: on black (`dark_placeholder`, where an
    image will appear) or as a dashed outline (a step that was skipped).
    """

    def __init__(self, placeholder: str = "", field: int | None = None, parent: QWidget | None = None):
        """`field`: scale as if the image were field x field pixels, so a smaller image
        (the 20 px fit) shows its pixels the same size as the 28x28 ones beside it."""
        super().__init__(parent)
        self.placeholder = placeholder
        self.dark_placeholder = True
        self.align_top = False  # steps sit right under their captions
        self._field = field
        self._image: QImage | None = None
        self._buffer: np.ndarray | None = None  # keeps the QImage's pixels alive
        self._mass: tuple[float, float] | None = None
        self._target: tuple[float, float] | None = None
        self.setMinimumSize(56, 56)

    def set_image(
        self,
        image: np.ndarray | None,
        mass: tuple[float, float] | None = None,
        target: tuple[float, float] | None = None,
    ) -> None:
        """`mass` and `target` are (row, column) in pixel-centre coordinates."""
        if image is None:
            self._image = self._buffer = None
        else:
            self._buffer = np.ascontiguousarray((np.clip(image, 0, 1) * 255).round().astype(np.uint8))
            h, w = self._buffer.shape
            self._image = QImage(self._buffer.data, w, h, w, QImage.Format.Format_Grayscale8)
        self._mass, self._target = mass, target
        self.update()

    def has_image(self) -> bool:
        return self._image is not None

    def shown_array(self) -> np.ndarray | None:
        """The grey levels on show (uint8), or None for the placeholder."""
        return None if self._buffer is None else self._buffer.copy()

    def marks(self) -> tuple[tuple[float, float] | None, tuple[float, float] | None]:
        """(centre of mass, target) as (row, column), each None when not shown."""
        return self._mass, self._target

    def image_rect(self) -> QRectF:
        """Where the image (or the placeholder) is drawn, in widget coordinates."""
        field = self._field or FIELD_SIZE
        w, h = (self._image.width(), self._image.height()) if self._image is not None else (field, field)
        span_w, span_h = (self._field, self._field) if self._field else (w, h)
        dpr = self.devicePixelRatioF()
        fit = min(self.width() * dpr / span_w, self.height() * dpr / span_h)  # device pixels per image pixel
        if fit >= 1:
            fit = float(int(fit))  # whole device pixels per image pixel: no uneven rows
        width, height = w * fit / dpr, h * fit / dpr
        left = round((self.width() - width) / 2 * dpr) / dpr
        top = 0.0 if self.align_top else round((self.height() - height) / 2 * dpr) / dpr
        return QRectF(left, top, width, height)

    def sizeHint(self) -> QSize:
        return QSize(224, 224)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.image_rect()
        if self._image is None:
            self._paint_placeholder(painter, rect)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, rect.width() < self._image.width())
        painter.drawImage(rect, self._image)
        self._paint_frame(painter, rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scale = rect.width() / self._image.width()
        mark = max(6.0, min(12.0, scale * 1.2))
        if self._target is not None:
            centre = self._to_widget(rect, scale, self._target)
            painter.setPen(QPen(TARGET_COLOUR, 2))
            painter.drawLine(centre - QPointF(mark, 0), centre + QPointF(mark, 0))
            painter.drawLine(centre - QPointF(0, mark), centre + QPointF(0, mark))
        if self._mass is not None:
            painter.setPen(QPen(Qt.GlobalColor.black, 1))
            painter.setBrush(MARK_COLOUR)
            painter.drawEllipse(self._to_widget(rect, scale, self._mass), mark / 2, mark / 2)

    @staticmethod
    def _to_widget(rect: QRectF, scale: float, row_col: tuple[float, float]) -> QPointF:
        row, col = row_col
        return QPointF(rect.left() + (col + 0.5) * scale, rect.top() + (row + 0.5) * scale)

    def _paint_frame(self, painter: QPainter, rect: QRectF, style=Qt.PenStyle.SolidLine) -> None:
        inset = 1 / self.devicePixelRatioF()
        painter.setPen(QPen(self.palette().mid().color(), 0, style))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0, 0, -inset, -inset))

    def _paint_placeholder(self, painter: QPainter, rect: QRectF) -> None:
        if self.dark_placeholder:
            painter.fillRect(rect, QColor(0, 0, 0))
            self._paint_frame(painter, rect)
            text_colour, scale = QColor(150, 150, 150), 1.4
        else:
            self._paint_frame(painter, rect, Qt.PenStyle.DashLine)
            text_colour, scale = self.palette().placeholderText().color(), 1.0
        if self.placeholder:
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * scale)
            painter.setFont(font)
            painter.setPen(text_colour)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)


class _Step(QWidget):
    """One preprocessing step: a caption over its image."""

    def __init__(self, caption: str, field: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = QLabel(caption)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        self.view = PixelView(field=field)
        self.view.align_top = True
        self.view.dark_placeholder = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)


class InputDock(QDockWidget):
    """`show_result(result | None)`; `centringToggled(bool)` when the user switches
    MNIST centring (the window passes it on to the worker); `set_centring(bool)` to
    restore it without emitting; `showing_steps()` / `set_showing_steps(bool)` for the
    "Show steps" choice. Views only read Results."""

    centringToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Input (what the network sees)", parent)
        self.setObjectName("inputDock")
        self._result: Result | None = None

        self.input_view = PixelView(PLACEHOLDER)
        self.input_view.setToolTip("The 28x28 image the network receives: one square per input pixel")
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)

        self.crop_step = _Step("1 · Crop to the ink")
        # Steps 2-4 share one pixel size, so the 20 px fit looks smaller than the 28 px field.
        self.fit_step = _Step(f"2 · Longer side {FIT_SIZE} px", field=FIELD_SIZE)
        self.shift_step = _Step(SHIFT_CAPTION, field=FIELD_SIZE)
        self.shift_step.setToolTip("● the ink's centre of mass   ✚ the middle of the 28x28 field")
        self.final_step = _Step(f"4 · {FIELD_SIZE}×{FIELD_SIZE} input", field=FIELD_SIZE)
        steps_page = QWidget()
        grid = QGridLayout(steps_page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        for index, step in enumerate((self.crop_step, self.fit_step, self.shift_step, self.final_step)):
            grid.addWidget(step, index // 2, index % 2)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.input_view)
        self.pages.addWidget(steps_page)

        self.centre_box = QCheckBox("Centre like MNIST")
        self.centre_box.setChecked(True)
        self.centre_box.setToolTip(
            f"Crop the ink, scale it to {FIT_SIZE} px and move its centre of mass to the middle, "
            f"as the MNIST digits were. Off: the whole canvas is shrunk to {FIELD_SIZE}x{FIELD_SIZE}."
        )
        self.centre_box.toggled.connect(self.centringToggled)
        self.steps_box = QCheckBox("Show steps")
        self.steps_box.setToolTip("Show how the canvas becomes the network's input, step by step")
        self.steps_box.toggled.connect(self._show_page)

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

    def show_result(self, result: Result | None) -> None:
        self._result = result
        if result is None:
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
        if steps and result.steps is None:
            self.caption.setText("Steps are not available for this result")
        elif centred:
            self.caption.setText("28×28, centred like MNIST")
        else:
            self.caption.setText("28×28, whole canvas shrunk (no centring)")

    def _show_steps(self, result: Result) -> None:
        steps = result.steps
        self.crop_step.view.set_image(steps.cropped)
        self.final_step.view.set_image(steps.input_28)
        if not steps.centred:
            # Centring off skips scaling and shifting; show that rather than hide it.
            for step, caption in ((self.fit_step, "2 · Scale: skipped"), (self.shift_step, "3 · Shift: skipped")):
                step.caption.setText(caption)
                step.view.placeholder = "centring off"
                step.view.set_image(None)
            self.final_step.caption.setText(f"4 · Canvas → {FIELD_SIZE}×{FIELD_SIZE}")
            return
        self.fit_step.caption.setText(f"2 · Longer side {FIT_SIZE} px")
        self.fit_step.view.set_image(steps.fitted)
        # The fitted box placed at the field's middle by its size alone, with its centre of
        # mass marked: step 4 moves that mark onto the cross.
        placed = box_centred(steps.fitted)
        target = ((FIELD_SIZE - 1) / 2, (FIELD_SIZE - 1) / 2)
        mass = centre_of_mass(placed) if placed.sum() > 0 else None
        self.shift_step.caption.setText(SHIFT_CAPTION)
        self.shift_step.view.set_image(placed, mass=mass, target=target)
        self.final_step.caption.setText(f"4 · {FIELD_SIZE}×{FIELD_SIZE} input")
        final_mass = centre_of_mass(steps.input_28) if steps.input_28.sum() > 0 else None
        self.final_step.view.set_image(steps.input_28, mass=final_mass, target=target)


def box_centred(fitted: np.ndarray, size: int = FIELD_SIZE) -> np.ndarray:
    """`fitted` pasted in the middle of a size x size field by its bounding box."""
    h, w = fitted.shape
    field = np.zeros((size, size), np.float32)
    top, left = (size - h) // 2, (size - w) // 2
    field[top : top + h, left : left + w] = fitted
    return field
