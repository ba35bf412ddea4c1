"""Numbers as the user reads them. No Qt, no torch: the docks and the export share it."""

from __future__ import annotations

import math

# Whatever `format_probability` returns is no wider than the widest of these (digits are
# equally wide in the fonts we use): views reserve room for them so nothing jumps.
WIDEST_PROBABILITY_TEXTS = ("> 99.9 %", "< 0.1 %", "88.8 %")


def format_probability(p: float) -> str:
    """A probability as a percentage with one decimal, honest at both ends.

    A network is never certain: what would round to "100.0 %" is "> 99.9 %", and
    what would round to "0.0 %" is "< 0.1 %". Only an exact zero says "0 %".
    """
    p = float(p)
    if not math.isfinite(p):
        return "– %"
    text = f"{p * 100:.1f}"
    if p >= 1 or text == "100.0":
        return "> 99.9 %"
    if p <= 0:
        return "0 %"
    if text == "0.0":
        return "< 0.1 %"
    return f"{text} %"
