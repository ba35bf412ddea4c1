"""Where the main window goes and how big its parts are: fitted to the screen it opens on,
and a presentation mode (full screen, larger type) that gives back the windowed layout
when it ends.

The window decides *what* is shown; this module only decides sizes, so the rules for a
projector at 1024x768 and a monitor at 1920x1080 live in one place.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QStyle

PREFERRED_SIZE = QSize(1600, 1000)  # roomy on a 1920x1080 monitor
SCREEN_MARGIN = 0.04  # of the available area, left free around a window smaller than it
PRESENTATION_FONT_SCALE = 1.5  # readable from the back of a classroom
# Shares of the window for the docks: the right-hand column's width, then the heights of
# prediction, Conv1, Conv2, MaxPool in that column, then the Input dock's under the canvas.
RIGHT_COLUMN_SHARE = 0.6
PRESENTATION_RIGHT_COLUMN_SHARE = 0.66  # the larger type needs the maps to gain width
RIGHT_HEIGHT_SHARES = (0.22, 0.27, 0.27, 0.24)
# In full screen the larger type needs the tabbed groups (Prediction / Network, MaxPool /
# Evidence) to gain height: the 1x10 map strips need little.
PRESENTATION_HEIGHT_SHARES = (0.3, 0.19, 0.19, 0.32)
INPUT_HEIGHT_SHARE = 0.3
RESTORE_DELAY_MS = 50  # after the window manager's answer to full screen / normal
FRAME_SETTLE_MS = (0, 300)  # when to check a new window's frame against the screen


def first_geometry(available: QRect, preferred: QSize = PREFERRED_SIZE) -> QRect:
    """The first window's frame: the preferred size where it fits, else the screen's
    available area less a small margin; centred on that area."""
    width = min(preferred.width(), round(available.width() * (1 - SCREEN_MARGIN)))
    height = min(preferred.height(), round(available.height() * (1 - SCREEN_MARGIN)))
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return rect


def fits_a_screen(frame: QRect, slack: int = 8) -> bool:
    """True when `frame` lies within one screen's available area (give or take `slack` px,
    for window-manager frames that overhang by a pixel or two)."""
    for screen in QGuiApplication.screens():
        if screen.availableGeometry().adjusted(-slack, -slack, slack, slack).contains(frame):
            return True
    return False


def place_first_window(window: QMainWindow, right_docks: list, bottom_docks: list) -> None:
    """Size the window for the screen it will open on and share its area among the docks.
    The window manager's frame is not known before the window is shown: a title bar's
    height is set aside now, and `keep_on_screen` corrects what remains once it is shown."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    frame = first_geometry(screen.availableGeometry())
    title_bar = window.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight)
    client = QSize(frame.width(), frame.height() - title_bar)
    window.resize(client)
    window.move(frame.topLeft())
    share_dock_space(window, right_docks, bottom_docks, client)


def keep_on_screen(window: QMainWindow) -> None:
    """Move, and if need be shrink, a shown window so its whole frame is on its screen."""
    if window.isFullScreen() or window.isMaximized():
        return
    available = (window.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    frame = window.frameGeometry()
    if available.contains(frame):
        return
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
    width = min(window.width(), available.width() - extra_w)
    height = min(window.height(), available.height() - extra_h)
    window.resize(width, height)
    left = min(max(frame.left(), available.left()), available.right() + 1 - (width + extra_w))
    top = min(max(frame.top(), available.top()), available.bottom() + 1 - (height + extra_h))
    window.move(left, top)


def share_dock_space(window: QMainWindow, right_docks: list, bottom_docks: list, size: QSize,
                     right_share: float = RIGHT_COLUMN_SHARE, height_shares: tuple = RIGHT_HEIGHT_SHARES) -> None:
    width, height = size.width(), size.height()
    window.resizeDocks(right_docks[:1], [round(width * right_share)], Qt.Orientation.Horizontal)
    shares = height_shares[: len(right_docks)]
    window.resizeDocks(right_docks, [round(height * s) for s in shares], Qt.Orientation.Vertical)
    window.resizeDocks(bottom_docks, [round(height * INPUT_HEIGHT_SHARE)] * len(bottom_docks),
                       Qt.Orientation.Vertical)


class RightColumnShare(QObject):
    """The right-hand docks' share of the window's width, kept when the window is resized.

    Qt gives a window's growth to the central widget (the canvas) and takes a shrink from
    the docks first, so a window made small and then large again left the maps squeezed
    beside a huge canvas. The share changes only when the user drags a separator
    (`remember`, on a mouse release in the window) or a layout is restored."""

    def __init__(self, window: QMainWindow, right_docks: list, share: float = RIGHT_COLUMN_SHARE):
        super().__init__(window)
        self._window, self._docks, self.share = window, right_docks, share

    def _first_docked(self):
        return next((d for d in self._docks if d.isVisible() and not d.isFloating()), None)

    def remember(self) -> None:
        dock = self._first_docked()
        if dock is not None and self._window.width() > 0 and not self._window.isFullScreen():
            self.share = dock.width() / self._window.width()

    def window_resized(self) -> None:
        if not self._window.isFullScreen():
            QTimer.singleShot(0, self, self._apply)  # after Qt's own layout of the new size

    def _apply(self) -> None:
        dock = self._first_docked()
        if dock is not None and not self._window.isFullScreen():
            self._window.resizeDocks([dock], [round(self._window.width() * self.share)], Qt.Orientation.Horizontal)


def restore_or_fit(window: QMainWindow, geometry: QByteArray | None, right_docks: list, bottom_docks: list) -> None:
    """Restore a saved geometry when it still fits a screen (the projector may be another
    one today); otherwise fit the window afresh."""
    if geometry is not None and window.restoreGeometry(geometry) and fits_a_screen(window.frameGeometry()):
        return
    place_first_window(window, right_docks, bottom_docks)


class PresentationMode(QObject):
    """Full screen with every text 1.5x larger and the docks' shares fitted to the screen;
    leaving restores the windowed geometry and the dock sizes exactly as they were."""

    def __init__(self, window: QMainWindow, right_docks: list, bottom_docks: list, others: tuple = ()):
        super().__init__(window)
        self._window = window
        self._right, self._bottom = right_docks, bottom_docks
        self._others = others  # more widgets with set_presentation(bool), not docks
        self._base_font = QFont(QApplication.font())
        self._saved: tuple[QByteArray, QByteArray] | None = None
        self._front: list[QDockWidget] = []  # the tabs chosen in full screen, kept on leaving
        self.active = False

    def windowed_layout(self) -> tuple[QByteArray, QByteArray]:
        """(geometry, dock state) to remember: the windowed ones while in full screen."""
        if self.active:
            return self._saved
        return self._window.saveGeometry(), self._window.saveState()

    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        window = self._window
        if on:
            self._saved = (window.saveGeometry(), window.saveState())
        font = QFont(self._base_font)
        if on:
            font.setPointSizeF(self._base_font.pointSizeF() * PRESENTATION_FONT_SCALE)
        QApplication.setFont(font)
        # Docks with plots set their own fonts; each has set_presentation(bool).
        for widget in (*self._right, *self._bottom, *self._others):
            widget.set_presentation(on)
        self.active = on
        if on:
            window.showFullScreen()
            QTimer.singleShot(RESTORE_DELAY_MS, self, self._share_full_screen)
        else:
            self._front = [dock for dock in window.findChildren(QDockWidget)
                           if window.tabifiedDockWidgets(dock) and dock.isVisible() and not dock.visibleRegion().isEmpty()]
            window.showNormal()
            # Restoring now would clamp the docks to the minimum sizes of the large type
            # (layouts update from posted events) and to the full-screen size (the window
            # manager answers later): restore once both have settled.
            QTimer.singleShot(RESTORE_DELAY_MS, self, self._restore_windowed)

    def _share_full_screen(self) -> None:
        if self.active:  # shared once the window manager has made the window full screen
            share_dock_space(self._window, self._right, self._bottom, self._window.size(),
                             PRESENTATION_RIGHT_COLUMN_SHARE, PRESENTATION_HEIGHT_SHARES)

    def _restore_windowed(self) -> None:
        self._window.restoreGeometry(self._saved[0])
        self._window.restoreState(self._saved[1])
        for dock in self._front:  # the sizes from before, the tabs the user chose since
            if self._window.tabifiedDockWidgets(dock) and dock.isVisible():
                dock.raise_()
