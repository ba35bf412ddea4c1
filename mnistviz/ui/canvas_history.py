"""The canvas's memory: undo/redo snapshots, and the strokes drawn since the canvas was
blank with their clock, as drawing files record them. Plain Python and numpy: the canvas
paints, this remembers."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from mnistviz.drawing import Drawing, DrawnStroke

UNDO_LEVELS = 200  # 200 x 78 kB snapshots = 16 MB at most


@dataclass(frozen=True)
class Snapshot:
    """What undo restores: the pixels and the strokes that drew them."""

    image: np.ndarray
    strokes: tuple[DrawnStroke, ...]
    recorded: bool  # False when the pixels came from a file or a sample, not from strokes


class CanvasHistory:
    def __init__(self, levels: int = UNDO_LEVELS):
        self._undo: deque[Snapshot] = deque(maxlen=levels)
        self._redo: deque[Snapshot] = deque(maxlen=levels)
        self.strokes: tuple[DrawnStroke, ...] = ()
        self.recorded = True
        # The drawing clock: at monotonic second `_clock_start` it read `_clock_base_ms`.
        # (Kept as a pair: subtracting the base from a large monotonic value instead lost the
        # last bits, and a stroke began a few nanoseconds *before* the moment it continued.)
        self._clock_start: float | None = None
        self._clock_base_ms = 0.0

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def drawing(self) -> Drawing | None:
        """None when the picture came from an image file or a sample (no strokes to replay)."""
        return Drawing(strokes=self.strokes) if self.recorded else None

    def snapshot(self, image: np.ndarray) -> Snapshot:
        return Snapshot(image, self.strokes, self.recorded)

    def push(self, before: Snapshot) -> None:
        """A new step: the state before it goes on the undo stack; redo is dropped."""
        self._undo.append(before)
        self._redo.clear()

    def undo(self, now: Snapshot) -> Snapshot | None:
        """The state to go back to (its strokes already current), or None."""
        if not self._undo:
            return None
        self._redo.append(now)
        return self._adopt(self._undo.pop())

    def redo(self, now: Snapshot) -> Snapshot | None:
        if not self._redo:
            return None
        self._undo.append(now)
        return self._adopt(self._redo.pop())

    def replace(self, strokes: tuple[DrawnStroke, ...], recorded: bool) -> None:
        """The picture was replaced (a drawing file, an image, clear); new strokes continue
        after the last one's time."""
        self.strokes, self.recorded, self._clock_start = tuple(strokes), recorded, None

    def add_stroke(self, stroke: DrawnStroke) -> None:
        self.strokes += (stroke,)

    def time_ms(self, not_before: float = 0.0) -> float:
        """Milliseconds since the drawing began; never before `not_before` (times rise)."""
        now = time.monotonic()
        if self._clock_start is None:
            self._clock_start = now
            self._clock_base_ms = float(self.strokes[-1].points[-1, 2]) if self.strokes else 0.0
        return max(self._clock_base_ms + (now - self._clock_start) * 1000, not_before)

    def _adopt(self, snapshot: Snapshot) -> Snapshot:
        self.strokes, self.recorded = snapshot.strokes, snapshot.recorded
        return snapshot
