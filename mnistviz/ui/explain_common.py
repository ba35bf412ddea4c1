"""Parts the explanation docks share: rendering only while visible, a diverging colour
table (for / against, centred on zero), a painted grid of numbers and a colour bar.

`LazyDock` is why a hidden Evidence, Filters or Network dock costs nothing per drawing:
`show_result` only stores the Result; the dock renders when it is on screen and catches
up when it comes back. A tab behind another dock counts as hidden: Qt keeps it "visible"
but moves it off its parent, so the test is the region it can paint, and the catch-up
follows `visibilityChanged`, which Qt emits when a tab is selected.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea, QSizePolicy, QWidget

from mnistviz import colormaps
from mnistviz.ui import theme as themes

MINUS = "\u2212"  # a real minus sign: a hyphen is too short to read from the back of a room
CELL_EDGE = QColor(128, 128, 128, 140)  # around each number's cell: zero is white


def number(value: float, digits: int = 2, sign: bool = False) -> str:
    """A value with a real minus sign; `sign` adds "+" to positive ones."""
    value = float(value)
    if not math.isfinite(value):
        return "–"
    text = f"{abs(value):.{digits}f}"
    if value < 0 and text.strip("0.") != "":
        return MINUS + text
    return ("+" if sign and text.strip("0.") != "" else "") + text


def written_sum(*parts: float, total: float, digits: int = 2) -> tuple[list[float], float]:
    """The parts and total to write with `digits` decimals so that, as written, they add up.

    The total is rounded as usual; if the rounded parts miss it, the parts whose rounding
    lost the most take the difference, one last digit each ("2.41 + 0.00 = 2.42" becomes
    "2.42 + 0.00 = 2.42"). Every written part stays within one last digit of its value,
    and the class reads two decimals everywhere instead of "0.5915 + 8.0849 = 8.6764"."""
    step = 10.0 ** -digits
    shown_total = round(float(total), digits)
    shown = [round(float(p), digits) for p in parts]
    missing = round((shown_total - sum(shown)) / step)
    if missing and abs(missing) <= len(parts):
        direction = 1 if missing > 0 else -1
        # the parts that were rounded furthest away from the direction needed go first
        order = sorted(range(len(parts)), key=lambda i: (float(parts[i]) - shown[i]) * direction, reverse=True)
        for i in order[:abs(missing)]:
            shown[i] = round(shown[i] + direction * step, digits)
    return shown, shown_total


def diverging_lut() -> np.ndarray:
    """(256, 3) uint8: blue (against) - white (zero) - red (for), the table the export uses."""
    return colormaps.lut(colormaps.DIVERGING)


def diverging_rgb(values: np.ndarray, limit: float) -> np.ndarray:
    """Values in [-limit, limit] -> (..., 3) uint8; zero is the table's middle."""
    return colormaps.apply_signed(np.asarray(values, float), limit)


def diverging_colour(value: float, limit: float) -> QColor:
    r, g, b = diverging_rgb(np.array([value]), limit)[0]
    return QColor(int(r), int(g), int(b))


def rgb_image(rgb: np.ndarray) -> tuple[QImage, np.ndarray]:
    """(H, W, 3) uint8 -> a QImage and the buffer that must live as long as it."""
    buffer = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, _ = buffer.shape
    return QImage(buffer.data, w, h, 3 * w, QImage.Format.Format_RGB888), buffer


def font(points: float, presentation: bool, bold: bool = False) -> QFont:
    result = QFont()
    result.setPointSizeF(points * (1.5 if presentation else 1.0))
    result.setBold(bold)
    return result


class LazyDock(QDockWidget):
    """A dock that renders the newest Result only while it is visible.

    Subclasses implement `render()` (reading `self.result`) and call `refresh()` when a
    choice they show changes. `render_count` counts real renders (tests, the bench)."""

    def __init__(self, title: str, object_name: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.setObjectName(object_name)
        self.result = None
        self.render_count = 0
        self.theme = themes.DARK
        self.presentation = False
        self._stale = True
        self.visibilityChanged.connect(self._on_visibility_changed)

    def set_body(self, body: QWidget) -> None:
        """The dock's contents, in a scroll area: a tab beside the Input dock must not make
        the window's minimum size larger (the grids of numbers have a fixed size)."""
        self.body = body
        scroll = QScrollArea(self)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.setWidget(scroll)

    def show_result(self, result) -> None:
        self.result = result
        self.refresh()

    def is_on_screen(self) -> bool:
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def refresh(self) -> None:
        self._stale = True
        if self.is_on_screen():
            self._render_now()

    def _on_visibility_changed(self, visible: bool) -> None:
        if visible and self._stale:  # caught up with whatever happened while it was hidden
            self._render_now()

    def _render_now(self) -> None:
        self._stale = False
        self.render_count += 1
        self.render()

    def render(self) -> None:  # pragma: no cover - every subclass has one
        raise NotImplementedError

    def is_stale(self) -> bool:
        return self._stale

    def set_theme(self, theme: themes.Theme) -> None:
        self.theme = theme
        self.widget().setStyleSheet(f"QScrollArea, #{self.body.objectName()} {{ background: {theme.plot_background}; }} "
                                    f"QLabel {{ color: {theme.plot_text}; }}")
        self.refresh()

    def set_presentation(self, on: bool) -> None:
        self.presentation = on
        self.setFont(font(10, on, bold=True))
        self.refresh()


class NumberGrid(QWidget):
    """A small table of numbers painted as coloured cells (diverging around zero), a caption
    above; one cell may be marked (the max-pool winner). Readable from a projector: the
    numbers are never smaller than the panel's type."""

    def __init__(self, caption: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = caption
        self.values: np.ndarray | None = None
        self.limit = 1.0
        self.marked: tuple[int, int] | None = None
        self.digits = 2
        self.text_colour = QColor("white")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_values(self, values: np.ndarray | None, limit: float | None = None, caption: str | None = None,
                   marked: tuple[int, int] | None = None) -> None:
        self.values = None if values is None else np.asarray(values, float)
        if self.values is not None:
            peak = float(np.abs(self.values).max()) if self.values.size else 0.0
            self.limit = limit if limit else (peak or 1.0)
        if caption is not None:
            self.caption = caption
        self.marked = marked
        self.updateGeometry()
        self.update()

    def _cell(self) -> tuple[float, float]:
        """As wide as the widest number shown (at least "0.00"), with a little room."""
        metrics = QFontMetricsF(self.font())
        texts = ["0.00"] if self.values is None else [self.text_of(r, c) for r, c in np.ndindex(self.values.shape)]
        return max(metrics.horizontalAdvance(t) for t in texts) + 8, metrics.height() + 6

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        rows, cols = (3, 3) if self.values is None else self.values.shape
        w, h = self._cell()
        caption_h = QFontMetricsF(self.font()).height() + 4
        caption_w = QFontMetricsF(self.font()).horizontalAdvance(self.caption) + 4
        return QSize(math.ceil(max(cols * w, caption_w)) + 2, math.ceil(rows * h + caption_h) + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.sizeHint()

    def text_of(self, row: int, col: int) -> str:
        return number(self.values[row, col], self.digits)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        metrics = QFontMetricsF(self.font())
        caption_h = metrics.height() + 4
        painter.setPen(self.text_colour)
        painter.drawText(QRectF(0, 0, self.width(), caption_h), Qt.AlignmentFlag.AlignLeft, self.caption)
        if self.values is None:
            return
        w, h = self._cell()
        for (row, col), value in np.ndenumerate(self.values):
            rect = QRectF(1 + col * w, caption_h + row * h, w - 2, h - 2)
            fill = diverging_colour(value, self.limit)
            painter.fillRect(rect, fill)
            painter.setPen(CELL_EDGE)  # zero is white: on a light theme the cell needs an edge
            painter.drawRect(rect)
            dark_text = fill.lightnessF() > 0.55
            painter.setPen(QColor(20, 20, 20) if dark_text else QColor(250, 250, 250))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text_of(row, col))
        if self.marked is not None:
            row, col = self.marked
            painter.setPen(QPen(QColor(255, 200, 0), 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(1 + col * w, caption_h + row * h, w - 2, h - 2).adjusted(1, 1, -1, -1))
        painter.end()


class DivergingBar(QWidget):
    """A vertical colour bar for values in [-limit, limit]: "for" on top, "against" below."""

    def __init__(self, parent: QWidget | None = None, top: str = "for", bottom: str = "against"):
        super().__init__(parent)
        self.limit = 1.0
        self.words = (top, bottom)
        self.text_colour = QColor("white")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

    def set_limit(self, limit: float) -> None:
        self.limit = float(limit)
        self.update()

    def labels(self) -> list[str]:
        """Top to bottom, as painted."""
        return [f"{number(self.limit, sign=True)} {self.words[0]}", "0",
                f"{number(-self.limit)} {self.words[1]}"]

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        metrics = QFontMetricsF(self.font())
        return QSize(math.ceil(18 + 6 + max(metrics.horizontalAdvance(t) for t in self.labels())) + 4, 84)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(self.sizeHint().width(), 60)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        metrics = QFontMetricsF(self.font())
        margin = metrics.height() / 2 + 1
        bar = QRectF(2, margin, 16, max(1.0, self.height() - 2 * margin))
        gradient = QLinearGradient(bar.topLeft(), bar.bottomLeft())
        lut = diverging_lut()
        for stop in range(0, 256, 16):
            r, g, b = lut[255 - stop]
            gradient.setColorAt(stop / 255, QColor(int(r), int(g), int(b)))
        r, g, b = lut[0]
        gradient.setColorAt(1.0, QColor(int(r), int(g), int(b)))
        painter.fillRect(bar, gradient)
        painter.setPen(self.text_colour)
        for text, y in zip(self.labels(), (bar.top(), bar.center().y(), bar.bottom())):
            painter.drawText(QRectF(bar.right() + 6, y - margin, self.width(), 2 * margin),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        painter.end()
