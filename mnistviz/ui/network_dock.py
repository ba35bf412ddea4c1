"""The network as read from the loaded model file: its layers, their output shapes and
parameter counts, the total, and a live thumbnail of what each stage holds for the
current drawing. Clicking a row brings that stage's dock to the front.

Reads `Result.network.layers` (found in the model's own parameters, see
`mnistviz.network_probe`), so it changes when another model is loaded.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mnistviz import colormaps
from mnistviz.ui.explain_common import LazyDock, font, rgb_image

COLUMNS = ("", "Layer", "What it does", "Output", "Parameters")
EMPTY = "Draw a digit: the layers of the loaded model appear here."
UNREAD = "The layers of this model could not be read from its file."
THUMB_HEIGHT = 26


def shape_text(shape: tuple[int, ...]) -> str:
    if len(shape) == 3:
        return f"{shape[0]} @ {shape[1]}×{shape[2]}"
    return "×".join(str(d) for d in shape) or "–"


def stage_thumbnail(maps: np.ndarray, colormap: str) -> np.ndarray:
    """(C, H, W) -> RGB: the maps in two rows, one colour scale for the stage."""
    channels, h, w = maps.shape
    columns = max(1, (channels + 1) // 2)
    rows = 1 if channels == 1 else 2
    sheet = np.full((rows * (h + 1) - 1, columns * (w + 1) - 1), np.nan, np.float32)
    for index in range(min(channels, rows * columns)):
        r, c = divmod(index, columns)
        sheet[r * (h + 1): r * (h + 1) + h, c * (w + 1): c * (w + 1) + w] = maps[index]
    finite = sheet[np.isfinite(sheet)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    rgb = colormaps.apply(np.nan_to_num(sheet, nan=lo), lo, hi, colormap)
    rgb[~np.isfinite(sheet)] = 40
    return rgb


def grey_thumbnail(image: np.ndarray) -> np.ndarray:
    grey = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2)


def bars_thumbnail(probabilities: np.ndarray, winner: int, height: int = 24) -> np.ndarray:
    """Tiny bars, the winner in orange."""
    k = len(probabilities)
    rgb = np.full((height, k * 4, 3), 30, np.uint8)
    for i, p in enumerate(np.clip(probabilities, 0, 1)):
        top = height - max(1, int(round(p * height)))
        rgb[top:, i * 4: i * 4 + 3] = (240, 150, 40) if i == winner else (110, 150, 200)
    return rgb


MENU_TEXT = "Network (layers and sizes)"


def _total_text(network) -> str | None:
    """"20 620": the network's learned numbers, thousands apart; None without a network."""
    return None if network is None else f"{network.total_parameters:,}".replace(",", " ")


class NetworkDock(LazyDock):
    """objectName ``networkDock``; `layerClicked(name)` for a clicked row."""

    layerClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Network", "networkDock", parent)
        self.colormap = colormaps.DEFAULT
        self._buffers: list[np.ndarray] = []  # keep thumbnail pixels alive
        body = QWidget(self)
        body.setObjectName("networkBody")
        self.message = QLabel(EMPTY, body)
        self.message.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), body)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip("Click a stage to bring its maps to the front")
        self.table.cellClicked.connect(lambda row, _: self._on_row_clicked(row))
        self.total = QLabel(body)
        self.total.setWordWrap(True)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        self.set_body(body)
        self.toggleViewAction().setText(MENU_TEXT)
        self.set_theme(self.theme)
        self.set_presentation(False)

    def listen_to(self, state) -> None:
        self.colormap = state.colormap

        def recolour(name: str) -> None:
            self.colormap = name
            self.refresh()

        state.events.colormap.connect(recolour)

    def layer_names(self) -> list[str]:
        return [self.table.item(row, 1).text() for row in range(self.table.rowCount())]

    def _on_row_clicked(self, row: int) -> None:
        item = self.table.item(row, 1)
        if item is not None:
            self.layerClicked.emit(item.text())

    def _thumbnail(self, name: str) -> np.ndarray | None:
        result = self.result
        if name in result.stages:
            return stage_thumbnail(result.stages[name], self.colormap)
        if name == "Input":
            return grey_thumbnail(result.input_28)
        if name == "Class scores":
            return bars_thumbnail(result.probabilities, result.prediction)
        return None

    def render(self) -> None:
        result = self.result
        network = None if result is None else getattr(result, "network", None)
        layers = () if network is None else network.layers
        self.message.setVisible(not layers)
        self.message.setText(EMPTY if result is None else UNREAD)
        if self.table.rowCount() != len(layers):
            self.table.setRowCount(len(layers))
        self._buffers = []
        height = round(THUMB_HEIGHT * (1.5 if self.presentation else 1))
        widest = 0
        for row, layer in enumerate(layers):
            texts = ("", layer.name, layer.kind, shape_text(layer.output_shape),
                     f"{layer.parameters:,}".replace(",", " ") if layer.parameters else "–")
            for column, text in enumerate(texts):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    if column == 4:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(row, column, item)
                item.setText(text)
            rgb = self._thumbnail(layer.name)
            icon = QIcon()
            if rgb is not None:
                image, buffer = rgb_image(rgb)
                self._buffers.append(buffer)
                pixmap = QPixmap.fromImage(image.scaledToHeight(height, Qt.TransformationMode.FastTransformation))
                widest = max(widest, pixmap.width())
                icon = QIcon(pixmap)
            self.table.item(row, 0).setIcon(icon)
        self.table.setIconSize(QSize(max(widest, height), height))
        for row in range(len(layers)):
            self.table.setRowHeight(row, height + 4)
        total = _total_text(network)
        self.total.setText("" if total is None else f"Total: {total} learned numbers (parameters)")
        self._show_title()

    def show_result(self, result) -> None:
        super().show_result(result)
        self._show_title()  # cheap, so even while hidden: the tab must not name the last model's total

    def _show_title(self) -> None:
        """The total in the title too: it stays in sight when the table has to scroll."""
        total = _total_text(None if self.result is None else getattr(self.result, "network", None))
        self.setWindowTitle("Network" if total is None else f"Network · {total} parameters")
        self.toggleViewAction().setText(MENU_TEXT)  # Qt copies the title into it: the View menu keeps its name

    def set_theme(self, theme) -> None:
        super().set_theme(theme)
        self.message.setStyleSheet(f"color: {theme.plot_text};")

    def set_presentation(self, on: bool) -> None:
        for widget in (self.message, self.table, self.total):
            widget.setFont(font(10, on))
        super().set_presentation(on)
