"""The replay timeline under the canvas: Play (½×, 1×, 2×), a slider through the drawing's
time, and a small plot of the ten probabilities over that time, so a class sees where the
1 turned into a 7. A view only: it says where the user scrubbed (`scrubbed(t_ms)`) and
shows what it is given; `replay_controller.ReplayController` does the rest.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QSlider, QToolButton, QVBoxLayout, QWidget

from mnistviz.replay import SPEEDS, ProbabilityCurves
from mnistviz.ui import theme as themes

# Ten colours that stay apart on a projector (Tableau 10), one per class.
CLASS_COLOURS = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
                 "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC")
SLIDER_STEP_MS = 100  # arrow keys on the focused slider; Page Up / Down move a second
BUTTON_HEIGHT = 34  # as the canvas panel's tool buttons
PLOT_MIN_HEIGHT = 56  # the curves and the digit labels still read; the canvas keeps the rest


CAPTION_MARGIN = 14  # px between the caption and the right edge, where the "now" line stands when live


def seconds(t_ms: float) -> str:
    return f"{t_ms / 1000:.1f} s"


def place_labels(wanted: list[tuple[float, float]], room: float, gap: float) -> list[tuple[int, float]]:
    """[(index, x)] for labels wanting to start at x with width w (`wanted` = [(x, w)], left to
    right), none past `room`, at least `gap` apart. A label that does not fit is left out, except
    the last (the leader at the end of the drawing): earlier labels make way for it."""
    placed: list[tuple[int, float]] = []
    right = -1e9
    for index, (x, width) in enumerate(wanted):
        x = max(min(x, room - width), right + gap, 0.0)
        if x + width <= room:
            placed.append((index, x))
            right = x + width
        elif index == len(wanted) - 1:
            x = max(0.0, room - width)
            while placed and placed[-1][1] + wanted[placed[-1][0]][1] + gap > x:
                placed.pop()
            placed.append((index, x))
    return placed


class ProbabilityPlot(QWidget):
    """The ten probabilities against drawing time; the leading class's digit where it took the
    lead; the stroke ends as ticks; the current moment as a line. Click or drag to scrub."""

    scrubbed = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.curves: ProbabilityCurves | None = None
        self.start_ms, self.end_ms, self.position_ms = 0.0, 1.0, 1.0
        self.stroke_ends = np.zeros(0)
        self.busy = False  # the curves are being computed
        self.caption = ""  # "7.2 s / 12.9 s": painted in the plot, so the row above stays narrow
        self._theme = themes.resolve(themes.FALLBACK)
        self._cache: tuple[tuple, QPixmap] | None = None
        self.label_rects: list[tuple[str, QRectF]] = []  # the digit labels as last painted (tests)
        self.setMinimumHeight(PLOT_MIN_HEIGHT)
        self.setToolTip("The ten class probabilities while the digit was drawn; click or drag to go to a moment")
        self.setAccessibleName("Probabilities over the drawing's time")

    def set_span(self, start_ms: float, end_ms: float, stroke_ends) -> None:
        self.start_ms, self.end_ms = float(start_ms), max(float(end_ms), float(start_ms) + 1.0)
        self.stroke_ends = np.asarray(stroke_ends, dtype=np.float64)
        self.update()

    def set_curves(self, curves: ProbabilityCurves | None, busy: bool = False) -> None:
        self.curves, self.busy = curves, busy
        self.update()

    def set_position(self, t_ms: float, caption: str = "") -> None:
        self.position_ms, self.caption = float(t_ms), caption
        self.update()

    def _caption_room(self) -> float:
        """Where the caption starts (the longest it can be for this span): the digit labels stop before it."""
        font = QFont(self.font())
        font.setBold(True)
        widest = f"{seconds(self.end_ms - self.start_ms)} / {seconds(self.end_ms - self.start_ms)}  live"
        return self.width() - CAPTION_MARGIN - QFontMetrics(font).horizontalAdvance(widest)

    def set_theme(self, theme) -> None:
        self._theme = theme
        self.update()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.FontChange:  # presentation mode: taller, for the larger digits
            self.setMinimumHeight(max(PLOT_MIN_HEIGHT, round(3.5 * self.fontMetrics().height())))
            self.updateGeometry()
        super().changeEvent(event)

    def sizeHint(self) -> QSize:
        # Taller when the window has room; never below the minimum, so a 720-pixel projector fits.
        return QSize(400, max(self.minimumHeight(), 6 * self.fontMetrics().height()))

    def _plot_rect(self) -> QRectF:
        label = self.fontMetrics().height()
        return QRectF(6, label + 4, max(1, self.width() - 12), max(1, self.height() - label - 10))

    def x_of(self, t_ms: float) -> float:
        rect = self._plot_rect()
        return rect.left() + (t_ms - self.start_ms) / (self.end_ms - self.start_ms) * rect.width()

    def t_of(self, x: float) -> float:
        rect = self._plot_rect()
        fraction = min(1.0, max(0.0, (x - rect.left()) / rect.width()))
        return self.start_ms + fraction * (self.end_ms - self.start_ms)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.scrubbed.emit(self.t_of(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.scrubbed.emit(self.t_of(event.position().x()))

    def paintEvent(self, event: QPaintEvent) -> None:
        # The curves are drawn once into a pixmap (10 paths of up to 200 points cost ~8 ms);
        # scrubbing only moves the line over it.
        curves = self.curves
        winner_now = -1 if curves is None or not len(curves.times) else int(
            curves.leaders()[curves.index_at(self.position_ms)])
        dpr = self.devicePixelRatioF()
        key = (self.width(), self.height(), dpr, self.font().key(), self._theme, id(curves), self.busy, winner_now,
               self.start_ms, self.end_ms, self.stroke_ends.tobytes())
        if self._cache is None or self._cache[0] != key:
            pixmap = QPixmap(round(self.width() * dpr), round(self.height() * dpr))
            pixmap.setDevicePixelRatio(dpr)
            background = QPainter(pixmap)
            self._paint_background(background, winner_now)
            background.end()
            self._cache = (key, pixmap)
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._cache[1])
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(self._theme.plot_text))
        painter.drawText(QRectF(0, 0, self.width() - CAPTION_MARGIN, painter.fontMetrics().height() + 2),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.caption)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(self._theme.winner), 2))
        x = self.x_of(self.position_ms)
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.end()

    def _paint_background(self, painter: QPainter, winner_now: int) -> None:
        theme, rect = self._theme, self._plot_rect()
        painter.fillRect(QRectF(0, 0, self.width(), self.height()), QColor(theme.plot_background))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        grid = QPen(themes.qcolor(theme.grid_line), 1)  # #RRGGBBAA
        painter.setPen(grid)
        for level in (0.0, 0.5, 1.0):
            y = rect.bottom() - level * rect.height()
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        for end in self.stroke_ends:  # where the pen lifted
            x = self.x_of(end)
            painter.drawLine(QPointF(x, rect.bottom() - 6), QPointF(x, rect.bottom() + 4))
        curves = self.curves
        if curves is None or not len(curves.times):
            painter.setPen(QColor(theme.plot_dim_text))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                             "Working out the probabilities…" if self.busy else "")
        else:
            self._paint_curves(painter, curves, rect, winner_now)

    def _paint_curves(self, painter: QPainter, curves: ProbabilityCurves, rect: QRectF, winner_now: int) -> None:
        xs = [self.x_of(t) for t in curves.times]
        order = [c for c in range(curves.probabilities.shape[1]) if c != winner_now] + [winner_now]
        for klass in order:  # the class leading now drawn last, thickest
            if klass < 0:
                continue
            path, drawing = QPainterPath(), False
            for x, p in zip(xs, curves.probabilities[:, klass]):
                if not np.isfinite(p):
                    drawing = False
                    continue
                point = QPointF(x, rect.bottom() - float(p) * rect.height())
                if drawing:
                    path.lineTo(point)
                else:
                    path.moveTo(point)
                    drawing = True
            colour = QColor(CLASS_COLOURS[klass % len(CLASS_COLOURS)])
            painter.setPen(QPen(colour, 3.5 if klass == winner_now else 1.5))
            painter.drawPath(path)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        turns = curves.turns()  # the new leader's name where it took the lead
        names = [curves.classes[t.after] if t.after < len(curves.classes) else str(t.after) for t in turns]
        gap = metrics.horizontalAdvance("0")  # "5 7", never "57": a digit's width apart
        wanted = [(self.x_of(t.t_ms), float(metrics.horizontalAdvance(n))) for t, n in zip(turns, names)]
        self.label_rects = []
        for index, x in place_labels(wanted, self._caption_room() - gap, gap):
            painter.setPen(QColor(CLASS_COLOURS[turns[index].after % len(CLASS_COLOURS)]))
            painter.drawText(QPointF(x, metrics.ascent() + 1), names[index])
            self.label_rects.append((names[index], QRectF(x, 0, wanted[index][1], metrics.height())))


class Timeline(QWidget):
    """`scrubbed(t_ms)` when the user moves the slider or clicks the plot; `playClicked()`;
    `speedChosen(speed)`. The controller calls `set_span`, `set_position`, `set_curves`,
    `set_playing`, `set_speed`."""

    scrubbed = Signal(float)
    playClicked = Signal()
    speedChosen = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("replayTimeline")
        self._start_ms = 0.0
        self.play_button = QToolButton()
        self.play_button.setMinimumHeight(BUTTON_HEIGHT)
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.play_button.clicked.connect(self.playClicked)
        self.speed_buttons: dict[float, QToolButton] = {}
        for speed in SPEEDS:
            button = QToolButton()
            button.setText({0.5: "½×", 1.0: "1×", 2.0: "2×"}.get(speed, f"{speed:g}×"))
            button.setToolTip(f"Replay at {'real' if speed == 1 else 'half' if speed == 0.5 else 'double'} speed")
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(BUTTON_HEIGHT)
            button.clicked.connect(lambda _=False, s=speed: self.speedChosen.emit(s))
            self.speed_buttons[speed] = button
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Replay position")
        self.slider.setToolTip("Drag to go back through the drawing; every panel shows that moment "
                               "(Ctrl+Left / Ctrl+Right: stroke by stroke)")
        self.slider.setSingleStep(SLIDER_STEP_MS)
        self.slider.setPageStep(1000)
        self.slider.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab stays on the canvas tools
        self.slider.valueChanged.connect(self._on_slider)
        self.plot = ProbabilityPlot()
        self.plot.scrubbed.connect(self.scrubbed)

        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.play_button)
        for button in self.speed_buttons.values():
            row.addWidget(button)
        row.addWidget(self.slider, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.plot)
        self.set_playing(False)
        self.set_speed(1.0)

    # -- what the controller sets -------------------------------------------------------

    def set_span(self, start_ms: float, end_ms: float, stroke_ends) -> None:
        self._start_ms = float(start_ms)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(1, round(end_ms - start_ms)))
        self.slider.blockSignals(False)
        self.plot.set_span(start_ms, end_ms, stroke_ends)

    def set_position(self, t_ms: float, live: bool) -> None:
        """Move the slider and the plot's line without emitting `scrubbed`."""
        self.slider.blockSignals(True)
        self.slider.setValue(self.slider.maximum() if live else round(t_ms - self._start_ms))
        self.slider.blockSignals(False)
        end_ms = self._start_ms + self.slider.maximum()
        self.plot.set_position(t_ms, f"{seconds(t_ms - self._start_ms)} / {seconds(end_ms - self._start_ms)}"
                               + ("  live" if live else ""))

    def set_curves(self, curves: ProbabilityCurves | None, busy: bool = False) -> None:
        self.plot.set_curves(curves, busy)

    def set_playing(self, playing: bool) -> None:
        self.play_button.setText("❚❚ Pause" if playing else "▶ Play")
        self.play_button.setToolTip("Pause the replay" if playing else
                                    "Replay the drawing as it was drawn; every panel follows")

    def set_speed(self, speed: float) -> None:
        self.speed_buttons[speed].setChecked(True)

    def set_theme(self, theme) -> None:
        self.plot.set_theme(theme)

    # -- internals ----------------------------------------------------------------------

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        # View ▸ Theme sets the application palette: the plot follows it without the window's help.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            dark = self.palette().window().color().lightnessF() < 0.5
            self.plot.set_theme(themes.DARK if dark else themes.LIGHT)
        super().changeEvent(event)

    def _on_slider(self, value: int) -> None:
        self.scrubbed.emit(self._start_ms + value)
