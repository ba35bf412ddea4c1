"""How this value is made: the arithmetic behind the feature-map cell under the pointer.

* Conv1: the 3x3 patch of the (normalised) input, the 3x3 kernel, their nine products,
  then "sum + bias = total → ReLU → value".
* Conv2: one partial sum per input map (patch × kernel, summed); click one to see that
  map's patch, kernel and products; then the partial sums + bias → ReLU.
* MaxPool: the 2x2 window of Conv2 values with the largest one marked.

The cell comes from `ViewState.hovered`; the panel keeps the last cell when the pointer
leaves the maps, so it can be read (and its rows clicked). Numbers come from
`mnistviz.explain.cell_arithmetic`, which checks them against the model's own value;
where it cannot (a model whose layers were not recovered), the panel says so.
"""

from __future__ import annotations

import numpy as np
import math

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from mnistviz.explain import ConvCell, PoolCell, SumCell, cell_arithmetic
from mnistviz.ui.explain_common import CELL_EDGE, LazyDock, NumberGrid, diverging_colour, font, number, written_sum
from mnistviz.view_state import HoveredCell, ViewState

HINT = "Hover over a cell of a Conv1, Conv2 or MaxPool map to see how its value is made."
UNAVAILABLE = ("The arithmetic is not available for this model: mnistviz could not read how its "
               "layers compute their maps, so it will not show sums it cannot check.")


def relu_text(total: float, value: float, digits: int = 2) -> str:
    return (f"{number(total, digits)} → ReLU → {number(value, digits)}"
            + ("  (negative becomes 0)" if total < 0 else ""))


def sum_line(what: str, parts_sum: float, bias: float, total: float, value: float) -> str:
    """"<what> 1.59 + bias −0.42 = 1.17 → ReLU → 1.17": two decimals, written so that they
    add up (explain_common.written_sum)."""
    (parts_sum, bias), shown_total = written_sum(parts_sum, bias, total=total)
    shown_value = max(shown_total, 0.0)  # ReLU of the total as written
    return f"{what} {number(parts_sum)} + bias {number(bias)} = {relu_text(shown_total, shown_value)}"


def normalised_note(mean: float, std: float) -> str:
    """Why the patch shows −0.42 for black: the values the network really multiplies."""
    paper, ink = (number((v - mean) / std) for v in (0.0, 1.0))
    return (f"The network sees normalised pixels: (value − {mean:g}) ÷ {std:g}, "
            f"so blank paper is {paper} and full ink {ink}.")


class GridsRow(QWidget):
    """patch × kernel = products, three number grids in a row."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.patch, self.kernel, self.products = NumberGrid(), NumberGrid(), NumberGrid()
        self.signs = [QLabel("×"), QLabel("=")]
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in (self.patch, self.signs[0], self.kernel, self.signs[1], self.products):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignTop if isinstance(widget, NumberGrid)
                             else Qt.AlignmentFlag.AlignVCenter)
        layout.addStretch(1)

    def set_grids(self, patch, kernel, products, patch_caption: str, kernel_caption: str) -> None:
        self.patch.set_values(patch, caption=patch_caption)
        self.kernel.set_values(kernel, caption=kernel_caption)
        self.products.set_values(products, caption="products")

    def set_text_colour(self, colour) -> None:
        for grid in (self.patch, self.kernel, self.products):
            grid.text_colour = colour
            grid.update()


class PartialSums(QWidget):
    """Conv2's partial sums as clickable chips, five to a row, coloured like the products
    (red adds, blue takes away); the expanded one is outlined. `chosen(index)` on a click."""

    chosen = Signal(int)
    PER_ROW = 2  # a narrow block beside the patch and kernel: the dock is a low strip

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.values = np.zeros(0)
        self.selected = -1
        self.caption = ""
        self.text_colour = QColor("white")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click a partial sum to see its patch, kernel and products")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_values(self, values: np.ndarray, selected: int, caption: str) -> None:
        self.values, self.selected, self.caption = np.asarray(values, float), selected, caption
        self.updateGeometry()
        self.update()

    def text_of(self, index: int) -> str:
        return f"{index + 1}: {number(self.values[index])}"

    def _chip(self) -> tuple[float, float]:
        metrics = QFontMetricsF(self.font())
        widest = max([metrics.horizontalAdvance(self.text_of(i)) for i in range(len(self.values))] or [40.0])
        return widest + 12, metrics.height() + 3

    def chip_rect(self, index: int) -> QRectF:
        w, h = self._chip()
        top = QFontMetricsF(self.font()).height() + 2
        row, column = divmod(index, self.PER_ROW)
        return QRectF(column * (w + 3), top + row * (h + 2), w, h)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        w, h = self._chip()
        metrics = QFontMetricsF(self.font())
        rows = max(1, math.ceil(len(self.values) / self.PER_ROW))
        width = max(self.PER_ROW * (w + 3), metrics.horizontalAdvance(self.caption) + 4)
        return QSize(math.ceil(width), math.ceil(metrics.height() + 2 + rows * (h + 2)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.sizeHint()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.setPen(self.text_colour)
        painter.drawText(QRectF(0, 0, self.width(), QFontMetricsF(self.font()).height() + 2),
                         Qt.AlignmentFlag.AlignLeft, self.caption)
        limit = float(np.abs(self.values).max()) if self.values.size else 1.0
        for index, value in enumerate(self.values):
            rect = self.chip_rect(index)
            fill = diverging_colour(value, limit or 1.0)
            painter.fillRect(rect, fill)
            painter.setPen(CELL_EDGE)
            painter.drawRect(rect)
            painter.setPen(QColor(20, 20, 20) if fill.lightnessF() > 0.55 else QColor(250, 250, 250))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text_of(index))
            if index == self.selected:
                painter.setPen(QPen(QColor(255, 200, 0), 3))
                painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        for index in range(len(self.values)):
            if self.chip_rect(index).contains(event.position()):
                self.chosen.emit(index)
                return
        super().mousePressEvent(event)


class ArithmeticDock(LazyDock):
    """objectName ``arithmeticDock``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("How it's made", "arithmeticDock", parent)
        self.cell: HoveredCell | None = None
        self.shown = None  # the ConvCell | SumCell | PoolCell on show, or None
        self.channel: int | None = None  # Conv2: the input map whose patch is expanded
        self._source = "input"  # the stage Conv2 reads, for the chips' caption
        body = QWidget(self)
        body.setObjectName("arithmeticBody")
        self.heading = QLabel(HINT, body)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.pages = QStackedWidget(body)
        self.message = QLabel(HINT)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.pages.addWidget(self.message)

        conv_page = QWidget()
        self.conv_grids = GridsRow(conv_page)
        self.conv_sum = QLabel(conv_page)
        self.conv_sum.setWordWrap(True)
        conv_layout = QVBoxLayout(conv_page)
        conv_layout.setContentsMargins(0, 0, 0, 0)
        conv_layout.addWidget(self.conv_grids)
        conv_layout.addWidget(self.conv_sum)
        self.conv_note = QLabel(conv_page)  # why black is not 0 in the patch
        self.conv_note.setWordWrap(True)
        conv_layout.addWidget(self.conv_note)
        conv_layout.addStretch(1)
        self.pages.addWidget(conv_page)

        sum_page = QWidget()
        self.partials = PartialSums(sum_page)
        self.partials.chosen.connect(self.expand_channel)
        self.channel_text = QLabel(sum_page)
        self.channel_text.setWordWrap(True)
        self.sum_text = QLabel(sum_page)
        self.sum_text.setWordWrap(True)
        self.sum_grids = GridsRow(sum_page)
        # patch × kernel only: their nine products summed are the chosen chip's number
        self.sum_grids.products.hide()
        self.sum_grids.signs[1].hide()
        right = QVBoxLayout()
        right.setSpacing(2)
        right.addWidget(self.sum_grids)
        right.addWidget(self.channel_text)
        right.addStretch(1)
        parts = QHBoxLayout()
        parts.addWidget(self.partials, 0, Qt.AlignmentFlag.AlignTop)
        parts.addLayout(right, 1)
        sum_layout = QVBoxLayout(sum_page)  # the result first: the parts below may need scrolling
        sum_layout.setContentsMargins(0, 0, 0, 0)
        sum_layout.setSpacing(2)
        sum_layout.addWidget(self.sum_text)
        sum_layout.addLayout(parts, 1)
        self.pages.addWidget(sum_page)

        pool_page = QWidget()
        self.pool_grid = NumberGrid()
        self.pool_text = QLabel(pool_page)
        self.pool_text.setWordWrap(True)
        pool_layout = QHBoxLayout(pool_page)
        pool_layout.setContentsMargins(0, 0, 0, 0)
        pool_layout.addWidget(self.pool_grid, 0, Qt.AlignmentFlag.AlignTop)
        pool_layout.addWidget(self.pool_text, 1, Qt.AlignmentFlag.AlignTop)
        self.pages.addWidget(pool_page)

        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.heading)
        layout.addWidget(self.pages, 1)
        self.set_body(body)
        self.toggleViewAction().setText("How this value is made")
        self.set_theme(self.theme)
        self.set_presentation(False)

    def listen_to(self, state: ViewState) -> None:
        state.events.hovered.connect(self.set_cell)

    def set_cell(self, cell: HoveredCell | None) -> None:
        """A new cell to explain; None (the pointer left the maps) keeps the last one."""
        if cell is None or cell == self.cell:
            return
        self.cell = cell
        self.channel = None
        self.refresh()

    def stage_names(self) -> list[str]:
        return [] if self.result is None else list(self.result.stages)

    def render(self) -> None:
        result, cell = self.result, self.cell
        self.shown = None
        if result is None or cell is None:
            self.heading.setText("How this value is made")
            self.message.setText(HINT)
            self.pages.setCurrentIndex(0)
            return
        names = self.stage_names()
        if cell.stage >= len(names):
            self.message.setText(HINT)
            self.pages.setCurrentIndex(0)
            return
        value = float(result.stages[names[cell.stage]][cell.filter, cell.row, cell.col])
        self.heading.setText(f"{names[cell.stage]} · filter {cell.filter + 1} · row {cell.row}, col {cell.col}"
                             f" = {number(value)}")
        network = getattr(result, "network", None)
        arithmetic = None if network is None else cell_arithmetic(network, result, *cell)
        self.shown = arithmetic
        if isinstance(arithmetic, ConvCell):
            self._show_conv(arithmetic)
        elif isinstance(arithmetic, SumCell):
            self._show_sum(arithmetic, names)
        elif isinstance(arithmetic, PoolCell):
            self._show_pool(arithmetic, names)
        else:
            self.message.setText(UNAVAILABLE)
            self.pages.setCurrentIndex(0)

    def _show_conv(self, cell: ConvCell) -> None:
        network = self.result.network
        size = self.result.input_28.shape[0]
        half = cell.patch.shape[0] // 2
        at_edge = min(cell.row, cell.col) < half or max(cell.row, cell.col) >= size - half
        self.conv_note.setText(normalised_note(network.mean, network.std)
                               + (" Outside the picture (the padding) it is 0." if at_edge else ""))
        self.conv_grids.patch.setToolTip("The input pixels under the kernel, normalised as the network sees them")
        self.conv_grids.set_grids(cell.patch, cell.kernel, cell.products, "input patch",
                                  f"kernel {cell.filter + 1}")
        self.conv_sum.setText(sum_line("sum of the nine products", cell.products.sum(), cell.bias, cell.total,
                                       cell.value))
        self.pages.setCurrentIndex(1)

    def _show_sum(self, cell: SumCell, names: list[str]) -> None:
        count = len(cell.partial_sums)
        if self.channel is None or self.channel >= count:
            self.channel = int(np.argmax(np.abs(cell.partial_sums)))  # the map that matters most
        self._source = names[0] if names else "input"
        self._show_channel(cell)
        self.sum_text.setText(sum_line(f"sum of the {count} partial sums", cell.partial_sums.sum(), cell.bias,
                                       cell.total, cell.value))
        self.pages.setCurrentIndex(2)

    def _show_channel(self, cell: SumCell) -> None:
        c = self.channel
        self.partials.set_values(cell.partial_sums, c, "one sum per map:")
        self.sum_grids.set_grids(cell.patches[c], cell.kernels[c], cell.patches[c] * cell.kernels[c],
                                 f"{self._source.split()[0]} map {c + 1}", f"kernel {c + 1} of filter {cell.filter + 1}")
        self.channel_text.setText(f"map {c + 1}: the nine products summed = {number(cell.partial_sums[c])}")

    def expand_channel(self, channel: int) -> None:
        """Conv2: show the patch, kernel and products of input map `channel` (0-based)."""
        if isinstance(self.shown, SumCell) and 0 <= channel < len(self.shown.partial_sums):
            self.channel = channel
            self._show_channel(self.shown)

    def _show_pool(self, cell: PoolCell, names: list[str]) -> None:
        size = cell.window.shape[0]
        source = names[cell.stage - 1] if cell.stage >= 1 else "the previous stage"
        r0, c0 = cell.row * size, cell.col * size
        self.pool_grid.set_values(cell.window, caption=f"{source}, map {cell.filter + 1}", marked=cell.winner)
        self.pool_text.setText(f"The largest of these {size * size} values, rows {r0}–{r0 + size - 1}, "
                               f"columns {c0}–{c0 + size - 1} (boxed), is kept: {number(cell.value)}.\n"
                               "Pooling halves the map and keeps the strongest response in each window.")
        self.pages.setCurrentIndex(3)

    def set_theme(self, theme) -> None:
        colour = QColor(theme.plot_text)
        for row in (self.conv_grids, self.sum_grids):
            row.set_text_colour(colour)
        self.pool_grid.text_colour = colour
        self.partials.text_colour = colour
        super().set_theme(theme)

    def set_presentation(self, on: bool) -> None:
        grids = (self.conv_grids.patch, self.conv_grids.kernel, self.conv_grids.products, self.sum_grids.patch,
                 self.sum_grids.kernel, self.sum_grids.products, self.pool_grid)
        for widget in (*grids, self.message, self.conv_sum, self.conv_note, self.sum_text, self.channel_text,
                       self.pool_text,
                       self.partials,
                       *self.conv_grids.signs, *self.sum_grids.signs):
            widget.setFont(font(10, on))
        self.heading.setFont(font(10, on, bold=True))
        super().set_presentation(on)
