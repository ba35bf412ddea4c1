"""Why did it say 7? The evidence for one class, drawn over the network's 28x28 input.

Red where the drawing speaks for the class, blue where it speaks against it (a diverging
colour table centred on zero, with its own colour bar); the logit written out as the sum
it is: "logit 7 = bias −0.41 + evidence 9.87 = 9.46"; whether that split is exact or an
approximation (occlusion); and all classes' logits in a small table.

The class is the prediction unless one was chosen (`ViewState.selected_class`: a click
on a bar in the Prediction dock or on a row of the table here; a second click on the same
class goes back to the prediction). Reads `Result.evidence` only; renders while visible.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from mnistviz.ui.explain_common import DivergingBar, LazyDock, diverging_rgb, font, number, rgb_image, written_sum
from mnistviz.view_state import ViewState

FIELD = 28
EMPTY_TEXT = "Draw a digit: the evidence for the network's answer appears here."
NO_EVIDENCE_TEXT = ("This model's answer cannot be split into evidence (its last layer is not one "
                    "mnistviz can read), so there is nothing to show here.")


def upsample(maps: np.ndarray, size: int = FIELD) -> np.ndarray:
    """(H, W) -> (size, size), each value repeated over the input pixels it stands for."""
    h, w = maps.shape
    rows, cols = (np.arange(size) * h) // size, (np.arange(size) * w) // size
    return maps[np.ix_(rows, cols)]


def overlay_rgb(input_28: np.ndarray, evidence: np.ndarray, limit: float) -> np.ndarray:
    """The input in grey with the evidence over it: the stronger, the more opaque."""
    grey = np.clip(input_28, 0, 1)[..., None] * 200.0 + 20.0
    colour = diverging_rgb(evidence, limit).astype(float)
    alpha = np.clip(np.abs(evidence) / (limit if limit > 0 else 1.0), 0, 1)[..., None] ** 0.6 * 0.9
    return (grey * (1 - alpha) + colour * alpha).round().astype(np.uint8)


def sum_text(evidence, index: int, name: str) -> str:
    """The logit as the sum the network computed (exact), or what occlusion measured; one
    term a line, so it reads as a sum in a narrow dock."""
    logit = float(evidence.logits[index])
    total = evidence.total(index)
    if evidence.exact:
        (bias, evidence_sum), shown_logit = written_sum(evidence.bias[index], total, total=logit)
        return (f"logit {name} = bias {number(bias)}\n+ evidence {number(evidence_sum)}\n"
                f"= {number(shown_logit)}")
    return (f"logit {name} = {number(logit)}\ncovering the drawing part by part changes it by "
            f"{number(total)} in all")


def method_text(evidence) -> str:
    """How the split was made, saying "exact" or "approximate" in any case."""
    word = "exact" if evidence.exact else "approximate"
    return evidence.method if word in evidence.method else f"{evidence.method} ({word})"


class EvidenceImage(QWidget):
    """The 28x28 overlay, square, whole device pixels per input pixel when it can."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._image = None
        self._buffer = None
        self.setMinimumSize(84, 84)  # 3 px per input pixel
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_rgb(self, rgb: np.ndarray | None) -> None:
        self._image, self._buffer = (None, None) if rgb is None else rgb_image(rgb)
        self.update()

    def shown_rgb(self) -> np.ndarray | None:
        return None if self._buffer is None else self._buffer.copy()

    def image_rect(self) -> QRectF:
        side = min(self.width(), self.height())
        ratio = self.devicePixelRatioF()
        side = max(FIELD, math.floor(side * ratio / FIELD) * FIELD) / ratio
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        # Small: in the dock's scroll area the preferred height is the height it gets; the
        # Expanding policy makes it as large as the dock allows.
        return QSize(112, 112)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        rect = self.image_rect()
        if self._image is None:
            painter.fillRect(rect, QColor(0, 0, 0))
        else:
            painter.drawImage(rect, self._image)
        painter.setPen(QPen(self.palette().mid().color(), 0))
        painter.drawRect(rect)
        painter.end()


class LogitTable(QWidget):
    """All classes' logits, two columns of rows; the explained class boxed, the prediction
    in the theme's winner colour. A click on a row emits `classClicked`."""

    classClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.classes: tuple[str, ...] = ()
        self.logits: np.ndarray | None = None
        self.explained = -1
        self.predicted = -1
        self.text_colour = QColor("white")
        self.winner_colour = QColor("orange")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click a class to see its evidence; click it again to go back to the prediction")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_logits(self, classes, logits, explained: int, predicted: int) -> None:
        self.classes, self.logits = tuple(classes), logits
        self.explained, self.predicted = explained, predicted
        self.updateGeometry()
        self.update()

    def _rows(self) -> int:
        return max(1, math.ceil(len(self.classes) / 2)) if self.classes else 5

    def _cell(self) -> tuple[float, float]:
        metrics = QFontMetricsF(self.font())
        return metrics.horizontalAdvance("0  " + "\u221288.88") + 14, metrics.height() + 2

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        w, h = self._cell()
        heading = QFontMetricsF(self.font()).height()
        return QSize(math.ceil(2 * w + 8), math.ceil(self._rows() * h + heading))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.sizeHint()

    def row_rect(self, index: int) -> QRectF:
        w, h = self._cell()
        heading = QFontMetricsF(self.font()).height()
        column, row = divmod(index, self._rows())
        return QRectF(column * (w + 8), heading + row * h, w, h)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setPen(self.text_colour)
        heading = QFontMetricsF(self.font()).height()
        painter.drawText(QRectF(0, 0, self.width(), heading), Qt.AlignmentFlag.AlignLeft, "class · logit")
        if self.logits is None:
            return
        for index, name in enumerate(self.classes):
            rect = self.row_rect(index)
            painter.setPen(self.winner_colour if index == self.predicted else self.text_colour)
            painter.drawText(rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             name)
            painter.drawText(rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             number(self.logits[index]))
            if index == self.explained:
                painter.setPen(QPen(self.text_colour, 2))
                painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        for index in range(len(self.classes)):
            if self.row_rect(index).contains(event.position()):
                self.classClicked.emit(index)
                return
        super().mousePressEvent(event)


class EvidenceDock(LazyDock):
    """objectName ``evidenceDock``; `listen_to(state)` for the chosen class."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Evidence", "evidenceDock", parent)
        self._state: ViewState | None = None
        self.explained = -1  # the class shown now; -1 when nothing is
        body = QWidget(self)
        body.setObjectName("evidenceBody")
        self.heading = QLabel(body)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.image = EvidenceImage(body)
        self.image.setToolTip("Red: this part of the drawing counts for the class · blue: against it")
        self.bar = DivergingBar(body)
        self.sum_label = QLabel(body)
        self.sum_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sum_label.setWordWrap(True)
        self.method_label = QLabel(body)
        self.method_label.setTextFormat(Qt.TextFormat.PlainText)
        self.method_label.setWordWrap(True)
        self.table = LogitTable(body)
        self.table.classClicked.connect(self._on_class_clicked)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.heading)
        text.addWidget(self.sum_label)
        text.addWidget(self.method_label)
        text.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.image, 3)
        row.addWidget(self.bar)
        row.addLayout(text, 2)
        row.addWidget(self.table, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(body)  # one row: the dock is usually a low strip beside the MaxPool maps
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addLayout(row, 1)
        self.set_body(body)
        self.toggleViewAction().setText("Evidence (why this answer?)")
        self.set_theme(self.theme)
        self.set_presentation(False)

    def listen_to(self, state: ViewState) -> None:
        self._state = state
        state.events.selected_class.connect(lambda _: self.refresh())
        self.refresh()

    def _on_class_clicked(self, index: int) -> None:
        if self._state is not None:
            self._state.toggle_class(index)

    def chosen_class(self) -> int | None:
        return None if self._state is None else self._state.selected_class

    def render(self) -> None:
        result = self.result
        evidence = None if result is None else getattr(result, "evidence", None)
        if result is None or evidence is None:
            self.explained = -1
            self.heading.setText("Evidence" if result is None else f"The network says {result.classes[result.prediction]}")
            self.sum_label.setText(EMPTY_TEXT if result is None else NO_EVIDENCE_TEXT)
            self.method_label.setText("")
            self.image.set_rgb(None)
            self.table.set_logits((), None, -1, -1)
            self.bar.set_limit(1.0)
            return
        predicted = result.prediction
        chosen = self.chosen_class()
        index = chosen if chosen is not None and chosen < evidence.maps.shape[0] else predicted
        self.explained = index
        name = result.classes[index]
        if index == predicted:
            self.heading.setText(f"Why {name}?")
            self.heading.setToolTip("Click another class (its bar, or its row in the table) to see its evidence")
        else:
            self.heading.setText(f"Evidence for {name} (answer: {result.classes[predicted]})")
            self.heading.setToolTip(f"Click {name} again to go back to the answer")
        maps = evidence.maps[index]
        limit = float(np.abs(maps).max()) or 1.0
        self.image.set_rgb(overlay_rgb(result.input_28, upsample(maps), limit))
        self.bar.set_limit(limit)
        self.sum_label.setText(sum_text(evidence, index, name))
        self.method_label.setText(method_text(evidence))
        self.table.set_logits(result.classes, evidence.logits, index, predicted)

    def set_theme(self, theme) -> None:
        for widget in (self.bar, self.table):
            widget.text_colour = QColor(theme.plot_text)
        self.table.winner_colour = QColor(theme.winner)
        super().set_theme(theme)

    def set_presentation(self, on: bool) -> None:
        self.heading.setFont(font(10, on, bold=True))
        self.sum_label.setFont(font(11, on, bold=True))
        for widget in (self.method_label, self.table, self.bar):
            widget.setFont(font(10, on))
        super().set_presentation(on)
