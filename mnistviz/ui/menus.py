"""The main window's menu bar, built outside MainWindow so that class stays about wiring.

`build_menus(window)` fills `window.menuBar()` and sets, as attributes of the window, the
actions the window and the tests use: `open_image_action`, `load_model_action`,
`export_action`, `scale_actions`, `colormap_actions`, `theme_actions`, `presentation_action`, `leave_action`,
`reset_layout_action`, `show_timings_action`, `model_group`, `model_actions`,
`sample_actions`, `how_to_action`, `shortcuts_action`, `about_action`.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from mnistviz import colormaps
from mnistviz.mosaic import SCALE_MODES
from mnistviz.resources import BUNDLED_MODELS, bundled_model
from mnistviz.ui import help_pages
from mnistviz.ui import theme as themes


def build_menus(window) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    window.open_image_action = add_action(window, file_menu, "&Open image or drawing…", window.open_image_dialog,
                                          QKeySequence.StandardKey.Open)
    window.recent_menu = file_menu.addMenu("Open &recent")  # filled from the settings each time it opens
    window.recent_menu.aboutToShow.connect(lambda: window.recent_files.fill(window.recent_menu))
    window.save_drawing_action = add_action(window, file_menu, "&Save drawing…", window.save_drawing_dialog,
                                            QKeySequence.StandardKey.Save)
    window.load_model_action = add_action(window, file_menu, "&Load model…", window.load_model_dialog, "Ctrl+M")
    window.export_action = add_action(window, file_menu, "&Export feature maps…", window.export_dialog, "Ctrl+E")
    window.export_action.setEnabled(False)
    file_menu.addSeparator()
    add_action(window, file_menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)

    edit_menu = bar.addMenu("&Edit")
    for action in window.panel.edit_actions():
        if action is None:
            edit_menu.addSeparator()
        else:
            edit_menu.addAction(action)

    view_menu = bar.addMenu("&View")
    for dock in (window.input_dock, window.prediction_dock, *window.stage_docks):
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addSeparator()
    for dock in window.explain.docks:  # Evidence, How this value is made, Filters, Network
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addAction(window.gallery.toggleViewAction())
    replay_menu = view_menu.addMenu("Re&play")  # the timeline under the canvas
    replay_menu.addActions(window.replay.actions())
    view_menu.addSeparator()
    view_menu.addAction(window.panel.grid_action)
    scale_menu = view_menu.addMenu("Heatmap &scale")
    window.scale_actions = choice_group(window, scale_menu, SCALE_MODES, window.settings.get("scale_mode"),
                                        window.set_scale_mode)
    add_action(window, scale_menu, "Reset fixed scale", window._reset_fixed_range)
    colour_menu = view_menu.addMenu("&Colour map")
    window.colormap_actions = choice_group(window, colour_menu, colormaps.CHOICES, window.settings.get("colormap"),
                                           window.set_colormap)
    # The menus set the view state (through the window) and show what it holds.
    state = window.view_state
    state.events.scale_mode.connect(lambda mode: window.scale_actions[mode].setChecked(True))
    state.events.colormap.connect(lambda name: window.colormap_actions[name].setChecked(True))
    theme_menu = view_menu.addMenu("&Theme")
    window.theme_actions = choice_group(window, theme_menu, themes.CHOICES, window.settings.get("theme"),
                                        window.set_theme)
    view_menu.addSeparator()
    window.presentation_action = add_action(window, view_menu, "&Presentation mode", window.set_presentation, "F11")
    # Esc leaves full screen (or closes the enlarged map); it never wipes a drawing.
    window.leave_action = QAction("Leave full screen", window)
    window.leave_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
    window.leave_action.triggered.connect(window.leave_or_close)
    window.addAction(window.leave_action)
    window.presentation_action.setCheckable(True)
    window.reset_layout_action = add_action(window, view_menu, "&Reset layout", window.reset_layout)
    view_menu.addSeparator()
    window.show_timings_action = _timings_action(window)
    view_menu.addAction(window.show_timings_action)

    model_menu = bar.addMenu("&Model")
    window.model_group = QActionGroup(window)
    window.model_actions = {}
    for name in BUNDLED_MODELS:
        action = model_menu.addAction(model_label(name))
        action.setCheckable(True)
        action.setData(str(bundled_model(name)))
        action.triggered.connect(lambda _=False, n=name: window.load_model(bundled_model(n)))
        window.model_group.addAction(action)
        window.model_actions[name] = action
    model_menu.addSeparator()
    model_menu.addAction(window.load_model_action)

    samples_menu = bar.addMenu("&Samples")
    window.sample_actions = [
        add_action(window, samples_menu, f"Digit {digit}", lambda _=False, d=digit: window.canvas.show_sample(d),
                   f"Ctrl+{digit}")
        for digit in range(10)
    ]

    help_menu = bar.addMenu("&Help")
    window.how_to_action = add_action(window, help_menu, "&How to use mnistviz",
                                      lambda: help_pages.show_how_to(window), QKeySequence.StandardKey.HelpContents)
    window.shortcuts_action = add_action(window, help_menu, "&Keyboard shortcuts",
                                         lambda: help_pages.show_shortcuts(window))
    help_menu.addSeparator()
    window.about_action = add_action(window, help_menu, "&About mnistviz", lambda: help_pages.show_about(window))


# What each bundled model is, in a teacher's words (the menu adds its accuracy).
MODEL_DESCRIPTIONS = {
    "readout": "keeps where each pattern was found",
    "gap": "global average pooling, the reference design",
}


def model_label(name: str) -> str:
    """"readout — keeps where each pattern was found (default, 99.0 % on test digits)": the
    accuracy from the model's report next to it (models/<name>.json), left out if unreadable."""
    details = ["default"] if name == BUNDLED_MODELS[0] else []
    try:
        accuracy = json.loads(bundled_model(name).with_suffix(".json").read_text(encoding="utf-8"))["test_accuracy"]
        details.append(f"{float(accuracy) * 100:.1f}\u00a0% on test digits")
    except (OSError, ValueError, KeyError, TypeError):
        pass  # the name and description still tell the models apart
    description = MODEL_DESCRIPTIONS.get(name)
    text = name if description is None else f"{name} — {description}"
    return f"{text} ({', '.join(details)})" if details else text


def _timings_action(window) -> QAction:
    """View ▸ Show timings: the developer figures in the status bar, hidden unless asked for."""
    action = QAction("Show &timings", window)
    action.setCheckable(True)
    action.setToolTip("Show how long preprocessing, inference and drawing took, in the status bar")
    action.toggled.connect(window.timing_label.setVisible)
    action.toggled.connect(lambda on: window.settings.set("show_timings", on))
    action.setChecked(window.settings.get("show_timings"))
    window.timing_label.setVisible(action.isChecked())  # toggled does not fire for "off"
    return action


def add_action(window, menu, text, slot, shortcut=None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def choice_group(window, menu, choices: dict[str, str], current: str, on_choose) -> dict[str, QAction]:
    group = QActionGroup(window)
    actions = {}
    for key, label in choices.items():
        action = menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(key == current)
        action.triggered.connect(lambda _=False, k=key: on_choose(k))
        group.addAction(action)
        actions[key] = action
    return actions
