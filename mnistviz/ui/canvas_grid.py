"""The 28x28 grid over the canvas: a line between the network's pixels, every 7th (a
quarter of the field) stronger. Drawn once per view size: 54 lines in Python on every
repaint cost ~4 ms."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap

GRID_CELLS = 28


@lru_cache(maxsize=4)
def grid_pixmap(width: float, height: float, dpr: float) -> QPixmap:
    pixmap = QPixmap(round(width * dpr), round(height * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    step = width / GRID_CELLS
    faint = QPen(QColor(120, 140, 170, 70), 0)  # cosmetic: one device pixel at any scale
    strong = QPen(QColor(120, 160, 220, 150), 0)
    for i in range(1, GRID_CELLS):
        painter.setPen(strong if i % 7 == 0 else faint)
        offset = round(i * step * dpr) / dpr  # on a device pixel, so lines stay sharp
        painter.drawLine(QPointF(offset, 0), QPointF(offset, height))
        painter.drawLine(QPointF(0, offset), QPointF(width, offset))
    painter.end()
    return pixmap
