"""The class probabilities as bars, and the predicted class large with its probability.

One `BarGraphItem` created once and updated in place with ``setOpts(height=...,
brushes=...)``; the winning class gets the highlight colour the PNG export uses too.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QDockWidget, QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mnistviz.formatting import WIDEST_PROBABILITY_TEXTS, format_probability
from mnistviz.model_meta import DEFAULT_CLASSES
from mnistviz.result import Result
from mnistviz.ui import theme as themes

BAR_WIDTH = 0.7
SELECTION_WIDTH = 0.96
ANSWER_CAPTION = "the network's answer"
EMPTY_TEXT = "?"

# Font sizes in points: (normal, presentation)
_SIZES = {"title": (10, 16), "digit": (64, 84), "probability": (20, 28), "caption": (11, 16), "axis": (10, 16)}


def keep_painted(*items: QGraphicsItem) -> None:
    """Cache what each item paints as a pixmap (Qt's DeviceCoordinateCache), for items that look
    the same result after result: a repaint around them then copies the pixmap instead of
    running their paint (pyqtgraph's axes run Python). Each item's own update() (a new pen,
    font or range) clears its cache, so it never goes stale."""
    for item in items:
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def _font(role: str, presentation: bool, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(_SIZES[role][1 if presentation else 0])
    font.setBold(bold)
    return font


class PredictionDock(QDockWidget):
    """Bars for every class, the winner highlighted; the predicted digit large, its probability below.
    A click on a bar emits `classClicked(index)`; `set_selected_class` outlines the class the
    Evidence dock explains (None: the predicted one, no outline)."""

    classClicked = Signal(int)  # 0-based class whose bar (or its label) was clicked

    def __init__(self, parent: QWidget | None = None, classes: tuple[str, ...] = DEFAULT_CLASSES):
        super().__init__("Prediction", parent)
        self.setObjectName("predictionDock")
        self._classes: tuple[str, ...] = ()
        self._presentation = False
        self._winner = -1
        self._selected: int | None = None
        self._empty_look: bool | None = None
        self._theme = themes.DARK
        self._brush = pg.mkBrush(self._theme.bar)
        self._winner_brush = pg.mkBrush(self._theme.winner)

        body = QWidget(self)
        body.setObjectName("predictionBody")
        self.digit_label = QLabel(EMPTY_TEXT, body)
        self.digit_label.setObjectName("predictionLabel")
        self.digit_label.setTextFormat(Qt.TextFormat.PlainText)  # a class label from a model file is text
        self.digit_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.probability_label = QLabel("", body)
        self.probability_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(body)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        left = QVBoxLayout()
        left.addStretch(1)
        left.addWidget(self.digit_label)
        left.addWidget(self.probability_label)
        left.addWidget(self.caption)
        left.addStretch(1)

        self.plot_widget = pg.GraphicsLayoutWidget(body)
        self.plot = self.plot_widget.addPlot(row=0, col=0)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.disableAutoRange()
        # Grid lines as fixed items (showGrid would clip the "0 %" and "100 %" labels).
        self._grid_lines = []
        for level in (0.25, 0.5, 0.75, 1.0):
            line = pg.InfiniteLine(level, angle=0, movable=False)
            self.plot.addItem(line, ignoreBounds=True)
            self._grid_lines.append(line)
        self.plot.getAxis("left").setStyle(hideOverlappingLabels=False)  # keep "0 %" and "100 %"
        self.plot.getAxis("bottom").setStyle(tickLength=0)  # class labels only, no marks over the bars
        keep_painted(self.plot.getAxis("left"), self.plot.getAxis("bottom"), *self._grid_lines)
        self.plot.getAxis("left").setTicks([[(v, f"{v * 100:.0f} %") for v in (0.0, 0.25, 0.5, 0.75, 1.0)]])
        self.bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=BAR_WIDTH,
                                    brush=self._brush, pen=None)
        self.plot.addItem(self.bars)
        # The chosen class's whole column is tinted: its bar may be too small to see an outline on.
        self.selection_band = pg.BarGraphItem(x=[0], height=[1.0], width=SELECTION_WIDTH, pen=None)
        self.selection_band.setZValue(-5)
        self.selection_band.setVisible(False)
        self.plot.addItem(self.selection_band)
        self.plot_widget.scene().sigMouseClicked.connect(self._on_plot_clicked)
        self.plot_widget.setToolTip("Click a bar to see the evidence for that class; click it again to go back")

        layout = QHBoxLayout(body)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addLayout(left, 0)
        layout.addWidget(self.plot_widget, 1)
        self.setWidget(body)

        self.set_classes(classes)
        self.set_theme(self._theme)
        self.set_presentation(False)
        self.show_result(None)

    def set_classes(self, classes: tuple[str, ...]) -> None:
        """Adapt to a model's classes: bar count, tick labels, x range."""
        classes = tuple(classes)
        if classes == self._classes:
            return
        self._classes = classes
        k = len(classes)
        self._heights = np.zeros(k)
        self._brushes = [self._brush] * k
        self.bars.setOpts(x=np.arange(k), height=self._heights, width=BAR_WIDTH, brushes=list(self._brushes))
        self._selected = None
        self._outline_selected()
        self.plot.getAxis("bottom").setTicks([[(i, c) for i, c in enumerate(classes)]])
        self._fix_label_sizes()
        # A little headroom above 100 % so the top tick label is not cut off.
        self.plot.setRange(xRange=(-0.6, k - 0.4), yRange=(0.0, 1.04), padding=0)
        self._winner = -1

    def show_result(self, result: Result | None) -> None:
        """Bars and label for `result`; None empties them (all bars 0, a dash)."""
        if result is None:
            self._heights[:] = 0.0
            self._set_winner(-1)
            self.bars.setOpts(height=self._heights, brushes=self._brushes)
            self.digit_label.setText(EMPTY_TEXT)
            self.probability_label.setText("")
            self._set_empty_look(True)
            return
        if tuple(result.classes) != self._classes:
            self.set_classes(result.classes)
        np.copyto(self._heights, np.clip(result.probabilities, 0.0, 1.0))
        winner = result.prediction
        self._set_winner(winner)
        self.bars.setOpts(height=self._heights, brushes=self._brushes)
        self.digit_label.setText(self._classes[winner])
        self.probability_label.setText(format_probability(result.confidence))
        self._set_empty_look(False)

    def _set_empty_look(self, empty: bool) -> None:
        if empty == self._empty_look:
            return  # style sheets re-polish the widget: only on a change
        self._empty_look = empty
        self._colour_labels()
        self._show_caption()

    def _colour_labels(self) -> None:
        colour = self._theme.plot_dim_text if self._empty_look else self._theme.winner
        self.digit_label.setStyleSheet(f"color: {colour};")
        self.probability_label.setStyleSheet(f"color: {colour};")

    def set_theme(self, theme: themes.Theme) -> None:
        """Colours of the panel, axes, bars and labels from `theme` (fonts are untouched)."""
        self._theme = theme
        self.widget().setStyleSheet(f"#predictionBody {{ background: {theme.plot_background}; }}")
        self.caption.setStyleSheet(f"color: {theme.plot_dim_text};")
        self.plot_widget.setBackground(theme.plot_background)
        for line in self._grid_lines:
            line.setPen(pg.mkPen(themes.qcolor(theme.grid_line)))
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setTextPen(theme.plot_text)
            axis.setPen(theme.plot_dim_text)
        self._brush.setColor(themes.qcolor(theme.bar))
        self._winner_brush.setColor(themes.qcolor(theme.winner))
        self.bars.setOpts(brushes=list(self._brushes))  # the same brush objects, new colours
        self._outline_selected()  # the outline is drawn in the theme's text colour
        if self._empty_look is not None:
            self._colour_labels()

    def _set_winner(self, winner: int) -> None:
        if winner == self._winner:
            return
        if 0 <= self._winner < len(self._brushes):
            self._brushes[self._winner] = self._brush
        if winner >= 0:
            self._brushes[winner] = self._winner_brush
        self._winner = winner

    def set_presentation(self, on: bool) -> None:
        """Bigger fonts for a projector."""
        self._presentation = on
        self.setFont(_font("title", on, bold=True))
        self.digit_label.setFont(_font("digit", on, bold=True))
        self.probability_label.setFont(_font("probability", on, bold=True))
        self.caption.setFont(_font("caption", on))
        axis_font = _font("axis", on)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setTickFont(axis_font)
        self._fix_label_sizes()
        self.plot.getAxis("left").setWidth(80 if on else 48)
        self.plot.getAxis("bottom").setHeight(36 if on else 24)

    def _fix_label_sizes(self) -> None:
        """Room for the widest text, fixed: the bars never jump when the prediction changes, and
        a new text is only repainted. (A label that may change size makes every new text lay
        the dock out again: about 1 ms per result, measured with `mnistviz bench`.)"""
        probability = QFontMetrics(self.probability_label.font())
        digit = QFontMetrics(self.digit_label.font())
        widest = max(*(probability.horizontalAdvance(text) for text in WIDEST_PROBABILITY_TEXTS),
                     *(digit.horizontalAdvance(text) for text in (*self._classes, EMPTY_TEXT)),
                     QFontMetrics(self.caption.font()).horizontalAdvance(ANSWER_CAPTION))
        self.digit_label.setFixedSize(widest + 16, digit.height())
        self.probability_label.setFixedSize(widest + 16, probability.height())

    # -- choosing a class to explain -------------------------------------------------------

    def listen_to(self, state) -> None:
        """Clicks select a class in the view state (`toggle_class`); its choice is outlined."""
        self.classClicked.connect(state.toggle_class)
        state.events.selected_class.connect(self.set_selected_class)

    def _on_plot_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self._classes:
            return
        point = self.plot.vb.mapSceneToView(event.scenePos())
        index = int(round(point.x()))
        # The whole column counts (a tiny bar is hard to hit), the class label under it too.
        if 0 <= index < len(self._classes) and abs(point.x() - index) <= 0.5:
            event.accept()
            self.classClicked.emit(index)

    def set_selected_class(self, index: int | None) -> None:
        self._selected = index
        self._outline_selected()

    def _outline_selected(self) -> None:
        pens = [None] * len(self._classes)
        chosen = self._selected is not None and self._selected < len(pens)
        if chosen:
            pens[self._selected] = pg.mkPen(self._theme.plot_text, width=3, style=Qt.PenStyle.DashLine)
            band = themes.qcolor(self._theme.highlight)
            band.setAlpha(90)
            self.selection_band.setOpts(x=[self._selected], height=[1.0], width=SELECTION_WIDTH,
                                        brush=pg.mkBrush(band),
                                        pen=pg.mkPen(self._theme.highlight, width=2, style=Qt.PenStyle.DashLine))
        self.selection_band.setVisible(chosen)
        self.bars.setOpts(pens=pens)
        self._show_caption()

    def _show_caption(self) -> None:
        if self._empty_look is None:
            return
        if self._empty_look:
            self.caption.setText("Draw a digit")
        elif self._selected is not None and self._selected < len(self._classes):
            self.caption.setText(f"showing evidence for {self._classes[self._selected]}")
        else:
            self.caption.setText(ANSWER_CAPTION)

    def chosen_column(self) -> int | None:
        """The class whose column is tinted as chosen, or None (for tests)."""
        return int(self.selection_band.opts["x"][0]) if self.selection_band.isVisible() else None

    def selected_class(self) -> int | None:
        return self._selected

    def bar_centre(self, index: int):
        """Where bar `index`'s middle (half its full height) is, in the plot widget's coordinates."""
        from PySide6.QtCore import QPointF
        scene = self.plot.vb.mapViewToScene(QPointF(index, 0.5))
        return self.plot_widget.mapFromScene(scene)

    # -- for tests and the window -------------------------------------------------------

    def bar_heights(self) -> np.ndarray:
        return np.asarray(self.bars.opts["height"], dtype=float).copy()

    def bar_brushes(self) -> list:
        return list(self.bars.opts["brushes"])

    def winner(self) -> int:
        """Index of the highlighted class; -1 in the empty state."""
        return self._winner

    def is_empty(self) -> bool:
        return self._winner < 0
