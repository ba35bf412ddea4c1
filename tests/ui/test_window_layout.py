"""The first window fits its screen; a saved geometry that no longer fits is replaced."""

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget
from PySide6.QtCore import Qt

from mnistviz.ui import window_layout


@pytest.mark.parametrize("available", [QRect(0, 0, 1024, 740), QRect(0, 0, 1280, 770), QRect(1920, 0, 1920, 1050)])
def test_first_geometry_is_inside_the_available_area(available):
    rect = window_layout.first_geometry(available)
    assert available.contains(rect)
    assert rect.width() <= window_layout.PREFERRED_SIZE.width()
    assert rect.height() <= window_layout.PREFERRED_SIZE.height()
    # Centred, and as large as the screen allows up to the preferred size.
    assert abs(rect.center().x() - available.center().x()) <= 1
    assert rect.height() >= min(window_layout.PREFERRED_SIZE.height(), available.height() * 0.95)


def test_preferred_size_on_a_big_screen():
    rect = window_layout.first_geometry(QRect(0, 0, 2560, 1400))
    assert rect.size() == window_layout.PREFERRED_SIZE


@pytest.fixture
def window(qtbot):
    win = QMainWindow()
    win.setCentralWidget(QWidget())
    docks = [QDockWidget(f"d{i}") for i in range(2)]
    for i, dock in enumerate(docks):
        dock.setObjectName(f"d{i}")
        dock.setWidget(QWidget())
        win.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    qtbot.addWidget(win)
    return win, docks


def test_saved_geometry_that_fits_is_restored(window):
    win, docks = window
    available = win.screen().availableGeometry()
    win.setGeometry(available.x() + 10, available.y() + 10, available.width() // 2, available.height() // 2)
    saved = win.saveGeometry()
    win.setGeometry(available.x() + 40, available.y() + 40, 300, 300)
    window_layout.restore_or_fit(win, saved, docks, [])
    assert win.size() == QSize(available.width() // 2, available.height() // 2)


def test_saved_geometry_off_every_screen_is_replaced_by_a_fitted_one(window):
    win, docks = window
    available = win.screen().availableGeometry()
    # Saved on a larger screen (or a second one that is gone today).
    win.setGeometry(available.right() + 500, 100, available.width() + 800, available.height() + 600)
    saved = win.saveGeometry()
    window_layout.restore_or_fit(win, saved, docks, [])
    assert available.contains(win.geometry())


def test_no_saved_geometry_fits_the_window(window):
    win, docks = window
    window_layout.restore_or_fit(win, None, docks, [])
    assert win.screen().availableGeometry().contains(win.geometry())


def test_docks_keep_their_share_when_the_window_shrinks_and_grows_again(qtbot):
    from mnistviz.app import build_window

    win = build_window()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.model_info is not None, timeout=60_000)  # no load left running at close
    qtbot.wait(max(window_layout.FRAME_SETTLE_MS) + 100)  # the first-show fit is done
    try:
        # Sizes inside the offscreen screen (800x800), so nothing moves the window back.
        win.resize(780, 760)
        qtbot.waitUntil(lambda: win.width() == 780)
        share = win.prediction_dock.width() / win.width()
        win.resize(620, 700)
        qtbot.waitUntil(lambda: win.width() == 620)
        win.resize(780, 760)
        qtbot.waitUntil(lambda: win.width() == 780)
        qtbot.wait(100)  # the docks' share is put back once Qt has laid out the new size
        # Not all of the regained room went to the canvas: the maps got theirs back.
        assert win.prediction_dock.width() / win.width() == pytest.approx(share, abs=0.03)
    finally:
        win.close()


def test_the_three_stages_share_one_grid_however_their_docks_are_sized(qtbot, open_window):
    win = open_window()
    qtbot.wait(max(window_layout.FRAME_SETTLE_MS) + 100)
    conv1, conv2, pooled = win.stage_docks
    # Short Conv docks (a 1x10 strip suits them) above a tall MaxPool dock (alone, it would
    # take 2x5 and draw its 14x14 maps larger than the 28x28 ones).
    win.resizeDocks([win.prediction_dock], [win.width()], Qt.Orientation.Horizontal)  # as wide as it goes
    low = max(d.minimumSizeHint().height() for d in (conv1, conv2))
    win.resizeDocks([conv1, conv2, pooled], [low, low, 3 * low], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: pooled.height() > conv1.height() + 50)
    qtbot.wait(100)  # the docks' grids follow their new sizes
    grids = [(d.layout_.rows, d.layout_.cols) for d in win.stage_docks]
    assert len(set(grids)) == 1, grids
    tiles = [d.plot.zoom() * d.layout_.width for d in win.stage_docks]
    assert tiles[2] <= min(tiles[:2]) + 1, tiles
    win.close()


def test_view_gallery_shows_it_in_the_input_docks_tabs_and_the_window_still_fits(qtbot, open_window):
    window = open_window()
    qtbot.wait(max(window_layout.FRAME_SETTLE_MS) + 100)
    window.gallery.toggleViewAction().trigger()  # View ▸ Gallery, nothing saved yet
    qtbot.waitUntil(window.gallery.isVisible)
    assert window.gallery in window.tabifiedDockWidgets(window.input_dock)
    # a dock of its own under the canvas asked for 848 px: more than a 1280x800 screen has
    assert window.minimumSizeHint().height() <= 800 - 40
