"""Compare two drawings: pin one (A), draw another (B), see A, B and B − A.

`CompareTools(window)` adds Edit ▸ Pin drawing for comparison (Ctrl+K; again: Unpin)
and the Compare dock. The pin is `ViewState.compare_pin` (the pinned Result). While a
drawing is pinned the dock shows, for the network's input, every stage and the
evidence of one class (the chosen one, else B's answer), three pictures in a row:
A | B | B − A, and both drawings' probabilities as pairs of bars. The numbers come from
`mnistviz.compare` (no arithmetic here); A and B share one colour scale per row, B − A
is diverging and centred on 0 (white: no change). Unpin hides the dock again.

The dock is a full-height column at the window's right edge, so the canvas stays where
it is and the maps get the height of the window; it repaints on palette (theme) and font
(presentation mode) changes by itself.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetricsF, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import QDockWidget, QSizePolicy, QWidget

from mnistviz import colormaps
from mnistviz.compare import CompareError, Comparison, Row, compare
from mnistviz.formatting import format_probability
from mnistviz.mosaic import MosaicLayout
from mnistviz.ui import theme as themes
from mnistviz.ui import window_layout
from mnistviz.ui.explain_common import MINUS, diverging_rgb, number

NO_PIN_TEXT = "Pin a drawing (Edit ▸ Pin drawing for comparison) to compare it with the next one."
NO_B_TEXT = "A is pinned. Now draw another digit (B) on the canvas."
PINNED_STATUS = "A is pinned: draw another digit (B) to compare."  # cleared once B is shown
COLUMNS = ("A · pinned", "B · now", "B − A")
SHORT_COLUMNS = ("A", "B", "B − A")
MOSAIC_CHOICES = (5, 2)  # 10 maps as 2 rows of 5 (a wide dock) or 5 rows of 2 (a narrow one)
DOCK_SHARE = 0.36  # of the window's width, when pinning shows the dock
DOCK_MIN_WIDTH = 320
# The maps' column keeps this much beside it (its tabs, the bar chart's 0-9 stay readable).
RIGHT_COLUMN_KEEPS = 600
SQUARE_MIN_SHARE = 0.12  # of the panel's picture height, at least, for the input and for the evidence


class ShownRow:
    """One row as painted: the values behind each picture (mosaics keep NaN gaps) and RGB."""

    def __init__(self, row: Row, layout: MosaicLayout | None, colormap: str):
        self.name = row.name
        self.row = row
        self.layout = layout
        self.values = tuple(self._tiled(v) for v in (row.a, row.b, row.diff))
        lo, hi = row.shared_range
        if row.signed:
            self.rgb = (diverging_rgb(self.values[0], hi), diverging_rgb(self.values[1], hi))
        elif layout is None:  # the input: grey, as the network sees it
            self.rgb = tuple(np.repeat((np.clip(v, 0, 1) * 255).astype(np.uint8)[..., None], 3, axis=2)
                             for v in self.values[:2])
        else:
            self.rgb = tuple(colormaps.apply(np.nan_to_num(v, nan=lo), lo, hi, colormap) for v in self.values[:2])
        self.rgb = (*self.rgb, diverging_rgb(np.nan_to_num(self.values[2]), row.diff_limit))
        self.images = [self._image(rgb, values) for rgb, values in zip(self.rgb, self.values)]

    def _tiled(self, values: np.ndarray) -> np.ndarray:
        if self.layout is None:
            return np.asarray(values, dtype=np.float64)
        return self.layout.fill(np.asarray(values, dtype=np.float64), self.layout.new_buffer(np.float64))

    @staticmethod
    def _image(rgb: np.ndarray, values: np.ndarray) -> QImage:
        """ARGB with the mosaic's gaps transparent (the panel's background shows through)."""
        h, w, _ = rgb.shape
        argb = np.empty((h, w, 4), np.uint8)
        argb[..., 0], argb[..., 1], argb[..., 2] = rgb[..., 2], rgb[..., 1], rgb[..., 0]
        argb[..., 3] = np.where(np.isnan(values), 0, 255)
        argb[np.isnan(values)] = 0
        return QImage(argb.tobytes(), w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied).copy()

    def scale_texts(self) -> tuple[str, ...]:
        """The colour scales in words, longest first (a narrow dock shows a shorter one)."""
        lo, hi = self.row.shared_range
        both = f"±{number(hi)}" if self.row.signed else f"{number(lo)} … {number(hi)}"
        change = f"B {MINUS} A: ±{number(self.row.diff_limit)}"
        return f"A, B: {both}   {change}", change, f"±{number(self.row.diff_limit)}"


class ComparePanel(QWidget):
    """Paints the comparison: a header, one row per picture kind, the probability pairs."""

    def __init__(self, theme_of, parent: QWidget | None = None):
        super().__init__(parent)
        self._theme_of = theme_of  # () -> Theme: the window's, read at paint time
        self.comparison: Comparison | None = None
        self.rows: list[ShownRow] = []
        self.message = NO_PIN_TEXT
        self.colormap = colormaps.DEFAULT
        self.mosaic_columns = MOSAIC_CHOICES[0]
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 320)

    def show_message(self, text: str) -> None:
        self.comparison, self.rows, self.message = None, [], text
        self.update()

    def show_comparison(self, comparison: Comparison, colormap: str) -> None:
        self.comparison, self.message, self.colormap = comparison, "", colormap
        self._build(self._best_columns())

    def _build(self, mosaic_columns: int) -> None:
        comparison = self.comparison
        self.mosaic_columns = mosaic_columns
        rows = [ShownRow(comparison.input, None, self.colormap)]
        for row in comparison.stages:
            layout = MosaicLayout.for_shape(row.a.shape, cols=min(mosaic_columns, row.a.shape[0]))
            rows.append(ShownRow(row, layout, self.colormap))
        if comparison.evidence is not None:
            rows.append(ShownRow(comparison.evidence, None, self.colormap))
        self.rows = rows
        self.update()

    def _best_columns(self) -> int:
        """Maps per mosaic row: 5 (2 rows of 5) in a wide dock, 2 (5 rows of 2) in a narrow,
        tall one; whichever shows the first stage's maps larger."""
        def zoom(columns: int) -> float:
            shapes, units = [(28, 28)], [28]  # the input (a square row)
            for row in self.comparison.stages:
                shapes.append(MosaicLayout.for_shape(row.a.shape, cols=min(columns, row.a.shape[0])).shape)
                units.append(row.a.shape[1])
            if self.comparison.evidence is not None:
                shapes.append((28, 28))
                units.append(28)
            return self._zooms(shapes, units)[1] if len(shapes) > 1 else 0.0
        return max(MOSAIC_CHOICES, key=zoom)

    def _zooms(self, shapes: list[tuple[int, int]], units: list[int] | None = None) -> list[float]:
        """Screen pixels per picture pixel, per row. The square pictures (input, evidence)
        get at least SQUARE_MIN_SHARE of the height each, the mosaics share the rest so that
        their maps come out equally large (`units`: a row's map height; 14x14 pooled maps
        were drawn at half the size of the 28x28 ones), and whatever width-limited mosaics
        leave over goes back to the squares."""
        units = units or [h for h, _ in shapes]
        line = self._metrics().height()
        width = self.column_width() - 6
        room = max(0.0, self.height() - line * 1.5 - self.chart_height() - len(shapes) * line * 1.3)
        squares = [i for i, (h, w) in enumerate(shapes) if h == w]
        mosaics = [i for i in range(len(shapes)) if i not in squares]
        zooms = [0.0] * len(shapes)
        for i in squares:
            h, w = shapes[i]
            zooms[i] = min(width / w, room * SQUARE_MIN_SHARE / h)
        left = room - sum(zooms[i] * shapes[i][0] for i in squares)
        in_maps = sum(shapes[i][0] / units[i] for i in mosaics)  # the mosaics' height in maps
        tile = left / in_maps if in_maps else 0.0
        for i in mosaics:
            zooms[i] = min(width / shapes[i][1], tile / units[i])
        spare = room - sum(z * h for z, (h, _) in zip(zooms, shapes))
        for i in squares:
            h, w = shapes[i]
            zooms[i] = min(width / w, zooms[i] + max(0.0, spare) / len(squares) / h)
        return [max(0.01, z) for z in zooms]

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.comparison is not None:
            best = self._best_columns()
            if best != self.mosaic_columns:
                self._build(best)

    def row(self, name: str) -> ShownRow:
        return next(r for r in self.rows if r.name == name)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(520, 640)

    # -- geometry ----------------------------------------------------------------------

    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.font())

    def chart_height(self) -> float:
        return max(self._metrics().height() * 7, self.height() * 0.16)

    def column_width(self) -> float:
        return (self.width() - 16) / 3

    def layout_rows(self) -> list[tuple[QRectF, list[QRectF]]]:
        """Per row, its heading line and its three pictures' rectangles (aspect kept,
        centred in their columns, under the heading)."""
        line = self._metrics().height()
        column_w = self.column_width()
        shapes = [row.values[0].shape for row in self.rows]
        units = [row.layout.height if row.layout is not None else h for row, (h, _) in zip(self.rows, shapes)]
        rects, y = [], line * 1.5
        for (h, w), zoom in zip(shapes, self._zooms(shapes, units)):
            heading = QRectF(8, y, self.width() - 16, line * 1.15)
            y += line * 1.2
            cells = [QRectF(8 + k * column_w + (column_w - w * zoom) / 2, y, w * zoom, h * zoom) for k in range(3)]
            rects.append((heading, cells))
            y += h * zoom + line * 0.1
        return rects

    def column_titles(self) -> tuple[str, ...]:
        """The long titles when they fit their columns, else just A, B, B − A."""
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetricsF(bold)
        fits = all(metrics.horizontalAdvance(t) <= self.column_width() - 4 for t in COLUMNS)
        return COLUMNS if fits else SHORT_COLUMNS

    # -- painting ----------------------------------------------------------------------

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name): theme and presentation
        super().changeEvent(event)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        theme = self._theme_of()
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(theme.plot_background))
        painter.setPen(QColor(theme.plot_text))
        metrics = self._metrics()
        line = metrics.height()
        if self.comparison is None:
            painter.drawText(QRectF(self.rect()).adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
            painter.end()
            return
        rows = self.layout_rows()
        column_w = self.column_width()
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        for k, title in enumerate(self.column_titles()):
            painter.drawText(QRectF(8 + k * column_w, 0, column_w, line * 1.4), Qt.AlignmentFlag.AlignCenter, title)
        for row, (heading, cells) in zip(self.rows, rows):
            painter.setFont(bold)
            painter.setPen(QColor(theme.plot_text))
            painter.drawText(heading, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, row.name)
            painter.setFont(self.font())
            painter.setPen(QColor(theme.plot_dim_text))
            room = heading.width() - QFontMetricsF(bold).horizontalAdvance(row.name) - line
            scale = next((t for t in row.scale_texts() if metrics.horizontalAdvance(t) <= room), "")
            painter.drawText(heading, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, scale)
            for image, rect in zip(row.images, cells):
                painter.drawImage(rect, image)  # no smoothing: every map pixel a sharp square
        painter.setFont(self.font())
        self._paint_chart(painter, theme)
        painter.end()

    def _paint_chart(self, painter: QPainter, theme: themes.Theme) -> None:
        """The ten classes' probabilities, A's bar beside B's, 0 to 100 %."""
        c = self.comparison
        metrics = self._metrics()
        line = metrics.height()
        area = QRectF(8, self.height() - self.chart_height(), self.width() - 16, self.chart_height() - 4)
        a_win, b_win = int(np.argmax(c.probabilities_a)), int(np.argmax(c.probabilities_b))
        colours = (QColor(theme.bar), QColor(theme.winner))
        x, y = area.left(), area.top()
        for name, values, win, colour in (("A", c.probabilities_a, a_win, colours[0]),
                                          ("B", c.probabilities_b, b_win, colours[1])):
            text = f"{name}: {c.classes[win]} ({format_probability(values[win])})"
            width = line * 0.9 + metrics.horizontalAdvance(text)
            if x > area.left() and x + width > area.right():
                x, y = area.left(), y + line  # a narrow panel: B's line under A's
            painter.fillRect(QRectF(x, y + line * 0.15, line * 0.7, line * 0.7), colour)
            painter.setPen(QColor(theme.plot_text))
            painter.drawText(QRectF(x + line * 0.9, y, area.width(), line), Qt.AlignmentFlag.AlignLeft, text)
            x += width + line
        extra = y - area.top()
        bars = QRectF(area.left(), area.top() + extra + line * 1.3, area.width(), area.height() - extra - line * 2.5)
        slot = bars.width() / len(c.classes)
        painter.setPen(QColor(theme.grid_line[:7]))
        painter.drawLine(bars.bottomLeft(), bars.bottomRight())
        for index, name in enumerate(c.classes):
            for k, (values, colour) in enumerate(zip((c.probabilities_a, c.probabilities_b), colours)):
                height = bars.height() * float(np.clip(values[index], 0, 1))
                x = bars.left() + index * slot + slot * (0.12 + 0.38 * k)
                painter.fillRect(QRectF(x, bars.bottom() - height, slot * 0.36, height), colour)
            painter.setPen(QColor(theme.plot_text))
            painter.drawText(QRectF(bars.left() + index * slot, bars.bottom(), slot, line * 1.2),
                             Qt.AlignmentFlag.AlignCenter, name)


class CompareDock(QDockWidget):
    """objectName ``compareDock``; hidden unless a drawing is pinned. `closed`: its close button."""

    closed = Signal()

    def __init__(self, theme_of, parent: QWidget | None = None):
        super().__init__("Compare: A | B | B − A", parent)
        self.setObjectName("compareDock")
        self.panel = ComparePanel(theme_of, self)
        self.setWidget(self.panel)
        self.toggleViewAction().setText("Compare (A | B | B − A)")

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().closeEvent(event)
        self.closed.emit()


class CompareTools(QObject):
    """Pin / Unpin (Edit menu, Ctrl+K), the Compare dock, and keeping it up to date."""

    def __init__(self, window):
        super().__init__(window)
        self._window = window
        self.state = window.view_state
        self._before_pin = None  # (dock state, right column share) to give back on unpinning
        self.dock = CompareDock(lambda: getattr(window, "theme", themes.DARK), window)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock, Qt.Orientation.Horizontal)
        self.dock.hide()
        self.pin_action = QAction("&Pin drawing for comparison", window)
        self.pin_action.setShortcut(QKeySequence("Ctrl+K"))  # K for keep: Ctrl+P plays a replay
        self.pin_action.setToolTip("Keep this drawing as A; the next drawing (B) is shown beside it, with B − A")
        self.pin_action.triggered.connect(self.toggle_pin)
        window.pin_action = self.pin_action
        edit_menu = next((a.menu() for a in window.menuBar().actions() if a.text() == "&Edit"), None)
        if edit_menu is not None:
            edit_menu.addSeparator()
            edit_menu.addAction(self.pin_action)
        else:
            window.addAction(self.pin_action)
        self.state.events.compare_pin.connect(self._on_pin_changed)
        self.state.events.selected_class.connect(lambda _: self.refresh())
        self.state.events.colormap.connect(lambda _: self.refresh())
        window.resultShown.connect(lambda _: self.refresh())
        self.dock.closed.connect(self.unpin)  # closing the dock is unpinning
        self.dock.visibilityChanged.connect(lambda visible: visible and self.refresh())
        presentation = getattr(window, "presentation_action", None)
        if presentation is not None:
            # F11 shares the screen out again, and leaving it restores the layout saved on
            # entering (the dock as it was then): once that is done, the pin decides.
            presentation.toggled.connect(
                lambda _: QTimer.singleShot(window_layout.RESTORE_DELAY_MS + 50, self, self._sync_dock))
        self._update_action()

    @property
    def pinned(self):
        return self.state.compare_pin

    def toggle_pin(self) -> None:
        """Pin what the window shows now as A, or unpin. Nothing drawn: nothing to pin (said why)."""
        if self.pinned is not None:
            self.state.compare_pin = None
        elif self._window.last_result is None:
            self._window.statusBar().showMessage("Draw a digit first: that drawing becomes A.", 8000)
        else:
            self.state.compare_pin = self._window.last_result

    def _on_pin_changed(self, result) -> None:
        self._update_action()
        if result is None:
            self.dock.hide()
            self._restore_columns()
            return
        window = self._window
        gallery = getattr(window, "gallery", None)
        if gallery is not None:  # its note promises every pinned drawing
            canvas = window.canvas
            drawing = None if canvas.previewing() else canvas.drawing()
            gallery.add(drawing if drawing is not None else canvas.shown_array(), result)
        # Unpinning gives back the columns as they are now (the gallery already in them).
        if self._before_pin is None and not window.isFullScreen():
            window.layout().activate()  # the gallery's tab laid out before the sizes are read
            self._before_pin = (window.saveState(), window.dock_share.share)
        self.dock.setFloating(False)
        # A full-height column at the right edge, wherever a restored layout had put it.
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock, Qt.Orientation.Horizontal)
        self.dock.show()
        self.dock.raise_()
        self._give_room()
        QTimer.singleShot(0, self, self._give_room)  # again once the column is laid out
        self._window.statusBar().showMessage(PINNED_STATUS, 8000)
        self.refresh()

    def _restore_columns(self) -> None:
        """The docks' sizes from before pinning: Qt gave the Compare column's width back to
        the canvas's neighbours unevenly, leaving the left column narrow."""
        saved, self._before_pin = self._before_pin, None
        window = self._window
        if saved is None or window.isFullScreen():
            return
        gallery = getattr(window, "gallery", None)
        gallery_shown = gallery is not None and gallery.isVisible()
        if gallery_shown:
            gallery.hide()  # restored untabbed on its way to hidden, it grew the window
        window.restoreState(saved[0])
        window.dock_share.share = saved[1]
        if gallery_shown:
            gallery.appear()  # saved during the pin: it stays

    def _sync_dock(self) -> None:
        if self.pinned is None:
            self.dock.hide()
        elif self._window.isFullScreen() or not self.dock.isVisible():
            self.dock.show()
            self._give_room()  # leaving full screen restored the column as it was: kept

    def _give_room(self) -> None:
        window = self._window
        if self.dock.isVisible() and not self.dock.isFloating():
            width = compare_width(window.width(), window.centralWidget().minimumSizeHint().width())
            # The rest shared as the window's share had it, the maps' column keeping its room.
            maps = max(RIGHT_COLUMN_KEEPS, round((window.width() - width) * window.dock_share.share))
            window.resizeDocks([self.dock, window.prediction_dock], [width, maps], Qt.Orientation.Horizontal)
            if not window.isFullScreen():  # kept when the window is resized (window_layout.RightColumnShare)
                window.dock_share.share = maps / max(1, window.width())

    def _update_action(self) -> None:
        self.pin_action.setText("Un&pin drawing (stop comparing)" if self.pinned is not None
                                else "&Pin drawing for comparison")

    def unpin(self) -> None:
        self.state.compare_pin = None

    def refresh(self) -> None:
        panel = self.dock.panel
        pinned, current = self.pinned, self._window.last_result
        if pinned is None:
            panel.show_message(NO_PIN_TEXT)
        elif current is None or current is pinned:
            panel.show_message(NO_B_TEXT)
        else:
            try:
                panel.show_comparison(compare(pinned, current, self.state.selected_class), self.state.colormap)
                if self._window.statusBar().currentMessage() == PINNED_STATUS:
                    self._window.statusBar().clearMessage()  # B is on screen: the hint is done
            except CompareError as error:
                panel.show_message(str(error))

    def comparison(self) -> Comparison | None:
        return self.dock.panel.comparison


def compare_width(window_width: int, left_column_min: int) -> int:
    """The Compare column's width: DOCK_SHARE of the window where that leaves the canvas's
    column and the maps' column their room, else what is left (at least DOCK_MIN_WIDTH)."""
    left_over = window_width - left_column_min - RIGHT_COLUMN_KEEPS
    return max(DOCK_MIN_WIDTH, min(int(window_width * DOCK_SHARE), left_over))


def untile(shown: ShownRow, which: int) -> np.ndarray:
    """The (C, H, W) maps behind picture `which` (0 A, 1 B, 2 B − A) of a stage row (tests)."""
    layout = shown.layout
    return np.stack([layout.tile(shown.values[which], i) for i in range(layout.channels)])

