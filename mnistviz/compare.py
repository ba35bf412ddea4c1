"""Compare two drawings: A (pinned) and B (on the canvas now). Numpy only (no torch, no Qt).

`compare(a, b, class_index)` pairs two Results of the same model: per stage A's maps,
B's maps and B − A; the same for the 28x28 input and for the evidence of one class; and
both probability vectors. Colour scales are decided here so the screen shows numbers it
can name: A and B share one range per row (the same colour means the same value in
both), and B − A gets a symmetric range centred on 0 (white = no change, red = B
larger, blue = A larger).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mnistviz.mosaic import value_range


class CompareError(ValueError):
    """A and B cannot be compared (another model, other shapes); the message says why."""


@dataclass(frozen=True)
class Row:
    """One row of the comparison: A, B and B − A of the same shape, and their scales."""

    name: str
    a: np.ndarray
    b: np.ndarray
    diff: np.ndarray  # b - a, float64 (exactly B's numbers minus A's)
    shared_range: tuple[float, float]  # (lo, hi) for A and B both
    diff_limit: float  # B − A is coloured over -diff_limit .. +diff_limit (0 in the middle)
    signed: bool = False  # A and B are signed too (evidence): shared_range is symmetric about 0

    @property
    def largest_change(self) -> float:
        return float(np.abs(self.diff).max()) if self.diff.size else 0.0


@dataclass(frozen=True)
class Comparison:
    input: Row  # the 28x28 images the network saw
    stages: tuple[Row, ...]  # in the model's order
    evidence: Row | None  # one class's evidence map; None when either Result has none
    class_index: int  # the class the evidence row is about
    classes: tuple[str, ...]
    probabilities_a: np.ndarray
    probabilities_b: np.ndarray

    @property
    def probability_change(self) -> np.ndarray:
        return self.probabilities_b - self.probabilities_a


def symmetric_limit(values: np.ndarray) -> float:
    """The largest absolute finite value; 1.0 when there is none or all are 0 (a flat
    difference still needs a non-empty scale: it shows white everywhere)."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)]
    largest = float(np.abs(finite).max()) if finite.size else 0.0
    return largest if largest > 0 else 1.0


def make_row(name: str, a: np.ndarray, b: np.ndarray, signed: bool = False) -> Row:
    """`signed`: A and B are coloured about 0 too (-L..L, L their largest size)."""
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        raise CompareError(f"{name}: A has shape {a.shape} and B {b.shape}; they cannot be compared")
    diff = b.astype(np.float64) - a.astype(np.float64)
    both = np.concatenate([a.ravel(), b.ravel()])
    if signed:
        limit = symmetric_limit(both)
        shared = (-limit, limit)
    else:
        shared = value_range(both)
    return Row(name, a, b, diff, shared, symmetric_limit(diff), signed)


def compare(a, b, class_index: int | None = None) -> Comparison:
    """A and B (Results of one model) side by side. `class_index`: the class whose evidence
    is compared (None: B's prediction). Raises CompareError when they do not match."""
    if (a.model_name != b.model_name or list(a.stages) != list(b.stages)
            or tuple(a.classes) != tuple(b.classes)):
        raise CompareError("A was pinned with another model: pin the drawing again to compare with this model")
    rows = tuple(make_row(name, a.stages[name], b.stages[name]) for name in b.stages)
    classes = tuple(b.classes)
    if class_index is None or not 0 <= class_index < len(classes):
        class_index = b.prediction
    evidence = None
    if a.evidence is not None and b.evidence is not None:
        try:
            evidence = make_row(f"Evidence for {classes[class_index]}", a.evidence.maps[class_index],
                                b.evidence.maps[class_index], signed=True)
        except CompareError:
            evidence = None  # one approximate, one exact of another grid: no like-for-like row
    return Comparison(
        input=make_row("Input (28 × 28)", a.input_28, b.input_28),
        stages=rows,
        evidence=evidence,
        class_index=class_index,
        classes=classes,
        probabilities_a=np.asarray(a.probabilities, dtype=np.float64),
        probabilities_b=np.asarray(b.probabilities, dtype=np.float64),
    )
