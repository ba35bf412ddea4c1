"""One stage's feature maps as a single heatmap mosaic in a dock.

All maps of a stage are tiled in numpy (`mnistviz.mosaic`) into ONE image shown by ONE
`ImageItem` in ONE `ViewBox`, with one `ColorBarItem` as the legend: a repaint costs
one image, not one per map (DESIGN.md). Every graphics item is created in
``__init__`` (filter-number labels: in `configure`, only when a model has more maps
than before); an update fills a preallocated buffer in place and calls
``setImage(buffer, autoLevels=False, levels=...)``.

Repaint cost (measured with ``mnistviz bench``): everything that changes with a result
is a plain Qt item or the image. The filter numbers are `MapLabel`s (no Python runs to
paint them); the colour bar's numbers are Qt text items beside a bar that itself never
changes (`_ColourBar`: re-ranging pyqtgraph's axis redrew and re-laid out the bar on
every result); the axis label is set only when its text changes.

Numbers for people are 1-based (filter 1..C, as on the labels and in the exported
file names); `mapClicked` carries the 0-based map index; rows/cols are 0-based pixel
coordinates.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import SIGNAL, SLOT, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPen
from PySide6.QtWidgets import (
    QDockWidget,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mnistviz import colormaps
from mnistviz.export import format_value
from mnistviz.mosaic import DEFAULT_SCALE_MODE, Levels, MosaicLayout, StageScale
from mnistviz.result import Result

# The contract's stages (model.py has them too, but importing it would import torch).
DEFAULT_STAGES = (("Conv1 + ReLU", (10, 28, 28)), ("Conv2 + ReLU", (10, 28, 28)), ("MaxPool", (10, 14, 14)))

PLOT_BACKGROUND = "#16181C"  # also the colour of the gaps between maps
TEXT_COLOUR = "#E6E8EB"
DIM_TEXT = "#9AA3AD"
HINT = "Hover over a map to read its values · click a map to enlarge it"

# Font sizes in points: (normal, presentation)
_SIZES = {
    "title": (10, 16),
    "readout": (10, 17),
    "label": (8, 13),
    "overlay": (16, 30),
    "axis": (8, 13),
}


def _font(role: str, presentation: bool, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(_SIZES[role][1 if presentation else 0])
    font.setBold(bold)
    return font


def format_reading(value: float) -> str:
    """A hovered value: two decimals for everyday activations."""
    value = float(value)
    if value == 0 or 0.01 <= abs(value) < 10_000:
        return f"{value:.2f}"
    return f"{value:.2g}"


def color_map(name: str) -> pg.ColorMap:
    """The app's 256-entry table as a pyqtgraph ColorMap (for the colour bar)."""
    return pg.ColorMap(np.linspace(0.0, 1.0, 256), colormaps.lut(name), name=name)


def _scale_label(levels: Levels | None, mode: str) -> str:
    if levels is None:
        return ""
    if levels.relative:
        return "relative (each map)"
    return "activation (fixed)" if mode == "fixed" else "activation"


def coalesce_scene_updates(view: QGraphicsView) -> None:
    """Let a view's scene changes join the window's next repaint (with `hold_repaint`).

    By default Qt hands a scene's dirty items straight to its views and then *dispatches
    the window's pending UpdateRequest at once* (QGraphicsScenePrivate::
    _q_processDirtyItems -> QGraphicsViewPrivate::dispatchPendingUpdateRequests): a Result
    shown in four pyqtgraph views cost four backing-store syncs and flushes, one per scene.
    With the scene's ``changed`` signal connected (here to the view's own ``updateScene``
    slot, C++ to C++, no Python per update), the scene reports its changes through
    ``changed`` instead; and when a scene update is already pending as the dirty items are
    processed (`hold_repaint`), it dispatches nothing: the viewports are only marked dirty
    and the window paints everything in one sync.
    """
    QObject.connect(view.scene(), SIGNAL("changed(QList<QRectF>)"), view, SLOT("updateScene(QList<QRectF>)"))


_HOLD_RECT = QRectF(0.0, 0.0, 1e-3, 1e-3)


def hold_repaint(view: QGraphicsView) -> None:
    """After changing the items of a view set up by `coalesce_scene_updates`: queue a (tiny)
    scene update behind the scene's queued dirty-item pass, so that pass finds an update
    pending and leaves the repaint to the event loop."""
    view.scene().update(_HOLD_RECT)


class MapLabel(QGraphicsRectItem):
    """A filter number on its tile: text on a translucent box, at a fixed size in pixels
    whatever the zoom (ItemIgnoresTransformations), anchored at its top-left corner.

    Plain Qt items, so a repaint runs no Python for them (a pg.TextItem runs its own
    `paint` and a transform update per paint: 30 of them per result cost ~0.6 ms).
    `textItem` is the text (as on pg.TextItem).
    """

    PADDING = 3.0

    def __init__(self, text: str, colour: str, fill, parent: QGraphicsItem | None = None):
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setBrush(fill)
        self.textItem = QGraphicsSimpleTextItem(text, self)
        self.textItem.setBrush(QColor(colour))
        self.textItem.setPos(self.PADDING, self.PADDING / 2)
        self._fit()

    def setFont(self, font: QFont) -> None:  # noqa: N802 (as pg.TextItem)
        self.textItem.setFont(font)
        self._fit()

    def text(self) -> str:
        return self.textItem.text()

    def _fit(self) -> None:
        box = self.textItem.boundingRect()
        self.setRect(0.0, 0.0, box.width() + 2 * self.PADDING, box.height() + self.PADDING)


class MosaicImageItem(pg.ImageItem):
    """A pg.ImageItem with a fast `render` for what the docks show: a 2-D float mosaic with
    NaN gaps, scalar levels and a 256-entry uint8 RGB colour table (anything else goes
    to pyqtgraph's general `render`).

    One vectorised pass into preallocated buffers makes an ARGB32 (premultiplied, the
    raster engine's own format) image with the gaps transparent. The colours are
    pyqtgraph's: index = clip((value - lo) * 256 / (hi - lo), 0, 255). pyqtgraph's path
    (NaN scan, nditer rescale, lookup, alpha channel, RGBA8888 image) took about 0.2 ms
    per dock inside a repaint, this about a quarter of it.
    """

    def __init__(self, *args, **kwargs):
        self._shape: tuple[int, int] | None = None
        self._lut_id: int | None = None
        super().__init__(*args, **kwargs)

    def render(self):
        image, lut, levels = self.image, self.lut, self.levels
        if not (isinstance(image, np.ndarray) and image.ndim == 2 and image.dtype == np.float32
                and isinstance(lut, np.ndarray) and lut.shape == (256, 3) and lut.dtype == np.uint8
                and levels is not None and np.ndim(levels) == 1 and len(levels) == 2
                and self.axisOrder == "row-major" and not self.autoDownsample and image.size > 0):
            return super().render()
        if image.shape != self._shape:
            self._shape = image.shape
            self._scaled = np.empty(image.shape, np.float32)
            self._index = np.empty(image.shape, np.uint8)
            self._gaps = np.empty(image.shape, bool)
            self._argb = np.empty(image.shape, np.uint32)
        if id(lut) != self._lut_id:
            self._lut_id = id(lut)
            rgb = lut.astype(np.uint32)
            self._table = 0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
        lo, hi = float(levels[0]), float(levels[1])
        scale = 256.0 / (hi - lo if hi != lo else 1.0)
        np.isnan(image, out=self._gaps)
        np.subtract(image, np.float32(lo), out=self._scaled)
        np.multiply(self._scaled, np.float32(scale), out=self._scaled)
        np.clip(self._scaled, 0.0, 255.0, out=self._scaled)
        np.copyto(self._scaled, 0.0, where=self._gaps)
        np.copyto(self._index, self._scaled, casting="unsafe")
        np.take(self._table, self._index, out=self._argb)
        np.copyto(self._argb, 0, where=self._gaps)
        h, w = image.shape
        self.qimage = QImage(self._argb.data, w, h, w * 4, QImage.Format.Format_ARGB32_Premultiplied)
        self._renderRequired = False
        self._unrenderable = False


class _ColourBar(pg.ColorBarItem):
    """A ColorBarItem whose value axis stays as it was drawn: `setLevels` only records the
    levels (``levels()``); the numbers are `_HeatmapView`'s readout items beside the bar.

    pyqtgraph re-ranges the axis on every ``setLevels``, which made it regenerate its
    picture and re-lay out the colour bar for every result (about 0.6 ms per dock,
    measured). The colour map still goes through pyqtgraph.
    """

    def _update_items(self, update_cmap=False):
        if update_cmap:
            super()._update_items(update_cmap=True)


TICK_LENGTH = 5.0  # px, the colour bar's tick marks
TICK_GAP = 3.0  # px between a tick mark and its number


class _HeatmapView(pg.GraphicsLayoutWidget):
    """A ViewBox (aspect locked, y down, no pan/zoom/menu) holding one ImageItem,
    plus a vertical ColorBarItem: the part the dock and the enlarged view share."""

    left = Signal()

    def __init__(self, parent=None, bar_width: int = 14):
        super().__init__(parent)
        self.setBackground(PLOT_BACKGROUND)
        self.ci.setContentsMargins(4, 4, 4, 4)
        self.ci.setSpacing(6)
        self.view_box = pg.ViewBox(lockAspect=True, enableMouse=False, enableMenu=False, invertY=True,
                                   defaultPadding=0)
        self.view_box.disableAutoRange()
        self.image_item = MosaicImageItem(axisOrder="row-major")
        self.view_box.addItem(self.image_item)
        self.color_bar = _ColourBar(values=(0.0, 1.0), width=bar_width, interactive=False,
                                    colorMapMenu=False, pen=DIM_TEXT)
        self.color_bar.getAxis("left").setTextPen(DIM_TEXT)
        # Room above and below the bar for the min and max numbers, drawn unclipped.
        self.color_bar.layout.setContentsMargins(0, 10, 0, 10)
        self.color_bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        for side in ("left", "right", "top", "bottom"):
            # An SI prefix would re-typeset the axis label (QGraphicsTextItem.setHtml)
            # whenever the axis range changes.
            self.color_bar.getAxis(side).enableAutoSIPrefix(False)
        # The value axis is only the bar's edge and the room for the numbers, which are
        # Qt items (text and tick marks) placed on it: a new result changes their text.
        value_axis = self.color_bar.axis
        value_axis.setTicks([[], []])
        value_axis.setStyle(showValues=False, tickLength=0)
        tick_pen = pg.mkPen(DIM_TEXT)
        self._tick_marks = [QGraphicsLineItem(value_axis) for _ in range(3)]
        self._tick_texts = [QGraphicsSimpleTextItem(value_axis) for _ in range(3)]
        for mark, text in zip(self._tick_marks, self._tick_texts):
            mark.setPen(tick_pen)
            text.setBrush(QColor(TEXT_COLOUR))
        value_axis.geometryChanged.connect(self._place_ticks)
        self._ticks: list[tuple[float, str]] = []
        self._tick_range = (0.0, 1.0)
        self._label: str | None = None
        # Stretchable spacers either side keep image and colour bar together, centred,
        # when the image is narrower than the widget (see resizeEvent).
        self._spacers = [pg.GraphicsWidget(), pg.GraphicsWidget()]
        for spacer in self._spacers:
            spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
            spacer.setMinimumWidth(0)
            spacer.setPreferredWidth(0)
        self.ci.addItem(self._spacers[0], row=0, col=0)
        self.ci.addItem(self.view_box, row=0, col=1)
        self.ci.addItem(self.color_bar, row=0, col=2)
        self.ci.addItem(self._spacers[1], row=0, col=3)
        self.ci.layout.setColumnStretchFactor(0, 1)
        self.ci.layout.setColumnStretchFactor(1, 1000)  # the image takes all it can use first
        self.ci.layout.setColumnStretchFactor(3, 1)
        self._aspect = 1.0  # width / height of the image
        self.setMouseTracking(True)
        coalesce_scene_updates(self)

    def set_aspect(self, width: float, height: float) -> None:
        """Tell the view the image's proportions; the view box is never wider than needed."""
        self._aspect = width / height
        self._fit()

    def _fit(self) -> None:
        if not hasattr(self, "_aspect"):
            return  # GraphicsView.__init__ resizes before this class is set up
        margins = self.ci.layout.getContentsMargins()
        height = self.viewport().height() - margins[1] - margins[3]
        self.view_box.setMaximumWidth(max(40.0, height * self._aspect))

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        self._fit()
        super().resizeEvent(event)

    def set_lut(self, name: str) -> None:
        self.image_item.setLookupTable(colormaps.lut(name))
        self.color_bar.setColorMap(color_map(name))

    def set_levels(self, levels: Levels | None, label: str) -> None:
        """Colour bar range and label; None: the empty state, a bar without numbers."""
        if levels is None:
            self.color_bar.setLevels((0.0, 1.0))
            self._set_ticks([], (0.0, 1.0))
            self._set_label("")
            return
        self.color_bar.setLevels((levels.lo, levels.hi))
        if levels.relative:
            ticks = [(0.0, "min"), (1.0, "max")]
        else:  # the exact ends and the middle, as on the exported contact sheet
            mid = (levels.lo + levels.hi) / 2
            ticks = [(v, format_value(v)) for v in (levels.lo, mid, levels.hi)]
        self._set_ticks(ticks, (levels.lo, levels.hi))
        self._set_label(label)

    def tick_labels(self) -> list[str]:
        """The numbers beside the colour bar, top to bottom (for tests and export checks)."""
        return [text for _, text in sorted(self._ticks, key=lambda t: -t[0])]

    def _set_ticks(self, ticks: list[tuple[float, str]], value_range: tuple[float, float]) -> None:
        if ticks == self._ticks and value_range == self._tick_range:
            return
        self._ticks, self._tick_range = ticks, value_range
        for index, (mark, text) in enumerate(zip(self._tick_marks, self._tick_texts)):
            shown = index < len(ticks)
            mark.setVisible(shown)
            text.setVisible(shown)
            if shown:
                text.setText(ticks[index][1])
        self._place_ticks()

    def _place_ticks(self) -> None:
        """Tick marks and numbers at their values' heights on the value axis (top = high)."""
        height = self.color_bar.axis.size().height()
        lo, hi = self._tick_range
        span = hi - lo if hi > lo else 1.0
        for (value, _), mark, text in zip(self._ticks, self._tick_marks, self._tick_texts):
            y = height * (1.0 - min(max((value - lo) / span, 0.0), 1.0))
            mark.setLine(0.0, y, TICK_LENGTH, y)
            text.setPos(TICK_LENGTH + TICK_GAP, y - text.boundingRect().height() / 2)

    def _set_label(self, label: str) -> None:
        """The axis label, only when it changed: pyqtgraph lays the axis out again for it."""
        if label != self._label:
            self._label = label
            self.color_bar.getAxis("left").setLabel(label)

    def set_fonts(self, presentation: bool) -> None:
        font = _font("axis", presentation)
        for text in self._tick_texts:
            text.setFont(font)
        self.color_bar.axis.setWidth(72 if presentation else 45)
        left = self.color_bar.getAxis("left")
        left.label.setFont(font)
        left.setLabel(left.labelText)
        self._place_ticks()

    def scene_to_view(self, scene_pos) -> QPointF:
        return self.view_box.mapSceneToView(scene_pos)

    def leaveEvent(self, event):  # noqa: N802 (Qt name)
        self.left.emit()
        super().leaveEvent(event)


class MapView(QWidget):
    """A non-modal window with one map enlarged, its colour bar and a hover readout.
    Follows new results while open (the dock feeds it)."""

    hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("mapView")
        self.resize(560, 500)
        self.plot = _HeatmapView(self, bar_width=22)
        self.readout = QLabel(HINT.split(" · ")[0], self)
        self.readout.setObjectName("readout")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(f"#mapView {{ background: {PLOT_BACKGROUND}; }} "
                           f"#readout {{ color: {TEXT_COLOUR}; padding-left: 6px; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self.stage_name = ""
        self.index = -1
        self._raw: np.ndarray | None = None
        self._shape: tuple[int, int] | None = None
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.plot.left.connect(lambda: self.readout.setText(HINT.split(" · ")[0]))
        self.set_presentation(False)

    def show_map(self, stage_name: str, index: int, raw: np.ndarray | None, shown: np.ndarray,
                 levels: Levels | None, label: str) -> None:
        """raw: the map's values, shown: what is coloured; None for both raw and levels
        in the empty state."""
        self.stage_name, self.index, self._raw = stage_name, index, raw
        self.setWindowTitle(f"{stage_name} · filter {index + 1}")
        lo, hi = (0.0, 1.0) if levels is None else (levels.lo, levels.hi)
        self.plot.image_item.setImage(shown, autoLevels=False, levels=(lo, hi))
        self.plot.image_item.setOpacity(1.0 if raw is not None else 0.35)
        if self._shape != shown.shape:
            self._shape = shown.shape
            self.plot.view_box.setRange(xRange=(0, shown.shape[1]), yRange=(0, shown.shape[0]), padding=0)
            self.plot.set_aspect(shown.shape[1], shown.shape[0])
        self.plot.set_levels(levels, label)

    def set_colormap(self, name: str) -> None:
        self.plot.set_lut(name)

    def set_presentation(self, on: bool) -> None:
        self.readout.setFont(_font("readout", on))
        self.plot.set_fonts(on)

    def _on_mouse_moved(self, scene_pos) -> None:
        if self._raw is None:
            return
        p = self.plot.scene_to_view(scene_pos)
        h, w = self._raw.shape
        row, col = int(np.floor(p.y())), int(np.floor(p.x()))
        if 0 <= row < h and 0 <= col < w:
            text = (f"{self.stage_name} · filter {self.index + 1} · row {row}, col {col} · "
                    f"value {format_reading(self._raw[row, col])}")
            self.readout.setText(text)
            self.hovered.emit(text)


class FeatureMapDock(QDockWidget):
    """The maps of the stage at `stage_index` (0-based; objectName ``stageDock1``..)."""

    hovered = Signal(str)  # "Conv1 + ReLU · filter 3 · row 12, col 7 · value 0.53"; "" when leaving
    mapClicked = Signal(int)  # 0-based index of the clicked map

    def __init__(self, stage_index: int, parent: QWidget | None = None, stage_name: str | None = None,
                 shape: tuple[int, int, int] | None = None, colormap: str = colormaps.DEFAULT,
                 scale_mode: str = DEFAULT_SCALE_MODE):
        super().__init__(parent)
        self.stage_index = stage_index
        self.setObjectName(f"stageDock{stage_index + 1}")
        default_name, default_shape = DEFAULT_STAGES[min(stage_index, len(DEFAULT_STAGES) - 1)]
        self._scale = StageScale(scale_mode)
        self._colormap = colormap
        self._presentation = False
        self._result: Result | None = None
        self._maps: np.ndarray | None = None  # the raw maps shown (hover reads these)
        self._levels: Levels | None = None
        self._hover: tuple[int, int, int] | None = None
        self._viewer: MapView | None = None
        self.stage_name = ""
        self.layout_: MosaicLayout | None = None

        body = QWidget(self)
        self.plot = _HeatmapView(body)
        self.view_box = self.plot.view_box
        self.image_item = self.plot.image_item
        self.color_bar = self.plot.color_bar
        self.labels: list[MapLabel] = []
        self.empty_overlay = pg.TextItem("Draw a digit", color=DIM_TEXT, anchor=(0.5, 0.5),
                                         fill=pg.mkBrush(22, 24, 28, 200))
        self.empty_overlay.setZValue(20)
        self.view_box.addItem(self.empty_overlay, ignoreBounds=True)
        self.readout = QLabel(HINT, body)
        self.readout.setObjectName("readout")
        body.setObjectName("featureMapBody")
        body.setStyleSheet(f"#featureMapBody {{ background: {PLOT_BACKGROUND}; }} "
                           f"#readout {{ color: {DIM_TEXT}; padding-left: 6px; }}")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self.setWidget(body)

        self.plot.set_lut(colormap)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.plot.left.connect(self._on_left)
        self.configure(stage_name or default_name, shape or default_shape)
        self.set_presentation(False)
        self.show_result(None)

    # -- configuration -----------------------------------------------------------------

    def configure(self, stage_name: str, shape: tuple[int, int, int]) -> None:
        """Adapt to a stage (name, (C, H, W)): title, mosaic buffer, label positions."""
        shape = tuple(int(d) for d in shape)
        self.stage_name = stage_name
        channels, h, w = shape
        self.setWindowTitle(f"{stage_name} ({channels} @ {h}×{w})")
        if self.layout_ is not None and self.layout_.stage_shape == shape:
            return
        self.layout_ = MosaicLayout.for_shape(shape)
        self._buffer = self.layout_.new_buffer()
        self._normalised = np.empty(shape, np.float32)  # "map" mode: per-map [0, 1] values
        self._zeros = np.zeros(shape, np.float32)
        while len(self.labels) < channels:  # only a model with more maps than before adds labels
            label = MapLabel(str(len(self.labels) + 1), TEXT_COLOUR, pg.mkBrush(22, 24, 28, 150))
            label.setZValue(10)
            label.setFont(_font("label", self._presentation))
            self.view_box.addItem(label, ignoreBounds=True)
            self.labels.append(label)
        for index, label in enumerate(self.labels):
            if index < channels:
                y0, x0 = self.layout_.origin(index)
                label.setPos(x0, y0)
            label.setVisible(index < channels)
        total_h, total_w = self.layout_.shape
        self.empty_overlay.setPos(total_w / 2, total_h / 2)
        self.view_box.setRange(xRange=(0, total_w), yRange=(0, total_h), padding=0)
        self.plot.set_aspect(total_w, total_h)
        self._maps = None
        self._hover = None

    # -- updates -----------------------------------------------------------------------

    def show_result(self, result: Result | None) -> None:
        """Show this dock's stage of `result`; None shows the empty state."""
        self._result = result
        maps = None
        if result is not None and self.stage_index < len(result.stages):
            name, maps = list(result.stages.items())[self.stage_index]
            if name != self.stage_name or self.layout_.stage_shape != maps.shape:
                self.configure(name, maps.shape)
        if maps is None:
            self._maps = None  # the empty state
            self.layout_.fill(self._zeros, self._buffer)
            self._levels = None
            self.image_item.setImage(self._buffer, autoLevels=False, levels=(0.0, 1.0))
            self.image_item.setOpacity(0.35)
            self.empty_overlay.setVisible(True)
            for label in self.labels:
                label.setVisible(False)
            self.plot.set_levels(None, "")
            self._hover = None
            self.readout.setText(HINT)
        else:
            self._maps = maps
            values, levels = self._scale.prepare(maps, out=self._normalised)
            self.layout_.fill(values, self._buffer)
            self.image_item.setImage(self._buffer, autoLevels=False, levels=(levels.lo, levels.hi))
            if self._levels is None:  # leaving the empty state
                self.image_item.setOpacity(1.0)
                self.empty_overlay.setVisible(False)
                for index, label in enumerate(self.labels):
                    label.setVisible(index < self.layout_.channels)
            if levels != self._levels:
                self.plot.set_levels(levels, _scale_label(levels, self._scale.mode))
            self._levels = levels
            if self._hover is not None:
                self._report(self._hover)
        hold_repaint(self.plot)
        self._update_viewer()

    def set_colormap(self, name: str) -> None:
        colormaps.lut(name)  # KeyError for an unknown name
        self._colormap = name
        self.plot.set_lut(name)
        if self._viewer is not None:
            self._viewer.set_colormap(name)

    def set_scale_mode(self, mode: str) -> None:
        """"stage", "fixed" or "map" (see mnistviz.mosaic); redraws the current result."""
        self._scale.mode = mode
        self._levels = None if self._maps is None else Levels(np.nan, np.nan)  # force a colour-bar update
        self.show_result(self._result)

    def reset_fixed_range(self) -> None:
        """Start the "fixed" range afresh from the current drawing."""
        self._scale.reset()
        if self._maps is not None:
            self._levels = Levels(np.nan, np.nan)
            self.show_result(self._result)

    def set_presentation(self, on: bool) -> None:
        """Bigger fonts for a projector."""
        self._presentation = on
        self.setFont(_font("title", on, bold=True))
        self.readout.setFont(_font("readout", on))
        for label in self.labels:
            label.setFont(_font("label", on))
        self.empty_overlay.setFont(_font("overlay", on))
        self.plot.set_fonts(on)
        if self._viewer is not None:
            self._viewer.set_presentation(on)

    # -- state, for the window and tests ------------------------------------------------

    @property
    def scale_mode(self) -> str:
        return self._scale.mode

    @property
    def colormap(self) -> str:
        return self._colormap

    def levels(self) -> Levels | None:
        """The levels shown now; None in the empty state."""
        return self._levels

    def fixed_range(self) -> tuple[float, float] | None:
        return self._scale.fixed_range

    def is_empty(self) -> bool:
        return self._maps is None

    def mosaic_image(self) -> np.ndarray:
        """The mosaic buffer the ImageItem shows (NaN in the gaps)."""
        return self._buffer

    def viewer(self) -> MapView | None:
        return self._viewer

    # -- hover and click -------------------------------------------------------------

    def locate_scene(self, scene_pos) -> tuple[int, int, int] | None:
        """Scene position -> (filter, row, col), 0-based; None in a gap or outside."""
        p = self.plot.scene_to_view(scene_pos)
        return self.layout_.locate(p.y(), p.x())

    def hover_text(self, where: tuple[int, int, int]) -> str:
        index, row, col = where
        text = (f"{self.stage_name} · filter {index + 1} · row {row}, col {col} · "
                f"value {format_reading(self._maps[index, row, col])}")
        if self._levels is not None and self._levels.relative:
            text += f" ({self._normalised[index, row, col] * 100:.0f} % of this map's range)"
        return text

    def _report(self, where: tuple[int, int, int]) -> None:
        text = self.hover_text(where)
        self.readout.setText(text)
        self.hovered.emit(text)

    def _on_mouse_moved(self, scene_pos) -> None:
        where = self.locate_scene(scene_pos) if self._maps is not None else None
        if where == self._hover:
            return
        self._hover = where
        if where is None:
            self._on_left()
        else:
            self._report(where)

    def _on_left(self) -> None:
        self._hover = None
        self.readout.setText(HINT)
        self.hovered.emit("")

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        where = self.locate_scene(event.scenePos())
        if where is not None:
            event.accept()
            self.open_map(where[0])

    def open_map(self, index: int) -> MapView:
        """Show map `index` (0-based) enlarged in a non-modal window; emits mapClicked."""
        if self._viewer is None:
            self._viewer = MapView(self)
            self._viewer.set_colormap(self._colormap)
            self._viewer.set_presentation(self._presentation)
            self._viewer.hovered.connect(self.hovered)
        self._viewer.index = index
        self._update_viewer(force=True)
        self._viewer.show()
        self._viewer.raise_()
        self.mapClicked.emit(index)
        return self._viewer

    def _update_viewer(self, force: bool = False) -> None:
        viewer = self._viewer
        if viewer is None or not (force or viewer.isVisible()):
            return
        index = min(max(viewer.index, 0), self.layout_.channels - 1)
        shown = self.layout_.tile(self._buffer, index)
        if self._maps is None:
            viewer.show_map(self.stage_name, index, None, shown, None, "")
        else:
            viewer.show_map(self.stage_name, index, self._maps[index], shown, self._levels,
                            _scale_label(self._levels, self._scale.mode))
