"""Quiz mode: predict, then reveal. The class guesses before it sees the network's answer.

View ▸ Quiz mode (F5) shows an amber banner across the top of the window (in the menu
bar, right of the menus) and covers everything that shows the answer (the Prediction,
Evidence, Network (its class-score thumbnail), Compare and Gallery docks, and the replay
timeline's probability curves) with a large "?" and "Guess first". Space reveals the
answer for the drawing on screen; the next change to the drawing (or another model)
covers it again. "Hide the maps too" in the banner covers the feature-map docks (and
closes the enlarged map). F5 again or Esc leaves quiz mode; nothing is ever cleared.

The hiding is all here, in one place: an `AnswerCover` is an opaque widget laid over a
dock's contents. The docks themselves do not know about the quiz, so nothing a dock
adds later (a label, a tooltip, a thumbnail) can leak the answer while it is covered.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import QCheckBox, QDockWidget, QHBoxLayout, QLabel, QSizePolicy, QWidget

from mnistviz.ui import theme as themes

# The docks that show the answer: the Network dock's class-score thumbnail and the gallery's
# captions give it away too.
ANSWER_DOCKS = ("predictionDock", "evidenceDock", "networkDock", "compareDock", "galleryDock")
MAP_DOCKS = ("stageDock1", "stageDock2", "stageDock3")
TIMELINE_COVER = "replayCurves"  # the key of the cover over the replay timeline's probability plot
# Each text longest first: a narrow dock or window shows the first that fits.
GUESS_TEXTS = ("Guess first! Press Space to reveal", "Space reveals", "Space")
MAPS_TEXTS = ("Maps hidden for the quiz", "Maps hidden", "")
BANNER_HIDDEN = ("QUIZ  ·  What will the network answer? Everyone guesses, then press Space to reveal."
                 "   (F5 or Esc: leave the quiz)",
                 "QUIZ  ·  Guess first, then press Space to reveal   (Esc: leave)",
                 "QUIZ  ·  Space reveals   (Esc: leave)")
BANNER_SHOWN = ("QUIZ  ·  Revealed. Draw the next digit to guess again.   (F5 or Esc: leave the quiz)",
                "QUIZ  ·  Revealed: draw the next digit   (Esc: leave)",
                "QUIZ  ·  Revealed   (Esc: leave)")
BANNER_COLOUR = "#F2B705"  # amber: unlike any colour of the maps or the bars
BANNER_TEXT = "#14171A"


class VariantLabel(QLabel):
    """One line showing the longest of its texts that fits; never widens the window."""

    def __init__(self, variants: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.variants = variants
        self._choose()

    def set_variants(self, variants: tuple[str, ...]) -> None:
        self.variants = variants
        self._choose()

    def _choose(self) -> None:
        metrics = self.fontMetrics()
        self.setText(next((v for v in self.variants if metrics.horizontalAdvance(v) <= self.width()),
                          self.variants[-1]))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._choose()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._choose()

    def minimumSizeHint(self):  # noqa: N802 (Qt name)
        size = super().minimumSizeHint()
        size.setWidth(self.fontMetrics().horizontalAdvance(self.variants[-1]))
        return size


class Banner(QWidget):
    """The quiz banner: the menu bar places its corner widget by its size hint."""

    wanted_width = 0

    def sizeHint(self):  # noqa: N802 (Qt name)
        hint = super().sizeHint()
        hint.setWidth(max(hint.width() if not self.wanted_width else 0, self.wanted_width))
        return hint


class AnswerCover(QWidget):
    """Opaque, over a dock's contents (not its title bar) or over a whole widget: a large
    "?" and a line of text."""

    def __init__(self, host: QWidget, texts: tuple[str, ...], big: str, theme_of):
        super().__init__(host)
        self.setObjectName("quizCover")
        self.host = host
        self.texts = texts
        self.big = big
        self._theme_of = theme_of
        self._picture_key = None
        self._picture = QImage()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAutoFillBackground(False)
        self.hide()
        host.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest, QEvent.Type.Show) and self.isVisible():
            self.fit()
        return False

    def area(self):
        """A dock: its contents' rectangle (below the title bar); any other widget: all of it."""
        content = self.host.widget() if isinstance(self.host, QDockWidget) else None
        return content.geometry() if content is not None else self.host.rect()

    def fit(self) -> None:
        self.setGeometry(self.area())
        self.raise_()

    def cover(self, on: bool) -> None:
        if on:
            self.fit()
            self.show()
            self.raise_()
        else:
            self.hide()

    def text(self) -> str:
        """The longest of the texts that fits the cover's width on one line."""
        metrics = self.fontMetrics()
        return next((t for t in self.texts if metrics.horizontalAdvance(t) <= self.width() - 12), self.texts[-1])

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        theme = self._theme_of()
        ratio = self.devicePixelRatioF()
        key = (self.width(), self.height(), ratio, theme.name, self.font().toString(), self.text())
        if key != self._picture_key:
            # Drawn once per size: a large glyph is not always rasterised alike from one paint
            # to the next, and the cover must paint the same pixels whatever lies under it.
            self._picture_key, self._picture = key, self._draw_picture(theme, ratio)
        painter = QPainter(self)
        painter.drawImage(self.rect(), self._picture)
        painter.end()

    def _draw_picture(self, theme: themes.Theme, ratio: float) -> QImage:
        image = QImage(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)),
                       QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(ratio)
        image.fill(QColor(theme.plot_background))
        painter = QPainter(image)
        painter.setPen(QColor(theme.plot_text))
        big = QFont(self.font())
        big.setBold(True)
        big.setPixelSize(max(12, min(int(self.height() * 0.45), int(self.width() * 0.3))))
        text_h = self.fontMetrics().height() * 2.4
        painter.setFont(big)
        painter.drawText(QRectF(0, 0, self.width(), max(1.0, self.height() - text_h)),
                         Qt.AlignmentFlag.AlignCenter, self.big)
        painter.setFont(self.font())
        painter.drawText(QRectF(6, self.height() - text_h, self.width() - 12, text_h),
                         Qt.AlignmentFlag.AlignCenter, self.text())
        painter.end()
        return image


class QuizMode(QObject):
    """The quiz's state (active, answer hidden, maps hidden), its actions and its banner."""

    changed = Signal()  # after any change of active / hidden / hide_maps

    def __init__(self, window):
        super().__init__(window)
        self._window = window
        self.active = False
        self.hidden = False
        self.hide_maps = False
        theme_of = lambda: getattr(window, "theme", themes.DARK)  # noqa: E731
        self.covers: dict[str, AnswerCover] = {}
        for dock in window.findChildren(QDockWidget):
            name = dock.objectName()
            if name in ANSWER_DOCKS:
                self.covers[name] = AnswerCover(dock, GUESS_TEXTS, "?", theme_of)
            elif name in MAP_DOCKS:
                self.covers[name] = AnswerCover(dock, MAPS_TEXTS, "?", theme_of)
        # The replay timeline's probability curves name the answer too.
        curves = getattr(getattr(getattr(window, "replay", None), "timeline", None), "plot", None)
        if isinstance(curves, QWidget):
            self.covers[TIMELINE_COVER] = AnswerCover(curves, GUESS_TEXTS, "?", theme_of)

        self.quiz_action = QAction("&Quiz mode (guess, then reveal)", window)
        self.quiz_action.setCheckable(True)
        self.quiz_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.quiz_action.setToolTip("Hide the network's answer until Space is pressed, so the class guesses first")
        self.quiz_action.triggered.connect(self.set_active)
        self.reveal_action = QAction("Reveal the answer (quiz)", window)
        self.reveal_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.reveal_action.setEnabled(False)
        self.reveal_action.triggered.connect(self.reveal)
        window.quiz_action, window.reveal_action = self.quiz_action, self.reveal_action
        view_menu = next((a.menu() for a in window.menuBar().actions() if a.text() == "&View"), None)
        for action in (self.quiz_action, self.reveal_action):
            if view_menu is not None:
                view_menu.addAction(action)
            else:
                window.addAction(action)

        self.banner = self._make_banner(window)
        window.canvas.strokeChanged.connect(self._on_drawing_changed)
        window.modelChanged.connect(lambda _: self._on_drawing_changed())  # another model: another answer

    def _make_banner(self, window) -> QWidget:
        """An amber strip filling the menu bar right of its menus: seen at once, and it adds
        no height (a toolbar would push a 1280x800 window off the screen)."""
        body = Banner()
        body.setObjectName("quizBanner")
        body.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        layout = QHBoxLayout(body)
        layout.setContentsMargins(10, 0, 10, 0)
        self.banner_label = VariantLabel(BANNER_HIDDEN, body)
        self.banner_label.setObjectName("quizBannerText")
        self.maps_box = QCheckBox("Hide the maps too", body)
        self.maps_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space stays the reveal key
        self.maps_box.toggled.connect(self.set_hide_maps)
        layout.addWidget(self.banner_label, 1)
        layout.addWidget(self.maps_box)
        body.setStyleSheet(f"#quizBanner {{ background: {BANNER_COLOUR}; }} "
                           f"QLabel, QCheckBox {{ color: {BANNER_TEXT}; }} QLabel {{ font-weight: bold; }}")
        bar = window.menuBar()
        bar.setCornerWidget(body, Qt.Corner.TopRightCorner)
        bar.installEventFilter(self)
        body.hide()
        return body

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Resize and self.banner.isVisible():
            self._fit_banner()
        return False

    def _fit_banner(self) -> None:
        """As wide as the menu bar has room for, right of its last menu."""
        bar = self._window.menuBar()
        menus = [a for a in bar.actions() if a.isVisible()]
        right = max((bar.actionGeometry(a).right() for a in menus), default=0)
        width = max(160, bar.width() - right - 12)
        if width != self.banner.wanted_width:
            self.banner.wanted_width = width
            bar.setCornerWidget(self.banner, Qt.Corner.TopRightCorner)  # lays the bar out again

    # -- the mode ----------------------------------------------------------------------

    def set_active(self, on: bool) -> None:
        on = bool(on)
        self.quiz_action.setChecked(on)
        if on == self.active:
            return
        self.active = on
        self.reveal_action.setEnabled(on)
        self.banner.setVisible(on)
        if on:
            self._fit_banner()
        self.hidden = on  # entering: the answer on screen now is hidden too
        self._apply()

    def reveal(self) -> None:
        if self.active and self.hidden:
            self.hidden = False
            self._apply()

    def set_hide_maps(self, on: bool) -> None:
        self.hide_maps = bool(on)
        if self.maps_box.isChecked() != self.hide_maps:
            self.maps_box.setChecked(self.hide_maps)
        self._apply()

    def _on_drawing_changed(self) -> None:
        if self.active and not self.hidden:
            self.hidden = True
            self._apply()

    def _apply(self) -> None:
        answer_hidden = self.active and self.hidden
        maps_hidden = answer_hidden and self.hide_maps
        for name, cover in self.covers.items():
            cover.cover(maps_hidden if name in MAP_DOCKS else answer_hidden)
        if maps_hidden and getattr(self._window, "map_viewer", None) is not None:
            self._window.map_viewer.hide()
        self.banner_label.set_variants(BANNER_HIDDEN if answer_hidden else BANNER_SHOWN)
        self.changed.emit()

    def answer_hidden(self) -> bool:
        return self.active and self.hidden
