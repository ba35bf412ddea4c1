"""A "?" on every dock's title bar that opens its teaching note (mnistviz.teaching_notes).

Qt draws a dock's title bar itself and has no room for another button, so each dock
with a note gets a title bar widget of its own (`DockTitleBar`): the title, "?", and
the float and close buttons Qt would have drawn, doing what Qt's do. Mouse presses
elsewhere on it are left to the dock, so dragging and double-click-to-float still work;
the title follows the dock's font (presentation mode's larger type).

The note opens in one non-modal window (objectName ``teachingNote``), reused: a teacher
can keep it open beside the maps, and "?" on another dock shows that dock's note.
`install_dock_notes(window)` is idempotent: call it again after adding a dock.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mnistviz.teaching_notes import Note, note_for

NOTE_WINDOW = "teachingNote"
FONT_SCALE = 1.25  # read from a step away, like the help pages


class ElidedLabel(QLabel):
    """The dock's title, cut with "…" when the dock is narrow (never widens the dock)."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.full = ""
        self.set_full(text)

    def set_full(self, text: str) -> None:
        self.full = text
        self.setToolTip(text)
        self._elide()

    def _elide(self) -> None:
        self.setText(QFontMetrics(self.font()).elidedText(self.full, Qt.TextElideMode.ElideRight,
                                                          max(0, self.width())))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        self._elide()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(0, super().minimumSizeHint().height())


class DockTitleBar(QWidget):
    """Title, "?", float and close, for one dock."""

    def __init__(self, dock: QDockWidget, note: Note, on_help):
        super().__init__(dock)
        self.setObjectName("dockTitleBar")
        self.dock = dock
        self.title = ElidedLabel(dock.windowTitle(), self)
        self.help_button = self._button("?", f"What does “{note.title}” mean? (a note for the class)")
        self.help_button.setObjectName("noteButton")
        self.help_button.clicked.connect(lambda: on_help(dock))
        style = self.style()
        self.float_button = self._button("", "Float this panel in its own window, or dock it again")
        self.float_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_TitleBarNormalButton))
        self.float_button.clicked.connect(lambda: dock.setFloating(not dock.isFloating()))
        self.close_button = self._button("", "Close this panel (View menu brings it back)")
        self.close_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.close_button.clicked.connect(dock.close)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 2, 1)
        layout.setSpacing(2)
        layout.addWidget(self.title, 1)
        for button in (self.help_button, self.float_button, self.close_button):
            layout.addWidget(button)
        dock.windowTitleChanged.connect(self.title.set_full)
        dock.featuresChanged.connect(self._show_features)
        self._show_features(dock.features())

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and Esc stay the window's keys
        return button

    def _show_features(self, features) -> None:
        self.float_button.setVisible(bool(features & QDockWidget.DockWidgetFeature.DockWidgetFloatable))
        self.close_button.setVisible(bool(features & QDockWidget.DockWidgetFeature.DockWidgetClosable))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt name): a bold "?" the size of the title
        super().changeEvent(event)
        side = QFontMetrics(self.font()).height() + 4
        for button in (self.help_button, self.float_button, self.close_button):
            button.setFixedSize(side, side)
        bold = QFont(self.font())
        bold.setBold(True)
        if self.help_button.font() != bold:
            self.help_button.setFont(bold)


def install_dock_notes(window) -> list[QDockWidget]:
    """Give every dock of `window` that has a note a title bar with "?"; the docks done."""
    done = []
    for dock in window.findChildren(QDockWidget):
        note = note_for(dock.objectName())
        if note is None:
            continue
        if not isinstance(dock.titleBarWidget(), DockTitleBar):
            dock.setTitleBarWidget(DockTitleBar(dock, note, lambda d, w=window: show_note(w, d)))
        done.append(dock)
    return done


def note_html(note: Note) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in note.paragraphs)
    return f"<h2>{html.escape(note.title)}</h2>{paragraphs}"


def show_note(window, dock: QDockWidget) -> QDialog | None:
    """The note of `dock` in the window's one note window, brought forward."""
    note = note_for(dock.objectName())
    if note is None:
        return None
    dialog = window.findChild(QDialog, NOTE_WINDOW)
    if dialog is None:
        dialog = QDialog(window)
        dialog.setObjectName(NOTE_WINDOW)
        layout = QVBoxLayout(dialog)
        browser = QTextBrowser(dialog)
        browser.setOpenLinks(False)
        layout.addWidget(browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)  # Close and Esc hide it
        layout.addWidget(buttons)
        screen = window.screen().availableGeometry()
        dialog.resize(min(560, int(screen.width() * 0.6)), min(460, int(screen.height() * 0.7)))
    font = QFont(QApplication.font())  # follows presentation mode's larger type
    font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
    dialog.setFont(font)
    dialog.setWindowTitle(note.title)
    dialog.note = note
    dialog.findChild(QTextBrowser).setHtml(note_html(note))
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
