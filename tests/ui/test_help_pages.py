"""Help ▸ Keyboard shortcuts (made from the window's own actions) and Help ▸ How to use."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QTableWidget, QTextBrowser



@pytest.fixture
def window(open_window, qtbot):
    win = open_window()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)  # so its shortcuts work
    yield win
    win.close()


def help_action(window, text: str) -> QAction:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Help")
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def open_dialog(qtbot, window, text: str) -> QDialog:
    help_action(window, text).trigger()
    dialogs = [d for d in window.findChildren(QDialog) if d.isVisible()]
    assert len(dialogs) == 1
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialogs[0])  # keys go to the page now
    return dialogs[0]


def table_rows(table: QTableWidget) -> list[tuple[str, str]]:
    def cell(row, column):
        item = table.item(row, column)
        return item.text() if item is not None else ""

    return [(cell(r, 0), cell(r, 1)) for r in range(table.rowCount())]


def test_shortcuts_table_lists_every_action_that_has_a_shortcut(qtbot, window):
    dialog = open_dialog(qtbot, window, "Keyboard shortcuts")
    rows = table_rows(dialog.findChild(QTableWidget))
    actions = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(actions) >= 20  # File, Edit, View, Samples and Help keys: the test sees them all
    for action in actions:
        name = action.text().replace("&", "").rstrip("…")
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)  # as its menu shows it
        matching = [k for n, k in rows if n == name]
        assert matching, f"{name} is missing from {rows}"
        assert any(key in k.split(", ") for k in matching), (name, key, matching)
    described = " ".join(n + " " + k for n, k in rows).lower()
    for gesture in ("left button", "right button", "eraser end", "hover", "click"):
        assert gesture in described  # the mouse and pen, which have no QAction
    QTest.keyClick(dialog.findChild(QTableWidget), Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_how_to_use_opens_with_f1_and_closes_with_esc(qtbot, window):
    window.canvas.show_sample(2)
    QTest.keyClick(window, Qt.Key.Key_F1)
    dialogs = [d for d in window.findChildren(QDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    page = dialog.findChild(QTextBrowser).toPlainText()
    for words in ("Draw", "Open image or drawing", "Save drawing", "Samples", "F11", "Export"):
        assert words in page
    QTest.keyClick(dialog.findChild(QTextBrowser), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert not window.canvas.is_empty()  # Esc closed the page; it did not also clear the drawing


def test_help_pages_have_a_close_button_and_open_once(qtbot, window):
    for text in ("How to use mnistviz", "Keyboard shortcuts"):
        dialog = open_dialog(qtbot, window, text)
        help_action(window, text).trigger()  # asked again: the same page comes forward
        assert [d for d in window.findChildren(QDialog) if d.isVisible()] == [dialog]
        close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
        qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()
        assert dialog.font().pointSizeF() > QApplication.font().pointSizeF()  # easy to read


def test_how_to_use_covers_every_panel_and_tool_with_their_real_keys(qtbot, window):
    from mnistviz.ui.help_pages import key_text

    QTest.keyClick(window, Qt.Key.Key_F1)
    dialog = next(d for d in window.findChildren(QDialog) if d.isVisible())
    page = dialog.findChild(QTextBrowser).toPlainText()
    for heading in ("Watch the drawing again", "Save a drawing", "Quiz", "Compare two drawings", "Gallery"):
        assert heading in page
    for panel in ("Evidence", "How it's made", "Filters", "Network", "timeline", "View ▸ Gallery"):
        assert panel in page
    replay = window.replay
    for action in (replay.play_action, replay.back_action, replay.forward_action, replay.start_action,
                   replay.live_action, window.quiz_action, window.pin_action, window.save_drawing_action):
        assert key_text(action) and key_text(action) in page, action.text()


def test_no_line_break_between_a_number_and_its_percent_sign(window):
    import re

    from mnistviz.ui.help_pages import how_to_html

    page = how_to_html(window)
    assert "99.9&nbsp;%" in page and not re.search(r"\d %", page)
