"""The pixels of a drawing at any moment, fast enough to scrub: exactly
`render_drawing(drawing.until(t))`, without repainting everything drawn before t each time.

`render_drawing` paints stroke after stroke, and a stroke as begin, moves, end. Painting is
deterministic, so the image (and the painter's state) after any prefix of that sequence can
be kept and continued later with the same result. Kept: the image after each finished
stroke, and inside a stroke the image and painter every `IN_STROKE_EVERY` points. A moment
is then the nearest kept state before it, at most that many segments, and the tail to the
last point (which `until` makes the pen's lift). QtGui only: works on any thread (one
renderer per thread).
"""

from __future__ import annotations

import copy

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage

from mnistviz.drawing import Drawing
from mnistviz.ui.stroke_painter import StrokePainter, blank_image, image_to_array, paint_stroke

IN_STROKE_EVERY = 24  # points between kept states inside a stroke: ~0.4 ms of painting at most
MAX_KEPT = 256  # images kept (78 kB each, 20 MB at most); beyond it a moment is painted from further back


class FrameRenderer:
    def __init__(self, drawing: Drawing):
        self.drawing = drawing
        self._finished: dict[int, QImage] = {0: blank_image()}  # strokes painted -> image
        # (stroke, m) -> (image, painter) after begin() and the moves to points 1..m of that stroke
        self._inside: dict[tuple[int, int], tuple[QImage, StrokePainter]] = {}

    def frame(self, t_ms: float) -> np.ndarray:
        """uint8 (280, 280): the drawing as it was at t_ms."""
        cut = self.drawing.until(t_ms)
        finished = len(cut.strokes)
        if finished and len(cut.strokes[-1].points) < len(self.drawing.strokes[finished - 1].points):
            finished -= 1  # the last stroke was still being drawn at t_ms
        if finished == len(cut.strokes):
            return image_to_array(self._after_strokes(finished))
        image = self._inside_stroke(finished, len(cut.strokes[-1].points))
        return image_to_array(image)

    def _kept(self) -> int:
        return len(self._finished) + len(self._inside)

    def _after_strokes(self, count: int) -> QImage:
        """A new image of the first `count` strokes."""
        start = max(k for k in self._finished if k <= count)
        image = self._finished[start].copy()
        for index in range(start, count):
            paint_stroke(image, self.drawing.strokes[index])
            if index + 1 not in self._finished and self._kept() < MAX_KEPT:
                self._finished[index + 1] = image.copy()
        return image

    def _inside_stroke(self, index: int, kept_points: int) -> QImage:
        """A new image: the strokes before `index`, and stroke `index` cut after `kept_points`
        points, painted as `paint_stroke` paints the cut stroke (its last point the lift)."""
        stroke = self.drawing.strokes[index]
        points = stroke.points
        moves_wanted = max(0, kept_points - 2)  # moves to points 1..kept-2, then the tail to kept-1
        known = [m for (i, m) in self._inside if i == index and m <= moves_wanted]
        if known:
            done = max(known)
            image, painter = self._resume(*self._inside[(index, done)])
        else:
            done = 0
            image = self._after_strokes(index)
            painter = StrokePainter(image, stroke.erase, stroke.width)
            painter.begin(QPointF(points[0, 0], points[0, 1]), points[0, 3])
        for m in range(done + 1, moves_wanted + 1):
            painter.move(QPointF(points[m, 0], points[m, 1]), points[m, 3])
            if m % IN_STROKE_EVERY == 0 and (index, m) not in self._inside and self._kept() < MAX_KEPT:
                self._inside[(index, m)] = self._resume(image, painter)
        if kept_points > 1:
            painter.end(QPointF(points[kept_points - 1, 0], points[kept_points - 1, 1]))
        return image

    @staticmethod
    def _resume(image: QImage, painter: StrokePainter) -> tuple[QImage, StrokePainter]:
        """A copy of the image and a painter in the same state that paints on the copy."""
        image = image.copy()
        clone = copy.copy(painter)  # its points are replaced, never changed in place
        clone._image = image  # the painter's only tie to its image (mnistviz.ui.stroke_painter)
        return image, clone
