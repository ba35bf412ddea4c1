"""CanvasPanel: the tool row and the actions the Edit menu reuses drive the canvas, and follow it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QKeySequence, QMouseEvent
from PySide6.QtWidgets import QApplication, QToolButton

from mnistviz.ui.canvas import BRUSH_MAX, DEFAULT_BRUSH
from mnistviz.ui.canvas_panel import BRUSH_STEP, CanvasPanel

LEFT, NO_BUTTON = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton


def draw_dot(canvas, pos=(140, 140)) -> None:
    point = QPointF(*pos)
    for kind, button, buttons in (
        (QEvent.Type.MouseButtonPress, LEFT, LEFT),
        (QEvent.Type.MouseButtonRelease, LEFT, NO_BUTTON),
    ):
        QApplication.sendEvent(canvas, QMouseEvent(kind, point, point, button, buttons, Qt.KeyboardModifier.NoModifier))


def key(text: str) -> QKeySequence:
    return QKeySequence(text)


@pytest.fixture
def panel(qtbot):
    widget = CanvasPanel()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_actions_carry_the_agreed_shortcuts(panel):
    assert set(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo)) <= set(panel.undo_action.shortcuts())
    assert key("Ctrl+Shift+Z") in panel.redo_action.shortcuts()
    assert {key("Del"), key("Backspace")} <= set(panel.clear_action.shortcuts())
    assert key("Esc") not in panel.clear_action.shortcuts()  # Esc leaves full screen; it never clears
    assert panel.eraser_action.shortcut() == key("E") and panel.eraser_action.isCheckable()
    assert panel.brush_smaller_action.shortcut() == key("[")
    assert panel.brush_larger_action.shortcut() == key("]")
    assert panel.grid_action.isCheckable()


def test_tooltips_name_the_shortcuts(panel):
    assert "Ctrl+Shift+Z" in panel.redo_action.toolTip()
    assert "E)" in panel.eraser_action.toolTip()
    assert "Del" in panel.clear_action.toolTip()


def test_edit_actions_lists_every_action_once(panel):
    listed = [a for a in panel.edit_actions() if a is not None]
    expected = {
        panel.undo_action, panel.redo_action, panel.clear_action, panel.pen_action, panel.eraser_action,
        panel.brush_smaller_action, panel.brush_larger_action, panel.grid_action,
    }  # fmt: skip
    assert set(listed) == expected and len(listed) == len(expected)


def test_tool_row_has_a_button_per_tool(panel):
    shown = {button.defaultAction() for button in panel.findChildren(QToolButton)}
    assert {panel.pen_action, panel.eraser_action, panel.undo_action, panel.redo_action} <= shown
    assert {panel.clear_action, panel.grid_action} <= shown


def test_eraser_action_and_canvas_tool_stay_in_step(panel):
    panel.eraser_action.trigger()
    assert panel.canvas.eraser and not panel.pen_action.isChecked()
    panel.canvas.set_eraser(False)  # e.g. a tablet's pen end: the buttons follow
    assert not panel.eraser_action.isChecked() and panel.pen_action.isChecked()


def test_clicking_the_checked_pen_keeps_the_pen(panel):
    panel.pen_action.trigger()
    assert panel.pen_action.isChecked() and not panel.canvas.eraser


def test_eraser_shortcut_reaches_the_canvas(panel, qtbot):
    panel.activateWindow()
    qtbot.waitActive(panel)
    qtbot.keyClick(panel.canvas, Qt.Key.Key_E)
    assert panel.canvas.eraser


def test_undo_and_redo_enable_as_history_allows(panel):
    assert not panel.undo_action.isEnabled() and not panel.redo_action.isEnabled()
    draw_dot(panel.canvas)
    assert panel.undo_action.isEnabled() and not panel.redo_action.isEnabled()
    panel.undo_action.trigger()
    assert panel.canvas.is_empty()
    assert not panel.undo_action.isEnabled() and panel.redo_action.isEnabled()
    panel.redo_action.trigger()
    assert not panel.canvas.is_empty()


def test_clear_is_enabled_only_with_ink_and_clears(panel):
    assert not panel.clear_action.isEnabled()
    draw_dot(panel.canvas)
    assert panel.clear_action.isEnabled()
    panel.clear_action.trigger()
    assert panel.canvas.is_empty() and not panel.clear_action.isEnabled()


def test_brush_slider_label_and_actions_agree(panel):
    assert panel.brush_slider.value() == DEFAULT_BRUSH
    panel.brush_larger_action.trigger()
    assert panel.canvas.brush_size == DEFAULT_BRUSH + BRUSH_STEP
    assert panel.brush_slider.value() == DEFAULT_BRUSH + BRUSH_STEP
    assert panel.brush_label.text() == f"{DEFAULT_BRUSH + BRUSH_STEP} px"
    panel.brush_slider.setValue(BRUSH_MAX)
    assert panel.canvas.brush_size == BRUSH_MAX
    panel.brush_larger_action.trigger()  # already at the maximum
    assert panel.canvas.brush_size == BRUSH_MAX and panel.brush_slider.value() == BRUSH_MAX
    panel.brush_smaller_action.trigger()
    assert panel.canvas.brush_size == BRUSH_MAX - BRUSH_STEP


def test_grid_action_toggles_the_overlay(panel):
    panel.grid_action.trigger()
    assert panel.canvas.grid_visible
    panel.canvas.set_grid_visible(False)
    assert not panel.grid_action.isChecked()


def test_drawing_ui_does_not_import_torch():
    # The window must appear before torch (seconds to import) is loaded.
    code = (
        "import sys, mnistviz.ui.canvas_panel, mnistviz.ui.input_dock; "
        "sys.exit('torch imported' if 'torch' in sys.modules else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
