"""The "?" on every dock's title bar opens that dock's teaching note; the title bar still
floats, closes and follows the dock's title and type size."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QDockWidget, QTextBrowser

from mnistviz.teaching_notes import note_for
from mnistviz.ui.dock_notes import NOTE_WINDOW, DockTitleBar, install_dock_notes


def click(button) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, button.rect().center())


def test_every_dock_has_a_question_mark_that_opens_its_note(qtbot, window):
    docks = window.findChildren(QDockWidget)
    assert len(docks) >= 11
    for dock in docks:
        assert note_for(dock.objectName()) is not None, f"{dock.objectName()} has no teaching note"
        bar = dock.titleBarWidget()
        assert isinstance(bar, DockTitleBar), dock.objectName()
        dock.show()
        dock.raise_()
        qtbot.waitUntil(bar.help_button.isVisible)
        click(bar.help_button)
        dialog = window.findChild(QDialog, NOTE_WINDOW)
        note = note_for(dock.objectName())
        assert dialog.isVisible() and dialog.windowTitle() == note.title
        shown = dialog.findChild(QTextBrowser).toPlainText()
        # toPlainText writes a no-break space as a plain one; the raw text keeps it (no break before "%")
        plain = [p.replace("\u00a0", " ") for p in note.paragraphs]
        assert note.title in shown and all(p in shown for p in plain), dock.objectName()
        raw = dialog.findChild(QTextBrowser).document().toRawText()
        assert all(p in raw for p in note.paragraphs), dock.objectName()
    assert len(window.findChildren(QDialog, NOTE_WINDOW)) == 1  # one note window, reused


def test_the_note_closes_with_esc_and_installing_twice_changes_nothing(qtbot, window):
    click(window.prediction_dock.titleBarWidget().help_button)
    dialog = window.findChild(QDialog, NOTE_WINDOW)
    qtbot.waitUntil(dialog.isActiveWindow)
    QTest.keyClick(dialog.findChild(QTextBrowser), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    bar = window.prediction_dock.titleBarWidget()
    install_dock_notes(window)
    assert window.prediction_dock.titleBarWidget() is bar


def test_the_title_bar_floats_and_closes_the_dock(qtbot, window):
    dock = window.stage_docks[1]
    bar = dock.titleBarWidget()
    click(bar.float_button)
    assert dock.isFloating()
    click(bar.float_button)
    assert not dock.isFloating()
    click(bar.close_button)
    assert not dock.isVisible() and not dock.toggleViewAction().isChecked()


def test_the_title_follows_the_dock(qtbot, window):
    dock = window.stage_docks[0]
    bar = dock.titleBarWidget()
    assert bar.title.full == dock.windowTitle() and "Conv1" in dock.windowTitle()
    dock.setWindowTitle("Renamed stage")
    assert bar.title.full == "Renamed stage"
    small = bar.help_button.height()
    window.set_presentation(True)
    qtbot.waitUntil(lambda: bar.help_button.height() > small)
    window.set_presentation(False)
