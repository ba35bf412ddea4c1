"""The canvas with its tool row, and the drawing actions the main window puts in its Edit menu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QSlider, QToolButton, QVBoxLayout, QWidget

from mnistviz.ui.canvas import BRUSH_MAX, BRUSH_MIN, Canvas

BRUSH_STEP = 2  # px per press of [ or ]
BUTTON_HEIGHT = 34  # big enough to hit, and to read from the back of a classroom


class CanvasPanel(QWidget):
    """Canvas plus tools. Actions are attributes so the main window can reuse them in menus:
    `pen_action`, `eraser_action`, `undo_action`, `redo_action`, `clear_action`,
    `brush_smaller_action`, `brush_larger_action`, `grid_action`."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas = Canvas(self)
        canvas = self.canvas

        self.pen_action = self._action("Pen", "draw-freehand", ["P"], "Draw with the pen", checkable=True)
        self.eraser_action = self._action(
            "Eraser", "draw-eraser", ["E"], "Erase; the right button always erases", checkable=True
        )
        self.undo_action = self._action("Undo", "edit-undo", [QKeySequence.StandardKey.Undo], "Undo the last stroke")
        redo_keys = [QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo]
        self.redo_action = self._action("Redo", "edit-redo", redo_keys, "Redo the undone stroke")
        # Not Esc: in full screen Esc leaves full screen, and a reflex must not wipe a drawing.
        clear_keys = [QKeySequence(Qt.Key.Key_Delete), QKeySequence(Qt.Key.Key_Backspace)]
        self.clear_action = self._action("Clear", "edit-clear", clear_keys, "Clear the canvas (undo brings it back)")
        self.brush_smaller_action = self._action("Smaller brush", "", ["["], "Make the brush smaller")
        self.brush_larger_action = self._action("Larger brush", "", ["]"], "Make the brush larger")
        self.grid_action = self._action(
            "Grid", "view-grid", ["G"], "Show the network's 28x28 pixel grid", checkable=True
        )

        self.pen_action.setChecked(not canvas.eraser)
        self.eraser_action.setChecked(canvas.eraser)
        self.grid_action.setChecked(canvas.grid_visible)

        self.pen_action.triggered.connect(self._choose_pen)
        self.eraser_action.toggled.connect(canvas.set_eraser)
        self.undo_action.triggered.connect(canvas.undo)
        self.redo_action.triggered.connect(canvas.redo)
        self.clear_action.triggered.connect(canvas.clear)
        self.brush_smaller_action.triggered.connect(lambda: canvas.set_brush_size(canvas.brush_size - BRUSH_STEP))
        self.brush_larger_action.triggered.connect(lambda: canvas.set_brush_size(canvas.brush_size + BRUSH_STEP))
        self.grid_action.toggled.connect(canvas.set_grid_visible)

        canvas.toolChanged.connect(self._show_tool)
        canvas.gridVisibleChanged.connect(self.grid_action.setChecked)
        canvas.undoStateChanged.connect(self._show_undo_state)
        canvas.strokeChanged.connect(self._show_clear_state)
        canvas.strokeFinished.connect(self._show_clear_state)
        canvas.brushSizeChanged.connect(self._show_brush_size)

        self.brush_slider = QSlider(Qt.Orientation.Horizontal)
        self.brush_slider.setRange(BRUSH_MIN, BRUSH_MAX)
        self.brush_slider.setValue(canvas.brush_size)
        self.brush_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the shortcuts
        self.brush_slider.setToolTip("Brush size ([ smaller, ] larger)")
        self.brush_slider.valueChanged.connect(canvas.set_brush_size)
        self.brush_label = QLabel()
        self.brush_label.setMinimumWidth(self.brush_label.fontMetrics().horizontalAdvance("40 px") + 4)
        self.brush_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        brush_title = QLabel("Brush")
        brush_title.setBuddy(self.brush_slider)

        tools = QHBoxLayout()
        tools.setSpacing(4)
        for action in (self.pen_action, self.eraser_action):
            tools.addWidget(self._button(action))
        tools.addStretch(1)
        for action in (self.undo_action, self.redo_action, self.clear_action):
            tools.addWidget(self._button(action))

        brush_row = QHBoxLayout()
        brush_row.addWidget(brush_title)
        brush_row.addWidget(self.brush_slider, 1)
        brush_row.addWidget(self.brush_label)
        brush_row.addSpacing(6)
        brush_row.addWidget(self._button(self.grid_action))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(canvas, 1)
        layout.addLayout(tools)
        layout.addLayout(brush_row)

        self._show_undo_state(canvas.can_undo(), canvas.can_redo())
        self._show_clear_state()
        self._show_brush_size(canvas.brush_size)

    def set_theme(self, theme) -> None:
        """The chosen tool stands out in either theme (Fusion's own checked look is faint on dark)."""
        self.setStyleSheet(f"QToolButton:checked {{ background: {theme.highlight}; color: {theme.highlighted_text}; "
                           f"border: 1px solid {theme.highlight}; border-radius: 3px; padding: 2px 6px; }}")

    def set_presentation(self, on: bool) -> None:
        """Follow the (already scaled) application font. A widget with a style sheet keeps
        the font it was polished with, so the sheet is applied again."""
        self.setStyleSheet(self.styleSheet())
        for widget in self.findChildren(QWidget):
            widget.setFont(QApplication.font())

    def edit_actions(self) -> list[QAction | None]:
        """The actions in Edit-menu order; None marks a separator."""
        return [
            self.undo_action,
            self.redo_action,
            self.clear_action,
            None,
            self.pen_action,
            self.eraser_action,
            self.brush_smaller_action,
            self.brush_larger_action,
            None,
            self.grid_action,
        ]

    def _action(self, text: str, icon_name: str, keys: list, tip: str, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if icon_name and QIcon.hasThemeIcon(icon_name):
            action.setIcon(QIcon.fromTheme(icon_name))
        sequences, named = [], []
        for key in keys:
            # A standard key may have several platform bindings (Undo: Ctrl+Z, Alt+Backspace...);
            # all work, the tooltip names the first.
            bound = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) else [QKeySequence(key)]
            bound = [b for b in bound if not b.isEmpty() and b not in sequences]
            sequences += bound
            named += [b.toString(QKeySequence.SequenceFormat.NativeText) for b in bound[:1]]
        action.setShortcuts(sequences)
        action.setToolTip(f"{tip} ({', '.join(named)})" if named else tip)
        action.setCheckable(checkable)
        self.addAction(action)  # shortcuts work even before the window puts it in a menu
        return action

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        # Text stays beside a theme icon: an icon alone is hard to read on a projector.
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumHeight(BUTTON_HEIGHT)
        return button

    def _choose_pen(self) -> None:
        self.canvas.set_eraser(False)
        self._show_tool(False)  # clicking the checked Pen button must not uncheck it

    def _show_tool(self, eraser: bool) -> None:
        self.eraser_action.setChecked(eraser)
        self.pen_action.setChecked(not eraser)

    def _show_undo_state(self, can_undo: bool, can_redo: bool) -> None:
        self.undo_action.setEnabled(can_undo)
        self.redo_action.setEnabled(can_redo)

    def _show_clear_state(self) -> None:
        # Checked when a stroke ends, not on every move: is_empty() copies the whole image.
        if not self.canvas.is_drawing():
            self.clear_action.setEnabled(not self.canvas.is_empty())

    def _show_brush_size(self, size: int) -> None:
        self.brush_slider.setValue(size)
        self.brush_label.setText(f"{size} px")
