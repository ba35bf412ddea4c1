"""Small window behaviours a classroom trips over: stray keyboard focus, stale labels,
feedback after a click."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from pointer import drag

SEVEN = [(0.3, 0.25), (0.7, 0.25), (0.45, 0.8)]


def wait_for_newest_result(qtbot, window):
    qtbot.waitUntil(lambda: window.last_result is not None
                    and window.analysis_settled(), timeout=30_000)


def press_space(window):
    """Space where the keyboard focus is, as a real key press goes."""
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Space)


def test_space_outside_a_quiz_does_not_flip_a_clicked_checkbox(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    box = window.input_dock.centre_box
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert not box.isChecked()  # the click itself works
    assert not box.hasFocus()
    drag(window.canvas, SEVEN)
    wait_for_newest_result(qtbot, window)
    press_space(window)
    assert not box.isChecked()
    steps = window.input_dock.steps_box
    QTest.mouseClick(steps, Qt.MouseButton.LeftButton, pos=QPoint(8, steps.height() // 2))
    assert steps.isChecked()
    press_space(window)
    assert steps.isChecked() and not box.isChecked()


def test_space_at_start_changes_nothing(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    assert QApplication.focusWidget() is window.canvas  # not the first checkbox of a dock
    press_space(window)
    assert window.input_dock.centre_box.isChecked() and not window.input_dock.steps_box.isChecked()


def test_drawing_takes_the_keyboard_focus(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    box = window.input_dock.centre_box
    box.setFocus(Qt.FocusReason.TabFocusReason)  # reached with Tab: allowed
    assert box.hasFocus()
    drag(window.canvas, SEVEN)
    assert window.canvas.hasFocus()
    press_space(window)
    assert box.isChecked()


def test_clicking_a_bar_brings_the_evidence_tab_to_the_front(qtbot, window):
    from PySide6.QtTest import QTest as T

    qtbot.waitUntil(lambda: window.explain.evidence.isVisible() or window.explain.evidence.isHidden() is False)
    drag(window.canvas, SEVEN)
    wait_for_newest_result(qtbot, window)
    maxpool = window.stage_docks[-1]
    maxpool.raise_()
    QApplication.processEvents()
    evidence = window.explain.evidence
    assert evidence.visibleRegion().isEmpty()  # behind the MaxPool tab
    dock = window.prediction_dock
    other = (window.last_result.prediction + 1) % 10
    T.mouseClick(dock.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=dock.bar_centre(other))
    QApplication.processEvents()
    assert window.view_state.selected_class == other
    assert not evidence.visibleRegion().isEmpty()
    assert dock.chosen_column() == other


def test_the_pinned_hint_leaves_the_status_bar_once_b_is_shown(qtbot, window):
    from mnistviz.ui.compare_dock import PINNED_STATUS

    drag(window.canvas, SEVEN)
    wait_for_newest_result(qtbot, window)
    window.pin_action.trigger()
    assert window.statusBar().currentMessage() == PINNED_STATUS
    window.panel.clear_action.trigger()
    assert window.statusBar().currentMessage() == PINNED_STATUS  # no B yet: still useful
    drag(window.canvas, [(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)])
    qtbot.waitUntil(lambda: window.compare.comparison() is not None, timeout=10_000)
    assert window.statusBar().currentMessage() != PINNED_STATUS
