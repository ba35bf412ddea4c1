"""The filters the network learned: Conv1's kernels and Conv2's, on one shared colour scale.

Conv1's 10 kernels sit in a row above Conv2's 10x10 grid, each above the Conv2 column
that reads the map it makes: row f of the grid holds the 10 kernels that together make
Conv2 map f. Red is a positive weight, blue a negative one; one scale for all (a
colour means the same weight everywhere). Hovering a map outlines the kernel(s) that
made it (Conv1 map f → kernel f; Conv2 or MaxPool map f → row f).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from mnistviz.ui.explain_common import CELL_EDGE, DivergingBar, LazyDock, diverging_rgb, font
from mnistviz.view_state import HoveredCell, ViewState

HIGHLIGHT = QColor(255, 200, 0)
MIN_UNIT_FOR_CELL_LINES = 5  # px per weight: below it, lines between weights would hide their colours
NO_FILTERS = "This model's filters could not be read, so they cannot be shown."
EMPTY = "Draw a digit: the filters of the loaded model appear here."


SATURATE_PERCENTILE = 98  # of all weights' sizes: the colour scale's end


def shared_limit(*layers: np.ndarray | None) -> float:
    """One scale for every kernel. Its end is the 98th percentile of the weights' sizes, not
    the largest: one outlier (the readout model has a 3.5 among Conv2 weights mostly under 1)
    would leave every other kernel, Conv1's included, an unreadable near-white. The few
    stronger weights show at full colour."""
    sizes = np.concatenate([np.abs(w).ravel() for w in layers if w is not None and w.size] or [np.ones(1)])
    limit = float(np.percentile(sizes, SATURATE_PERCENTILE))
    return limit if limit > 0 else 1.0


class KernelsView(QWidget):
    """Paints the kernels; `highlight` is ("conv1", f) or ("conv2", f) or None."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.conv1: np.ndarray | None = None  # (10, kh, kw)
        self.conv2: np.ndarray | None = None  # (out, in, kh, kw)
        self.limit = 1.0
        self.highlight: tuple[str, int] | None = None
        self.text_colour = QColor("white")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setToolTip(self.TEXT)

    def set_kernels(self, conv1: np.ndarray | None, conv2: np.ndarray | None) -> None:
        self.conv1, self.conv2 = conv1, conv2
        self.limit = shared_limit(conv1, conv2)
        self.update()

    def set_highlight(self, highlight: tuple[str, int] | None) -> None:
        if highlight != self.highlight:
            self.highlight = highlight
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(240, 150)  # small: the dock's scroll area gives its preferred height; it expands

    # -- geometry ----------------------------------------------------------------------
    # Column numbers on top (Conv1 kernel c makes the map Conv2's column c reads), the
    # Conv1 row, then the Conv2 grid with row numbers; what it all means to the right when
    # there is room. Sized from the height first: the dock usually sits in a low strip.

    GAP = 3.0
    TEXT = ("Top row: Conv1's kernels, one per map.\n"
            "Grid: Conv2's kernels. Row = the map it makes, column = the Conv1 map it reads.\n"
            "Red: positive weight · blue: negative · one scale for all (the strongest 2\u00a0% show at full colour).")
    TEXT_ROOM = 150.0  # px the explanation needs beside the grid, else it is left out

    def _shape(self) -> tuple[int, int, int]:
        """(grid rows, columns, kernel size)."""
        if self.conv2 is not None:
            return self.conv2.shape[0], self.conv2.shape[1], self.conv2.shape[-1]
        if self.conv1 is not None:
            return 0, len(self.conv1), self.conv1.shape[-1]
        return 0, 10, 3

    def _metrics(self) -> tuple[float, float]:
        m = QFontMetricsF(self.font())
        return m.horizontalAdvance("10") + 6, m.height()

    def _unit(self) -> float:
        """Pixels per weight: as large as the height allows, and the width."""
        label_w, line = self._metrics()
        rows, columns, k = self._shape()
        by_height = (self.height() - line - (rows + 2) * self.GAP) / ((rows + 1) * k)
        by_width = (self.width() - label_w - columns * self.GAP) / (columns * k)
        return max(1.0, math.floor(min(by_height, by_width)))

    def grid_width(self) -> float:
        label_w, _ = self._metrics()
        _, columns, k = self._shape()
        return label_w + columns * (self._unit() * k + self.GAP)

    def kernel_rect(self, layer: str, row: int, col: int = 0) -> QRectF:
        """Where a kernel is painted: ("conv1", f) or ("conv2", f, c)."""
        label_w, line = self._metrics()
        _, _, k = self._shape()
        side = self._unit() * k
        if layer == "conv1":
            return QRectF(label_w + row * (side + self.GAP), line, side, side)
        top = line + side + 2 * self.GAP
        return QRectF(label_w + col * (side + self.GAP), top + row * (side + self.GAP), side, side)

    def highlight_rect(self) -> QRectF | None:
        if self.highlight is None:
            return None
        layer, index = self.highlight
        if layer == "conv1" and self.conv1 is not None and index < len(self.conv1):
            return self.kernel_rect("conv1", index)
        if layer == "conv2" and self.conv2 is not None and index < self.conv2.shape[0]:
            first, last = self.kernel_rect("conv2", index, 0), self.kernel_rect("conv2", index, self.conv2.shape[1] - 1)
            return first.united(last)
        return None

    def shows_text(self) -> bool:
        return self.width() - self.grid_width() >= self.TEXT_ROOM

    def enlarged(self) -> tuple[str, list[np.ndarray]]:
        """What the room beside the grid shows for the highlight: a title and its kernels."""
        layer, index = self.highlight
        if layer == "conv1":
            return f"Conv1 map {index + 1} is made by this kernel:", [self.conv1[index]]
        return (f"Conv2 map {index + 1}: its {self.conv2.shape[1]} kernels, one per Conv1 map",
                list(self.conv2[index]))

    def enlarged_rects(self, room: QRectF, line: float) -> list[QRectF]:
        _, kernels = self.enlarged()
        k = kernels[0].shape[-1]
        per_row = min(len(kernels), 5)
        rows = math.ceil(len(kernels) / per_row)
        top = room.top() + 2.2 * line
        unit = max(2.0, math.floor(min((room.width() - per_row * 6) / (per_row * k),
                                       (room.bottom() - top - rows * 6) / (rows * k), 16)))
        side = unit * k
        return [QRectF(room.left() + (i % per_row) * (side + 6), top + (i // per_row) * (side + 6), side, side)
                for i in range(len(kernels))]

    def _paint_enlarged(self, painter: QPainter, room: QRectF, line: float) -> None:
        """The hovered map's kernels, large, on the same scale as the grid."""
        title, kernels = self.enlarged()
        painter.drawText(QRectF(room.left(), room.top(), room.width(), 2.2 * line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, title)
        for rect, kernel in zip(self.enlarged_rects(room, line), kernels):
            self._paint_kernel(painter, rect, kernel)

    # -- painting ----------------------------------------------------------------------

    def _paint_kernel(self, painter: QPainter, rect: QRectF, kernel: np.ndarray) -> None:
        colours = diverging_rgb(kernel, self.limit)
        kh, kw = kernel.shape
        unit = rect.width() / kw
        for (y, x), _ in np.ndenumerate(kernel):
            r, g, b = colours[y, x]
            painter.fillRect(QRectF(rect.left() + x * unit, rect.top() + y * unit, unit, unit),
                             QColor(int(r), int(g), int(b)))
        # A zero weight is white: on the light theme's white page it needs edges to be seen.
        painter.save()
        painter.setPen(QPen(CELL_EDGE, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if unit >= MIN_UNIT_FOR_CELL_LINES:
            for i in range(1, kw):
                x = round(rect.left() + i * unit) + 0.5
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            for i in range(1, kh):
                y = round(rect.top() + i * unit) + 0.5
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        painter.restore()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        label_w, line = self._metrics()
        painter.setPen(self.text_colour)
        _, columns, _ = self._shape()
        if self.conv1 is None and self.conv2 is None:
            return
        pitch = self.kernel_rect("conv1", 1).left() - self.kernel_rect("conv1", 0).left() if columns > 1 else 99
        every = 1 if QFontMetricsF(self.font()).horizontalAdvance("10") + 2 <= pitch else 3
        for c in range(columns):  # numbers of the maps: Conv1's kernels, Conv2's columns
            if c % every == 0 or c == columns - 1:
                rect = self.kernel_rect("conv1", c)
                painter.drawText(QRectF(rect.left() - 8, 0, rect.width() + 16, line), Qt.AlignmentFlag.AlignCenter,
                                 str(c + 1))
        if self.conv1 is not None:
            for f, kernel in enumerate(self.conv1):
                self._paint_kernel(painter, self.kernel_rect("conv1", f), kernel)
        if self.conv2 is not None:
            for f in range(self.conv2.shape[0]):
                rect = self.kernel_rect("conv2", f, 0)
                painter.setPen(self.text_colour)
                if f % every == 0 or f == self.conv2.shape[0] - 1:
                    painter.drawText(QRectF(0, rect.top() - 8, label_w - 4, rect.height() + 16),
                                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, str(f + 1))
                for c in range(self.conv2.shape[1]):
                    self._paint_kernel(painter, self.kernel_rect("conv2", f, c), self.conv2[f, c])
        if self.shows_text():
            left = self.grid_width() + 12
            room = QRectF(left, 0, self.width() - left, self.height())
            painter.setPen(self.text_colour)
            if self.highlight_rect() is not None:
                self._paint_enlarged(painter, room, line)
            else:
                painter.drawText(room, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                                 | Qt.TextFlag.TextWordWrap, self.TEXT)
        rect = self.highlight_rect()
        if rect is not None:
            painter.setPen(QPen(HIGHLIGHT, 2.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(-2, -2, 2, 2))
        painter.end()


class FiltersDock(LazyDock):
    """objectName ``filtersDock``. Renders when the model's network changes (not per drawing)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Filters", "filtersDock", parent)
        self._network = None
        body = QWidget(self)
        body.setObjectName("filtersBody")
        self.message = QLabel(EMPTY, body)
        self.message.setWordWrap(True)
        self.kernels = KernelsView(body)
        self.bar = DivergingBar(body, "weight", "weight")
        row = QHBoxLayout()
        row.addWidget(self.kernels, 1)
        row.addWidget(self.bar)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.addWidget(self.message)
        layout.addLayout(row, 1)
        self.set_body(body)
        self.toggleViewAction().setText("Filters (learned kernels)")
        self.set_theme(self.theme)
        self.set_presentation(False)

    def listen_to(self, state: ViewState) -> None:
        state.events.hovered.connect(self.set_hovered)

    def show_result(self, result) -> None:
        network = None if result is None else getattr(result, "network", None)
        first = self.result is None and result is not None
        self.result = result
        if network is not self._network or first:  # kernels change with the model, not the drawing
            self._network = network
            self.refresh()

    def set_hovered(self, cell: HoveredCell | None) -> None:
        """Outline the kernel(s) that made the hovered map."""
        if cell is None:
            self.kernels.set_highlight(None)
        elif cell.stage == 0:
            self.kernels.set_highlight(("conv1", cell.filter))
        else:  # Conv2, and MaxPool, whose map f is Conv2's map f pooled
            self.kernels.set_highlight(("conv2", cell.filter))

    def render(self) -> None:
        network = self._network
        conv1 = None if network is None or network.conv1 is None else network.conv1.weight[:, 0]
        conv2 = None if network is None or network.conv2 is None else network.conv2.weight
        if network is not None and network.conv1 is not None and network.conv1.weight.shape[1] != 1:
            conv1 = None  # a colour input: not three-by-three numbers per map
        self.kernels.set_kernels(conv1, conv2)
        shown = conv1 is not None or conv2 is not None
        self.kernels.setVisible(shown)
        self.bar.setVisible(shown)
        self.bar.set_limit(self.kernels.limit)
        self.message.setVisible(not shown)
        self.message.setText(EMPTY if self.result is None and network is None else NO_FILTERS)

    def set_theme(self, theme) -> None:
        self.kernels.text_colour = QColor(theme.plot_text)
        self.bar.text_colour = QColor(theme.plot_text)
        super().set_theme(theme)

    def set_presentation(self, on: bool) -> None:
        for widget in (self.message, self.kernels, self.bar):
            widget.setFont(font(10, on))
        super().set_presentation(on)
