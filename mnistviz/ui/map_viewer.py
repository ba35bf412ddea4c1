"""The one enlarged map of the whole app.

A single tool window (`Qt.Tool`: above the main window, no task-bar entry) that shows
the map last clicked in any stage dock, with its title ("Conv2 + ReLU · filter 3"), its
colour bar and a hover readout. Whoever builds the docks makes one viewer and lets it
`follow` them: a dock's `mapClicked(stage, map)` retargets the viewer, its
`mapsChanged(stage)` refreshes it while that stage is shown. The docks know nothing
of the viewer or of each other; the viewer reads what it shows from the clicked dock
(`map_snapshot`), so it always matches the dock: colours, scale, fonts.

It opens beside the clicked map, inside the screen's available area, and stays where
it is (or where it was dragged to) while it is retargeted, unless it would cover the
newly clicked map. Esc closes it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QEvent, QMargins, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from mnistviz.ui import theme as themes
from mnistviz.view_state import HoveredCell
from mnistviz.ui.featuremap_dock import FeatureMapDock, MapSnapshot
from mnistviz.ui.heatmap_view import (
    HeatmapView,
    Readout,
    reading_texts,
    role_font,
)

HINT = "Hover over the map to read its values · Esc closes"
HINT_VARIANTS = (HINT, "Hover to read · Esc closes", "Esc closes")
GAP = 12  # px between the clicked map and the viewer
# Client sizes (normal, presentation); never more than SCREEN_SHARE of the screen.
SIZES = (QSize(520, 470), QSize(700, 650))  # about square room for the map beside its colour bar
SCREEN_SHARE = 0.9
MIN_SIDE = 240  # px: narrower than this it would cover the clicked map rather than shrink
# Until the window manager has framed the window once, assume a title bar this big.
FRAME_GUESS = QMargins(8, 32, 8, 8)


class MapViewer(QWidget):
    """One map enlarged; follows clicks in every dock it was given."""

    hovered = Signal(str)  # the readout's full text; "" when the pointer leaves
    cellHovered = Signal(object)  # view_state.HoveredCell under the pointer, or None when it leaves

    def __init__(self, docks: Iterable[FeatureMapDock] = (), parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Tool)
        self.setObjectName("mapViewer")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.title = QLabel(self)
        self.title.setObjectName("viewerTitle")
        self.plot = HeatmapView(self, bar_width=22)
        self.plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the window (Esc)
        self.readout = Readout(HINT, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self._docks: dict[int, FeatureMapDock] = {}
        self.stage_index = -1
        self.index = -1
        self._snapshot: MapSnapshot | None = None
        self._hover: tuple[int, int] | None = None
        self._colormap: str | None = None
        self._presentation: bool | None = None
        self.set_theme(themes.DARK)
        self.plot.pointerMoved.connect(self._on_pointer_moved)
        self.plot.left.connect(self._on_left)
        for dock in docks:
            self.follow(dock)

    def follow(self, dock: FeatureMapDock) -> None:
        """Enlarge what is clicked in `dock` and keep up with its changes."""
        self._docks[dock.stage_index] = dock
        dock.mapClicked.connect(self.open_map)
        dock.mapsChanged.connect(self._on_maps_changed)

    def open_map(self, stage_index: int, index: int) -> None:
        """Show map `index` of the stage `stage_index` (both 0-based); opening, beside it."""
        dock = self._docks[stage_index]
        opening = not self.isVisible()
        self.stage_index, self.index = stage_index, index
        self._hover = None
        self._refresh()
        tile = dock.tile_rect(self.index)
        # Once open it stays where it is (or was dragged to), unless it hides the map.
        if opening or self.frameGeometry().intersects(tile):
            self.place_near(tile)
        self.show()
        self.raise_()
        self.activateWindow()  # so that Esc reaches it

    def snapshot(self) -> MapSnapshot | None:
        """What is shown now."""
        return self._snapshot

    # -- keeping up ----------------------------------------------------------------------

    def _on_maps_changed(self, stage_index: int) -> None:
        if stage_index == self.stage_index and self.isVisible():
            self._refresh()

    def _refresh(self) -> None:
        dock = self._docks[self.stage_index]
        if dock.colormap != self._colormap:
            self._colormap = dock.colormap
            self.plot.set_lut(dock.colormap)
        if dock.presentation != self._presentation:
            self._set_presentation(dock.presentation)
        snap = dock.map_snapshot(self.index)
        self._snapshot, self.index = snap, snap.index
        if snap.title != self.windowTitle():
            self.setWindowTitle(snap.title)
            self.title.setText(snap.title)
        lo, hi = (0.0, 1.0) if snap.levels is None else (snap.levels.lo, snap.levels.hi)
        self.plot.heatmap.set_image(snap.shown, (lo, hi))
        self.plot.heatmap.set_opacity(1.0 if snap.raw is not None else 0.35)
        self.plot.set_image_size(snap.shown.shape[1], snap.shown.shape[0])
        self.plot.set_levels(snap.levels, snap.label)
        if self._hover is not None and snap.raw is not None:
            self._report(*self._hover)  # the value under the pointer changed with the result

    def set_theme(self, theme: themes.Theme) -> None:
        self.setStyleSheet(f"#mapViewer {{ background: {theme.plot_background}; }} "
                           f"#viewerTitle {{ color: {theme.plot_text}; padding-left: 6px; }} "
                           f"#readout {{ color: {theme.plot_dim_text}; }}")
        self.plot.set_theme(theme)

    def _set_presentation(self, on: bool) -> None:
        self._presentation = on
        self.title.setFont(role_font("title", on, bold=True))
        self.readout.setFont(role_font("readout", on))
        self.plot.set_fonts(on)

    # -- where it opens ------------------------------------------------------------------

    def place_near(self, target: QRect) -> None:
        """Size and move the window beside `target` (global coordinates), inside the
        screen: right of it, else left, below, above, whichever first has room; where none
        has, on the roomiest side, narrower (or lower) to fit."""
        screen = QGuiApplication.screenAt(target.center()) or self.screen() or QGuiApplication.primaryScreen()
        avail = screen.availableGeometry()
        frame = self._frame_margins()
        extra = QSize(frame.left() + frame.right(), frame.top() + frame.bottom())
        wanted = SIZES[1 if self._presentation else 0] + extra
        outer = QSize(min(wanted.width(), int(avail.width() * SCREEN_SHARE)),
                      min(wanted.height(), int(avail.height() * SCREEN_SHARE)))
        room = {"right": avail.right() - target.right() - GAP, "left": target.left() - GAP - avail.left(),
                "below": avail.bottom() - target.bottom() - GAP, "above": target.top() - GAP - avail.top()}
        sideways = ("right", "left")
        need = {side: outer.width() if side in sideways else outer.height() for side in room}
        side = next((s for s in room if room[s] >= need[s]), None)
        if side is None:
            side = max(room, key=lambda s: room[s] / need[s])
            if side in sideways:
                outer.setWidth(max(MIN_SIDE, room[side]))
            else:
                outer.setHeight(max(MIN_SIDE, room[side]))
        x = {"right": target.right() + 1 + GAP, "left": target.left() - GAP - outer.width()}.get(
            side, target.center().x() - outer.width() // 2)
        y = {"below": target.bottom() + 1 + GAP, "above": target.top() - GAP - outer.height()}.get(
            side, target.center().y() - outer.height() // 2)
        x = min(max(x, avail.left()), avail.right() + 1 - outer.width())
        y = min(max(y, avail.top()), avail.bottom() + 1 - outer.height())
        self.resize(outer - extra)
        self.move(x, y)  # a window's pos is its frame's top-left

    def _frame_margins(self) -> QMargins:
        frame, inner = self.frameGeometry(), self.geometry()
        if frame == inner:
            return FRAME_GUESS
        return QMargins(inner.left() - frame.left(), inner.top() - frame.top(),
                        frame.right() - inner.right(), frame.bottom() - inner.bottom())

    # -- keys and pointer ----------------------------------------------------------------

    def event(self, event):
        # Esc is the main window's "clear the canvas" shortcut: claim it here first.
        if event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Escape:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event):  # noqa: N802 (Qt name)
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_pointer_moved(self, p: QPointF) -> None:
        snap = self._snapshot
        if snap is None or snap.raw is None:
            return
        h, w = snap.raw.shape
        row, col = int(np.floor(p.y())), int(np.floor(p.x()))
        if 0 <= row < h and 0 <= col < w:
            self._hover = (row, col)
            self._report(row, col)
        elif self._hover is not None:
            self._on_left()

    def _report(self, row: int, col: int) -> None:
        snap = self._snapshot
        texts = reading_texts(snap.stage_name, snap.index, row, col, snap.raw[row, col])
        self.readout.show_text(*texts)
        self.hovered.emit(texts[0])
        self.cellHovered.emit(HoveredCell(self.stage_index, snap.index, row, col))

    def _on_left(self) -> None:
        self._hover = None
        self.readout.show_text(*HINT_VARIANTS)
        self.hovered.emit("")
        self.cellHovered.emit(None)
