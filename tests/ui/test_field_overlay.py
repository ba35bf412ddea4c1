"""The receptive-field outline stays inside the picture it outlines, even at its edges."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget

from mnistviz.ui.field_overlay import FieldOverlay, square_view


def painted(overlay: FieldOverlay) -> QImage:
    image = QImage(overlay.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    overlay.render(image, QPoint(0, 0))
    return image


def test_a_field_past_the_corner_is_drawn_inside_the_canvas_square(qtbot):
    target = QWidget()
    qtbot.addWidget(target)
    target.resize(300, 200)  # the canvas shows its square in the middle: x from 50 to 250
    overlay = FieldOverlay(target, square_view(target, 280))
    overlay.set_rect((-30, -30, 40, 40))  # reaches past the top-left corner, as an edge field may
    image = painted(overlay)
    inked = [(x, y) for y in range(image.height()) for x in range(image.width())
             if image.pixelColor(x, y).alpha() > 0]
    assert inked, "the outline is drawn"
    assert min(x for x, _ in inked) >= 50 and max(x for x, _ in inked) < 250
    assert min(y for _, y in inked) >= 0
    # and all of it shows: the yellow line runs along the square's top-left edges
    assert any(image.pixelColor(x, y).red() > 200 and image.pixelColor(x, y).blue() < 80
               for x, y in inked if x <= 55)
    assert overlay.focusPolicy() == Qt.FocusPolicy.NoFocus
