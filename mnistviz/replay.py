"""Replaying a drawing: the moments worth analysing, the ten probabilities over the drawing's
time, where the leading class changed, and the clock that plays a drawing back.

Numpy only (no Qt, no torch): the timeline widget shows these, a worker thread fills them.
A moment t (milliseconds of drawing time) always means `drawing.until(t)`: every point
recorded up to t, later ones left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from mnistviz.drawing import Drawing

FRAME_STEP_MS = 50.0  # the probability plot's resolution in drawing time
MAX_FRAMES = 200  # a long drawing gets a coarser step, never more frames than this
SPEEDS = (0.5, 1.0, 2.0)  # Play: half, real and double speed


def stroke_ends(drawing: Drawing) -> np.ndarray:
    """The moment each stroke was finished (the pointer lifted), rising."""
    return np.array([float(s.points[-1, 2]) for s in drawing.strokes], dtype=np.float64)


def start_ms(drawing: Drawing) -> float:
    """The moment of the first point (0 for a drawing with no strokes)."""
    return float(drawing.strokes[0].points[0, 2]) if drawing.strokes else 0.0


def frame_times(drawing: Drawing, step_ms: float = FRAME_STEP_MS, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The moments the probability plot samples: every `step_ms` from the first point to the
    end (the end always included), plus each stroke's end when that still fits `max_frames`
    (what the class saw when the pen lifted). The step grows for long drawings."""
    if not drawing.strokes:
        return np.zeros(0, dtype=np.float64)
    if max_frames < 2:
        raise ValueError(f"a replay needs at least 2 frames, asked for {max_frames}")
    start, end = start_ms(drawing), drawing.duration_ms
    span = end - start
    step = max(float(step_ms), span / (max_frames - 1))
    count = min(max_frames, int(math.floor(span / step + 1e-9)) + 1) if span > 0 else 1
    times = start + step * np.arange(count, dtype=np.float64)
    if times[-1] < end:
        times = np.append(times[: max_frames - 1], end)
    with_ends = np.union1d(times, stroke_ends(drawing))
    return with_ends if with_ends.size <= max_frames else times


def probabilities_for(canvas: np.ndarray, model, centre: bool = True) -> np.ndarray | None:
    """The class probabilities the window would show for this canvas (`pipeline.analyse`,
    without the explanation); None with no ink."""
    from mnistviz.pipeline import analyse  # torch: not on the window's start-up path

    result = analyse(canvas, model, centre, with_evidence=False)
    return None if result is None else result.probabilities


@dataclass(frozen=True)
class Turn:
    """The leading class changed at `t_ms`: from `before` (None: no ink yet) to `after`."""

    t_ms: float
    before: int | None
    after: int


@dataclass(frozen=True, eq=False)
class ProbabilityCurves:
    """The probabilities at each of `times` (ms); a row of NaN where the canvas had no ink."""

    times: np.ndarray  # (n,) rising
    probabilities: np.ndarray  # (n, classes)
    classes: tuple[str, ...]

    def index_at(self, t_ms: float) -> int:
        """The last frame at or before t_ms (the first frame before the first one)."""
        return max(0, int(np.searchsorted(self.times, t_ms, side="right")) - 1)

    def leaders(self) -> np.ndarray:
        """The leading class per frame; -1 where there was no ink."""
        rows = self.probabilities
        ink = np.isfinite(rows).all(axis=1)
        leaders = np.full(len(rows), -1, dtype=np.int64)
        if ink.any():
            leaders[ink] = np.argmax(rows[ink], axis=1)
        return leaders

    def turns(self) -> list[Turn]:
        """Every moment the leading class changed ("the 1 turned into a 7")."""
        turns, previous = [], -1
        for t, leader in zip(self.times, self.leaders()):
            if leader >= 0 and leader != previous:
                turns.append(Turn(float(t), None if previous < 0 else int(previous), int(leader)))
            if leader >= 0:
                previous = leader
        return turns


def compute_curves(times: np.ndarray, frames: Iterable[np.ndarray], classify: Callable[[np.ndarray], np.ndarray | None],
                   classes: tuple[str, ...], cancelled: Callable[[], bool] = lambda: False) -> ProbabilityCurves | None:
    """`classify(frame)` for the frame of each moment; None if `cancelled()` said stop."""
    rows = np.full((len(times), len(classes)), np.nan, dtype=np.float64)
    for index, frame in enumerate(frames):
        if cancelled():
            return None
        probabilities = classify(frame)
        if probabilities is not None:
            rows[index] = probabilities
    return ProbabilityCurves(np.asarray(times, dtype=np.float64), rows, tuple(classes))


def previous_mark(drawing: Drawing, t_ms: float) -> float:
    """Ctrl+Left: the end of the stroke before t_ms (or the first point)."""
    marks = np.concatenate([[start_ms(drawing)], stroke_ends(drawing)])
    earlier = marks[marks < t_ms - 1e-6]
    return float(earlier[-1]) if earlier.size else start_ms(drawing)


def next_mark(drawing: Drawing, t_ms: float) -> float:
    """Ctrl+Right: the end of the stroke being drawn at t_ms (or the next one's)."""
    ends = stroke_ends(drawing)
    later = ends[ends > t_ms + 1e-6]
    return float(later[0]) if later.size else drawing.duration_ms


class PlaybackClock:
    """Where a replay is after some wall-clock time, at a speed (½×, 1×, 2×): Qt-free, so a
    test passes the time in. Changing the speed keeps the position where it is."""

    def __init__(self, start_ms: float, end_ms: float):
        if end_ms < start_ms:
            raise ValueError(f"a replay ends after it starts, found {start_ms} .. {end_ms}")
        self.start_ms, self.end_ms = float(start_ms), float(end_ms)
        self.speed = 1.0
        self._from_ms = self.start_ms
        self._since_s: float | None = None  # wall time when playing began; None: paused

    @property
    def playing(self) -> bool:
        return self._since_s is not None

    def play(self, position_ms: float, now_s: float) -> None:
        """Play from position_ms; from the end, start over (as a video player does)."""
        position = min(max(float(position_ms), self.start_ms), self.end_ms)
        self._from_ms = self.start_ms if position >= self.end_ms else position
        self._since_s = now_s

    def pause(self, now_s: float) -> float:
        position = self.position(now_s)
        self._from_ms, self._since_s = position, None
        return position

    def set_speed(self, speed: float, now_s: float) -> None:
        if speed not in SPEEDS:
            raise ValueError(f"replay speeds are {', '.join(f'{s:g}x' for s in SPEEDS)}; found {speed!r}")
        if self.playing:
            self._from_ms, self._since_s = self.position(now_s), now_s
        self.speed = speed

    def position(self, now_s: float) -> float:
        if self._since_s is None:
            return self._from_ms
        return min(self.end_ms, self._from_ms + (now_s - self._since_s) * 1000.0 * self.speed)

    def finished(self, now_s: float) -> bool:
        return self.position(now_s) >= self.end_ms
