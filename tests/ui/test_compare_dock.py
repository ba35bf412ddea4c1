"""Compare: pin A, draw B; the dock shows A, B and exactly B − A, and unpinning ends it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from mnistviz.ui.compare_dock import NO_B_TEXT, untile
from pointer import ONE, SEVEN, draw, settled


def press_pin(window) -> None:
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)


@pytest.fixture
def compared(qtbot, window):
    """A = a 7 pinned with Ctrl+K, then B = a 1 on a cleared canvas."""
    draw(qtbot, window, SEVEN)
    a = window.last_result
    press_pin(window)
    assert window.view_state.compare_pin is a and window.compare.dock.isVisible()
    assert window.compare.dock.panel.message == NO_B_TEXT  # nothing to compare with yet
    window.panel.clear_action.trigger()
    draw(qtbot, window, ONE)
    qtbot.waitUntil(lambda: window.compare.comparison() is not None, timeout=10_000)
    return window, a, window.last_result


def test_every_stage_shows_a_b_and_exactly_b_minus_a(compared):
    window, a, b = compared
    assert a.prediction == 7 and b.prediction == 1
    panel = window.compare.dock.panel
    for name in b.stages:
        shown = panel.row(name)
        np.testing.assert_array_equal(untile(shown, 0), a.stages[name])
        np.testing.assert_array_equal(untile(shown, 1), b.stages[name])
        np.testing.assert_array_equal(untile(shown, 2), b.stages[name].astype(np.float64) - a.stages[name])
        assert np.isnan(shown.values[2]).any()  # the gaps between the maps stay gaps
    np.testing.assert_array_equal(panel.rows[0].values[2], b.input_28.astype(np.float64) - a.input_28)


def test_the_evidence_difference_is_for_bs_answer(compared):
    window, a, b = compared
    evidence = window.compare.dock.panel.row("Evidence for 1")
    np.testing.assert_array_equal(evidence.values[2], b.evidence.maps[1] - a.evidence.maps[1])


def test_the_difference_is_coloured_red_up_blue_down_white_unchanged(compared):
    window, a, b = compared
    shown = window.compare.dock.panel.row(next(iter(b.stages)))
    diff, rgb = shown.values[2], shown.rgb[2].astype(int)
    up, down = np.unravel_index(np.nanargmax(diff), diff.shape), np.unravel_index(np.nanargmin(diff), diff.shape)
    assert diff[up] > 0 > diff[down]
    assert rgb[up][0] > rgb[up][2] + 60 and rgb[down][2] > rgb[down][0] + 60  # red for B > A, blue for A > B
    same = np.argwhere(diff == 0)[0]
    assert (rgb[tuple(same)] > 230).all()  # no change: white
    # a symmetric scale: the largest change either way reaches the end of the table
    assert shown.row.diff_limit == pytest.approx(np.nanmax(np.abs(diff)))


def test_a_chosen_class_changes_the_evidence_row(qtbot, compared):
    window, a, b = compared
    window.view_state.selected_class = 7
    evidence = window.compare.dock.panel.row("Evidence for 7")
    np.testing.assert_array_equal(evidence.values[2], b.evidence.maps[7] - a.evidence.maps[7])


def test_the_probabilities_side_by_side(compared):
    window, a, b = compared
    comparison = window.compare.comparison()
    np.testing.assert_array_equal(comparison.probabilities_a, a.probabilities)
    np.testing.assert_array_equal(comparison.probabilities_b, b.probabilities)


def test_unpin_returns_to_normal(qtbot, compared):
    window, _, _ = compared
    assert window.pin_action.text().startswith("Un")
    press_pin(window)
    assert window.view_state.compare_pin is None and not window.compare.dock.isVisible()
    assert window.pin_action.text() == "&Pin drawing for comparison"


def test_closing_the_dock_unpins(qtbot, compared):
    window, _, _ = compared
    close = window.compare.dock.titleBarWidget().close_button
    QTest.mouseClick(close, Qt.MouseButton.LeftButton)
    assert window.view_state.compare_pin is None and not window.compare.dock.isVisible()


def test_nothing_drawn_nothing_pinned(qtbot, window):
    press_pin(window)
    assert window.view_state.compare_pin is None and not window.compare.dock.isVisible()
    assert "Draw a digit first" in window.statusBar().currentMessage()


def test_another_model_says_why_it_cannot_compare(qtbot, compared):
    window, _, _ = compared
    with qtbot.waitSignal(window.modelChanged, timeout=60_000):
        window.model_actions["gap"].trigger()
    qtbot.waitUntil(lambda: settled(window) and window.last_result.model_name == "gap", timeout=30_000)
    panel = window.compare.dock.panel
    assert window.compare.comparison() is None and "another model" in panel.message
    press_pin(window)  # unpin, pin again: now A is from this model
    press_pin(window)
    assert window.view_state.compare_pin is window.last_result


def test_presentation_mode_keeps_the_pin_and_the_dock_together(qtbot, compared):
    """F11 and back restores the layout saved on entering; the pin still decides the dock."""
    window, _, _ = compared
    window.set_presentation(True)
    press_pin(window)  # unpinned while in full screen
    window.set_presentation(False)
    qtbot.wait(window_restore_ms() + 200)
    assert window.view_state.compare_pin is None and not window.compare.dock.isVisible()
    press_pin(window)  # pinned again, then into full screen and out
    window.set_presentation(True)
    qtbot.wait(window_restore_ms() + 200)
    assert window.compare.dock.isVisible()
    window.set_presentation(False)
    qtbot.wait(window_restore_ms() + 200)
    assert window.view_state.compare_pin is not None and window.compare.dock.isVisible()


def window_restore_ms() -> int:
    from mnistviz.ui.window_layout import RESTORE_DELAY_MS

    return RESTORE_DELAY_MS


@pytest.mark.parametrize("size", [(320, 700), (520, 900), (700, 600)])
def test_the_pooled_maps_are_drawn_as_large_as_the_conv_maps(compared, size):
    panel = compared[0].compare.dock.panel
    panel.resize(*size)
    QTest.qWait(20)
    tiles = {}
    for shown, (_, cells) in zip(panel.rows, panel.layout_rows()):
        if shown.layout is not None:  # a mosaic: one map's width on screen
            tiles[shown.name] = cells[0].width() * shown.layout.width / shown.values[0].shape[1]
    conv = min(t for name, t in tiles.items() if name.startswith("Conv"))
    # 14x14 maps half the size of the 28x28 ones made the MaxPool row ~15 px thumbnails.
    assert tiles["MaxPool"] >= conv - 1, tiles


def test_pinning_puts_a_in_the_gallery_and_unpinning_gives_the_columns_back(qtbot, window):
    draw(qtbot, window, SEVEN)
    qtbot.wait(350)  # the first-show fit is done
    widths = [window.centralWidget().width(), window.prediction_dock.width()]
    press_pin(window)
    assert len(window.gallery.entries) == 1 and window.gallery.entries[0].caption.startswith("7")
    qtbot.wait(50)
    press_pin(window)
    qtbot.waitUntil(lambda: not window.compare.dock.isVisible())
    qtbot.wait(50)
    # (the offscreen screen is 800 px wide: the Compare column may have widened the window)
    assert window.prediction_dock.width() == widths[1] and window.centralWidget().width() >= widths[0]


def test_the_compare_column_leaves_the_maps_their_room():
    from mnistviz.ui.compare_dock import DOCK_MIN_WIDTH, DOCK_SHARE, RIGHT_COLUMN_KEEPS, compare_width

    assert compare_width(1600, 300) == int(1600 * DOCK_SHARE)  # a large window: its share
    assert compare_width(1229, 296) == 1229 - 296 - RIGHT_COLUMN_KEEPS  # 1280x800: what is left
    assert compare_width(1000, 296) == DOCK_MIN_WIDTH
