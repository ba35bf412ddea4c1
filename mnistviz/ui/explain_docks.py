"""The view state and the explanation docks, built and wired for the main window.

`ExplainDocks(window)` makes `window.view_state` (mnistviz.view_state), lets the
feature-map and prediction docks listen to it, adds the Evidence, "How this value is
made", Filters and Network docks (tabbed beside the Input and Prediction docks, so a
1280x800 window stays readable), routes a hovered map cell into the state, and outlines
that cell's receptive field on the canvas and on the Input dock's 28x28 image.
MainWindow only creates it and passes Results, the theme and presentation on.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QTabBar

from mnistviz.input_geometry import input_rect_on_canvas
from mnistviz.network import receptive_field
from mnistviz.ui.arithmetic_dock import ArithmeticDock
from mnistviz.ui.evidence_dock import EvidenceDock
from mnistviz.ui.field_overlay import FieldOverlay, pixel_view, square_view
from mnistviz.ui.filters_dock import FiltersDock
from mnistviz.ui.network_dock import NetworkDock
from mnistviz.view_state import HoveredCell, ViewState


class ExplainDocks(QObject):
    def __init__(self, window):
        super().__init__(window)
        self._window = window
        state = window.view_state = ViewState()
        self.state = state
        self.evidence = EvidenceDock(window)
        self.arithmetic = ArithmeticDock(window)
        self.filters = FiltersDock(window)
        self.network = NetworkDock(window)
        self.docks = [self.evidence, self.arithmetic, self.filters, self.network]
        for dock in self.docks:
            dock.listen_to(state)
        window.prediction_dock.listen_to(state)
        window.prediction_dock.classClicked.connect(self._bring_evidence_forward)  # after toggle_class
        for dock in window.stage_docks:
            dock.listen_to(state)
            dock.cellHovered.connect(self._on_cell_hovered)
        window.map_viewer.cellHovered.connect(self._on_cell_hovered)  # the enlarged map too
        # After the docks' own listeners: a reset starts again from the drawing on screen.
        state.events.fixed_reset.connect(lambda _: self._record_fixed_ranges())
        self.network.layerClicked.connect(self.raise_layer)
        self._place(window)

        from mnistviz.ui.canvas import CANVAS_SIZE

        self.canvas_outline = FieldOverlay(window.canvas, square_view(window.canvas, CANVAS_SIZE))
        view = window.input_dock.input_view
        self.input_outline = FieldOverlay(view, pixel_view(view))
        state.events.hovered.connect(self._outline)

    def _beside(self) -> list:
        """(dock already there, new dock) pairs. The arithmetic, the filters and the network
        go beside the Prediction dock: they answer hovering the maps below it, which stay in
        view. The evidence goes beside the MaxPool maps it is made from, under the Prediction
        dock whose bars choose its class. Nothing goes under the canvas: a tab bar there made
        the window taller than a 1280x800 screen."""
        window = self._window
        return [(window.prediction_dock, self.arithmetic), (window.prediction_dock, self.filters),
                (window.prediction_dock, self.network), (window.stage_docks[-1], self.evidence)]

    def _place(self, window) -> None:
        """Added hidden, so a saved layout (restored before the window shows) can place them;
        tabbed once the window is up (`place_if_new`). Tabbed before the first show, Qt left
        a stray copy of the second tab bar on screen."""
        for first, dock in self._beside():
            window.addDockWidget(window.dockWidgetArea(first), dock)
            dock.hide()
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self._window and event.type() == QEvent.Type.Show:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self, self.place_if_new)
        return False

    def place_if_new(self) -> None:
        """Tab the docks in unless a restored layout already placed them (a layout saved
        before these docks existed leaves all four hidden and untabbed)."""
        if all(dock.isHidden() and not dock.isFloating() for dock in self.docks):
            self.place()

    def place(self) -> None:
        """Tabs, so the first window keeps its size; the docks that were there stay in front."""
        window = self._window
        column = [window.prediction_dock, *window.stage_docks]
        window.layout().activate()  # sizes just asked for (Reset layout) are applied first
        heights = [dock.height() for dock in column]
        for first, dock in self._beside():
            dock.setFloating(False)
            dock.show()
            window.tabifyDockWidget(first, dock)
        for dock in (window.stage_docks[-1], window.prediction_dock):
            dock.raise_()
        # Qt shares the column out again by the new docks' wishes: give each dock its share
        # of before, less its part of the room the tab bars took (known once laid out).
        window.layout().activate()
        self._keep_shares(column, heights)

    def _keep_shares(self, column: list, heights: list[int]) -> None:
        room = sum(dock.height() for dock in column)
        wanted = [max(dock.minimumSizeHint().height(), round(h * room / max(1, sum(heights))))
                  for dock, h in zip(column, heights)]
        # A dock held at its minimum takes its rounding from the others, in their proportions.
        free = [i for i, (dock, w) in enumerate(zip(column, wanted)) if w > dock.minimumSizeHint().height()]
        excess = sum(wanted) - room
        free_total = sum(wanted[i] for i in free) or 1
        for i in free:
            wanted[i] -= round(excess * wanted[i] / free_total)
        # resizeDocks sizes a tab group with its tab bar: add it to the tabbed docks' heights.
        bar = {id(dock): self._tab_bar_height(dock) for dock in column}
        self._window.resizeDocks(column, [w + bar[id(d)] for d, w in zip(column, wanted)], Qt.Orientation.Vertical)

    def _tab_bar_height(self, dock) -> int:
        if not self._window.tabifiedDockWidgets(dock):
            return 0
        title = dock.windowTitle()
        bars = [b for b in self._window.findChildren(QTabBar) if any(b.tabText(i) == title for i in range(b.count()))]
        return max((b.sizeHint().height() for b in bars), default=0)  # laid out or about to be

    # -- from the window -----------------------------------------------------------------

    def show_result(self, result) -> None:
        if result is None:
            self.state.selected_class = None  # a cleared canvas: the next digit starts from its answer
        for dock in self.docks:
            dock.show_result(result)
        if result is not None:
            self._record_fixed_ranges()
        self._outline(self.state.hovered)

    def _record_fixed_ranges(self) -> None:
        """The "fixed" ranges on screen (the docks grow them across drawings), for the export."""
        if self.state.scale_mode != "fixed":
            return
        for dock in self._window.stage_docks:
            levels = dock.levels()
            self.state.set_fixed_range(dock.stage_name, None if levels is None else (levels.lo, levels.hi))

    def set_theme(self, theme) -> None:
        for dock in self.docks:
            dock.set_theme(theme)

    # -- hover and clicks ----------------------------------------------------------------

    def _on_cell_hovered(self, cell: HoveredCell | None) -> None:
        self.state.hovered = cell

    def _outline(self, cell: HoveredCell | None) -> None:
        """The input pixels the hovered cell depends on, on the canvas and the 28x28 image."""
        result = self._window.last_result
        network = None if result is None else getattr(result, "network", None)
        if cell is None or network is None:
            self.canvas_outline.set_rect(None)
            self.input_outline.set_rect(None)
            return
        top, left, bottom, right = receptive_field(network, cell.stage, cell.row, cell.col)
        self.input_outline.set_rect((top, left, bottom + 1, right + 1))
        steps = result.steps
        on_canvas = None if steps is None else input_rect_on_canvas((top, left, bottom, right),
                                                                    self._window.canvas.shown_array(), steps)
        self.canvas_outline.set_rect(on_canvas)

    def _bring_evidence_forward(self, _index: int) -> None:
        """A chosen class is explained in the Evidence dock: bring its tab to the front."""
        if self.state.selected_class is not None and not self.evidence.isHidden():
            self.evidence.raise_()

    def raise_layer(self, name: str) -> None:
        """Network dock: bring the dock that shows layer `name` to the front."""
        window = self._window
        stages = [dock.stage_name for dock in window.stage_docks]
        dock = (window.stage_docks[stages.index(name)] if name in stages else
                window.input_dock if name == "Input" else
                window.prediction_dock if name == "Class scores" else None)
        if dock is not None:
            dock.show()
            dock.raise_()
            if dock.isFloating():
                dock.activateWindow()
