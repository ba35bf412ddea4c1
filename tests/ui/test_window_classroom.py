"""The window in a classroom: one title, timings only on request, a layout reset that
really resets, remembered choices, and messages in the user's words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox


JARGON = ("TorchScript", "torch", "zip", "Pillow", "RuntimeError", "Traceback", "jit")


def menu_actions(window, title: str) -> list:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)
    return menu.actions()


def wait_for_newest_result(qtbot, window):
    qtbot.waitUntil(lambda: window.last_result is not None
                    and window.analysis_settled(), timeout=30_000)


def shown_title(title: str) -> str:
    """The title as Qt hands it to an X or Windows window manager: it appends
    " — <display name>" unless the title already ends with it."""
    display = QApplication.applicationDisplayName()
    return title if title.endswith(display) else f"{title} \u2014 {display}"


def test_the_title_names_the_app_once(window):
    assert window.windowTitle().count("mnistviz") == 1
    title = shown_title(window.windowTitle())
    assert title.count("mnistviz") == 1, title
    assert "what a neural network sees" in title.lower()


def test_timings_show_only_when_view_show_timings_is_on(open_window, qtbot, window):
    action = window.show_timings_action
    assert action in menu_actions(window, "View")
    assert action.isCheckable() and not action.isChecked()  # off by default: a developer's figure
    window.canvas.show_sample(3)
    wait_for_newest_result(qtbot, window)
    assert not window.timing_label.isVisible()
    action.trigger()
    assert window.timing_label.isVisible() and "inference" in window.timing_label.text()
    window.close()

    second = open_window()  # remembered
    assert second.show_timings_action.isChecked() and second.timing_label.isVisible()
    second.show_timings_action.trigger()
    assert not second.timing_label.isVisible()
    second.close()


def test_reset_layout_brings_back_docks_hidden_in_an_earlier_session(open_window, qtbot):
    first = open_window()
    docks = lambda w: [w.input_dock, w.prediction_dock, *w.stage_docks]  # noqa: E731
    size = first.size()
    default = [(w.dockWidgetArea(d), d.width(), d.height()) for w in [first] for d in docks(first)]
    first.stage_docks[1].toggleViewAction().trigger()  # View ▸ the second stage, unticked
    first.prediction_dock.setFloating(True)
    first.close()  # saves the layout

    second = open_window()
    assert not second.stage_docks[1].isVisible()  # the saved layout came back...
    second.resize(size)
    reset = next(a for a in menu_actions(second, "View") if a.text().replace("&", "") == "Reset layout")
    reset.trigger()
    second.layout().activate()
    assert all(d.isVisible() and not d.isFloating() for d in docks(second))  # ...and reset undoes it
    for dock, (area, width, height) in zip(docks(second), default):
        assert second.dockWidgetArea(dock) == area, dock.objectName()
        assert (dock.width(), dock.height()) == pytest.approx((width, height), abs=16), dock.objectName()
    second.close()


def test_show_steps_is_remembered(open_window, qtbot):
    first = open_window()
    assert not first.input_dock.showing_steps()
    qtbot.mouseClick(first.input_dock.steps_box, Qt.MouseButton.LeftButton)
    assert first.input_dock.showing_steps()
    first.close()

    second = open_window()
    assert second.input_dock.showing_steps()
    second.canvas.show_sample(4)
    wait_for_newest_result(qtbot, second)
    assert second.input_dock.pages.currentIndex() == 1  # the steps page, not the plain input
    second.close()


def test_a_refused_model_is_explained_in_plain_words(qtbot, window, tmp_path):
    bad = tmp_path / "broken.pt"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with qtbot.waitSignal(window.modelRefused, timeout=30_000):
        window.load_model(bad)
    message = window.last_error
    assert "broken.pt" in message and "readout" in message  # which file, and what is still in use
    assert not [word for word in JARGON if word in message], message
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert "broken.pt" in box.text() and "TorchScript" in box.detailedText()  # the detail for whoever asks


def test_a_failed_analysis_is_reported_without_exception_text(window):
    window.service.worker.failed.emit("Analysis failed: RuntimeError: shape '[1, 1, 28, 28]' is invalid")
    shown = window.statusBar().currentMessage()
    assert shown and not [word for word in JARGON if word in shown] and "[1, 1" not in shown, shown


def test_theme_menu_colours_the_whole_window_and_is_remembered(open_window, qtbot):
    from PySide6.QtGui import QPalette

    from mnistviz.ui import theme

    win = open_window()
    light = next(a for a in menu_actions(win, "View") if a.text().replace("&", "") == "Theme").menu()
    next(a for a in light.actions() if a.text() == "Light").trigger()
    palette = QApplication.palette()
    assert palette.color(QPalette.ColorRole.Window).name() == theme.LIGHT.window.lower()
    # The docks with plots follow the same theme: no dark panel left in a light window.
    assert win.prediction_dock.plot_widget.backgroundBrush().color().name() == theme.LIGHT.plot_background.lower()
    for dock in win.stage_docks:
        assert dock.plot.colours()["background"].name() == theme.LIGHT.plot_background.lower()
    assert win.map_viewer.plot.colours()["background"].name() == theme.LIGHT.plot_background.lower()
    win.close()
    again = open_window()
    assert again.theme is theme.LIGHT and again.theme_actions["light"].isChecked()
    again.set_theme("dark")
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == theme.DARK.window.lower()
    assert again.prediction_dock.plot_widget.backgroundBrush().color().name() == theme.DARK.plot_background.lower()
    again.close()


@pytest.mark.parametrize("presentation", [False, True])
def test_a_status_message_is_never_painted_over_by_the_model_name(qtbot, window, presentation):
    message = "Saved the drawing as a-rather-long-file-name-for-a-lesson.mnistviz.json"
    window.statusBar().showMessage(message, 60_000)
    window.set_presentation(presentation)  # presentation mode re-fonts and re-shows the status bar
    qtbot.wait(100)
    label = window.model_label
    assert label.isVisible() and "readout" in label.text()
    bar = window.statusBar()
    text_width = bar.fontMetrics().horizontalAdvance(message)
    # The label sits right of the message (a narrow screen clips the message, never overlaps it).
    assert label.geometry().left() >= min(text_width, bar.width() - label.width() - 40)
    window.set_presentation(False)


def test_leaving_presentation_mode_keeps_the_tab_chosen_in_it(qtbot, window):
    from mnistviz.ui import window_layout

    network, prediction = window.explain.network, window.prediction_dock
    qtbot.waitUntil(lambda: prediction in window.tabifiedDockWidgets(network))  # tabbed once shown
    network.raise_()
    qtbot.waitUntil(lambda: not network.visibleRegion().isEmpty())
    window.set_presentation(True)
    qtbot.wait(window_layout.RESTORE_DELAY_MS + 50)
    prediction.raise_()  # the class looks at the answer in full screen
    qtbot.waitUntil(lambda: not prediction.visibleRegion().isEmpty())
    window.set_presentation(False)  # Esc
    qtbot.wait(window_layout.RESTORE_DELAY_MS + 100)
    assert not prediction.visibleRegion().isEmpty() and network.visibleRegion().isEmpty()
