"""The view state as the window uses it: menus set it, docks and the export follow it, and
the new docks are in the View menu and in saved layouts."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from mnistviz.ui.export_job import window_export_options


def test_menus_set_the_view_state_and_the_docks_and_export_follow(qtbot, window):
    window.colormap_actions["magma"].trigger()
    assert window.view_state.colormap == "magma"
    assert all(dock.colormap == "magma" for dock in window.stage_docks)
    window.scale_actions["map"].trigger()
    assert window.view_state.scale_mode == "map" and all(d.scale_mode == "map" for d in window.stage_docks)
    # Set on the state (not through the menu): the menu's check mark follows.
    window.view_state.colormap = "cividis"
    assert window.colormap_actions["cividis"].isChecked() and not window.colormap_actions["magma"].isChecked()
    assert window_export_options(window) == {"colormap": "cividis", "scale_mode": "map", "levels": None}
    assert window.settings.get("colormap") == "magma"  # the window saves what the user chose in the menu


def test_fixed_ranges_reach_the_state_and_reset_empties_them(qtbot, window):
    window.scale_actions["fixed"].trigger()
    window.canvas.show_sample(8)
    qtbot.waitUntil(lambda: window.last_result is not None
                    and window.analysis_settled(), timeout=30_000)
    ranges = window.view_state.fixed_ranges
    for dock in window.stage_docks:
        assert ranges[dock.stage_name] == (dock.levels().lo, dock.levels().hi)
    assert window_export_options(window)["levels"] == ranges
    window.canvas.show_sample(1)  # the thin 1 after the busy 8: the fixed ranges keep the 8's
    qtbot.waitUntil(lambda: window.analysis_settled(), timeout=30_000)
    assert window.view_state.fixed_ranges == ranges
    resets = []
    window.view_state.events.fixed_reset.connect(resets.append)
    next(a for a in window.findChildren(QAction) if a.text() == "Reset fixed scale").trigger()
    assert resets == [None]
    # Afresh from the drawing on screen (the 1), in the docks and in the state alike.
    after = window.view_state.fixed_ranges
    assert after != ranges
    for dock in window.stage_docks:
        assert after[dock.stage_name] == (dock.levels().lo, dock.levels().hi)


def test_new_docks_are_in_the_view_menu_with_names_for_saved_layouts(qtbot, window):
    names = {dock.objectName() for dock in window.explain.docks}
    assert names == {"evidenceDock", "arithmeticDock", "filtersDock", "networkDock"}
    view_actions = [a for a in window.menuBar().actions() if a.text() == "&View"][0].menu().actions()
    for dock in window.explain.docks:
        assert dock.toggleViewAction() in view_actions
    # Tabbed beside the MaxPool and Prediction docks, which stay in front; none under the canvas.
    qtbot.waitUntil(lambda: window.tabifiedDockWidgets(window.stage_docks[2]) == [window.explain.evidence])
    assert set(window.tabifiedDockWidgets(window.prediction_dock)) == {
        window.explain.arithmetic, window.explain.filters, window.explain.network}
    assert window.tabifiedDockWidgets(window.input_dock) == []
    QApplication.processEvents()
    for dock in (window.input_dock, window.stage_docks[2], window.prediction_dock):
        assert not dock.visibleRegion().isEmpty()
    assert all(not dock.is_on_screen() for dock in window.explain.docks)


def test_theme_and_presentation_reach_the_new_docks(window):
    window.set_theme("light")
    assert all(dock.theme is window.theme for dock in window.explain.docks)
    window.set_presentation(True)
    assert all(dock.presentation for dock in window.explain.docks)
    assert window.explain.evidence.sum_label.font().pointSizeF() == 1.5 * 11
    window.set_presentation(False)
    assert not any(dock.presentation for dock in window.explain.docks)


def test_reset_layout_tabs_them_in_again_and_a_saved_layout_keeps_the_users_choice(qtbot, open_window):
    window = open_window()
    qtbot.waitUntil(lambda: window.tabifiedDockWidgets(window.stage_docks[2]) == [window.explain.evidence])
    window.explain.filters.setFloating(True)
    window.explain.network.hide()
    window.reset_layout()
    assert not window.explain.filters.isFloating() and not window.explain.network.isHidden()
    assert set(window.tabifiedDockWidgets(window.prediction_dock)) == {
        window.explain.arithmetic, window.explain.filters, window.explain.network}

    window.explain.network.hide()  # the user closes one; the next start keeps it closed
    window.close()
    again = open_window()
    qtbot.wait(300)  # past the first show, when new docks would be tabbed in
    assert again.explain.network.isHidden() and not again.explain.evidence.isHidden()
    again.close()


def test_hovering_the_enlarged_map_sets_the_hovered_cell(qtbot, window):
    from PySide6.QtCore import QPointF

    window.canvas.show_sample(7)
    qtbot.waitUntil(lambda: window.last_result is not None, timeout=30_000)
    window.stage_docks[1].open_map(3)
    viewer = window.map_viewer
    qtbot.waitUntil(viewer.isVisible)
    viewer.plot.pointerMoved.emit(QPointF(9.5, 12.5))  # column 9, row 12
    assert window.view_state.hovered == (1, 3, 12, 9)
    assert window.explain.arithmetic.cell == (1, 3, 12, 9)
    viewer.plot.left.emit()
    assert window.view_state.hovered is None
    viewer.hide()  # a shown tool window would outlive this test's window
