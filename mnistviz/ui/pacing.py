"""Paced by the worker: one analysis in flight at a time, and never a wait on a clock.

A change submits the canvas at once when nothing is in flight. While the worker computes
and the window shows its answer, further changes only mark the canvas as changed; the
newest canvas is submitted once that answer has been painted (the window calls `answered`
from a zero timer, which Qt runs after the repaint it queued). So the docks show every
answer there is time for, the worker never computes a canvas that will not be shown, and
its thread never competes for the interpreter with the window painting the answer before
(the GIL: a pen at 125 Hz otherwise made both wait on each other).
"""

from __future__ import annotations

from typing import Callable


class AnalysisPacer:
    """`request()` on every change; `answered(id)` once an answer is painted; `failed()` when the
    worker reported an error instead. `submit()` (given) sends the newest canvas, returning its id."""

    def __init__(self, submit: Callable[[], int]) -> None:
        self._submit = submit
        self.in_flight: int | None = None  # the request whose answer is not painted yet
        self.wanted = False  # the canvas changed since that request was submitted

    def request(self) -> None:
        if self.in_flight is not None:
            self.wanted = True
            return
        self.wanted = False
        self.in_flight = self._submit()

    def answered(self, request_id: int) -> None:
        if self.in_flight is not None and request_id >= self.in_flight:
            self._next()

    def failed(self) -> None:
        if self.in_flight is not None:
            self._next()

    def _next(self) -> None:
        self.in_flight = None
        if self.wanted:
            self.request()
