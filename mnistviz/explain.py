"""Why the network said what it said: numpy only (no torch, no Qt).

* `Evidence`: one number per position of the last stage and class. When the model's
  logits are a linear map of its last stage (the head `network_probe` recovered and
  verified), the split is exact: ``logit_c = bias_c + maps[c].sum()``. Otherwise
  occlusion sensitivity stands in, labelled approximate.
* `cell_arithmetic`: how one value of a feature map is made (patch x kernel + bias ->
  ReLU; for max-pool the window and its winner), from the model's own parameters and
  its own stage outputs, checked against the value the model gave.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from mnistviz.network import (
    FLATTEN_LINEAR,
    GAP_LINEAR,
    Head,
    Network,
    head_terms,
    pad,
    receptive_field,
)

IDENTITY_TOLERANCE = 1e-4  # |bias + sum(map) - logit| allowed, per class
CELL_TOLERANCE = 1e-4  # recomputed cell value vs the model's own value (relative to max(1, |v|))

METHODS = {
    FLATTEN_LINEAR: "flatten → linear (exact)",
    GAP_LINEAR: "global average pool → linear (exact, CAM)",
}
OCCLUSION_METHOD = "occlusion (approximate)"


@dataclass(frozen=True)
class Evidence:
    maps: np.ndarray  # (classes, H, W) over the last stage; exact: logit_c = bias[c] + maps[c].sum()
    bias: np.ndarray  # (classes,); zeros for occlusion
    logits: np.ndarray  # (classes,) the model's logits
    exact: bool
    method: str  # one of METHODS' values, or starting with OCCLUSION_METHOD's first word

    def total(self, class_index: int) -> float:
        """The evidence of one class summed over all positions."""
        return float(self.maps[class_index].sum())


def evidence_from_head(head: Head, last_stage: np.ndarray, logits: np.ndarray) -> Evidence | None:
    """The exact split, or None when the head does not reproduce these logits to 1e-4
    (the model is not this linear head on this input: never show a split that is not exact)."""
    last_stage = np.asarray(last_stage)
    logits = np.asarray(logits)
    try:
        terms = head_terms(head, last_stage)
    except ValueError:  # shapes do not fit this stage
        return None
    bias = head.bias.astype(np.float64)
    if terms.shape[0] != logits.shape[0] or not np.isfinite(terms).all():
        return None
    recomputed = bias + terms.sum(axis=(1, 2))
    if not np.all(np.abs(recomputed - logits.astype(np.float64)) <= IDENTITY_TOLERANCE):
        return None
    return Evidence(maps=terms, bias=bias, logits=logits.astype(np.float64), exact=True, method=METHODS[head.kind])


def occlusion_grid(height: int, width: int, cells: int | None = None) -> list[tuple[slice, slice, slice, slice]]:
    """Blocks of the last stage's grid and the input pixels under each: (rows, cols) of the
    map, (rows, cols) of the 28x28 input. `cells` per side (None: one block per position)."""
    def edges(n: int, count: int, size: int) -> list[tuple[int, int, int, int]]:
        map_edges = np.linspace(0, n, count + 1).round().astype(int)
        out = []
        for a, b in zip(map_edges[:-1], map_edges[1:]):
            out.append((int(a), int(b), int(round(a * size / n)), int(round(b * size / n))))
        return out

    rows = edges(height, min(cells or height, height), 28)
    cols = edges(width, min(cells or width, width), 28)
    return [(slice(r0, r1), slice(c0, c1), slice(y0, y1), slice(x0, x1))
            for r0, r1, y0, y1 in rows for c0, c1, x0, x1 in cols]


def occlusion_evidence(logits_of: Callable[[np.ndarray], np.ndarray], input_28: np.ndarray,
                       logits: np.ndarray, shape: tuple[int, int], cells: int | None = None) -> Evidence | None:
    """Occlusion sensitivity: how much each class's logit drops when a patch of the input is
    blanked (set to paper, 0). All patches go to the model as one batch: `logits_of` takes
    (N, 28, 28) images in [0, 1] and returns (N, classes); patches without ink are not run
    (their drop is 0). The drop of a block is spread evenly over the map positions it
    covers, so coarse and fine grids sum alike.
    None if the model gives non-numbers."""
    height, width = shape
    image = np.asarray(input_28, dtype=np.float32)
    logits = np.asarray(logits, dtype=np.float64)
    maps = np.zeros((logits.shape[0], height, width))
    # Blanking a patch that is already blank changes nothing: only inked patches are run.
    blocks = [b for b in occlusion_grid(height, width, cells) if image[b[2], b[3]].any()]
    if blocks:
        batch = np.repeat(image[None], len(blocks), axis=0)
        for i, (_, _, ys, xs) in enumerate(blocks):
            batch[i, ys, xs] = 0.0
        occluded = np.asarray(logits_of(batch), dtype=np.float64)
        if occluded.shape != (len(blocks), logits.shape[0]) or not np.isfinite(occluded).all():
            return None
        for i, (rows, cols, _, _) in enumerate(blocks):
            area = (rows.stop - rows.start) * (cols.stop - cols.start)
            maps[:, rows, cols] = ((logits - occluded[i]) / area)[:, None, None]
    coarse = cells is not None and cells < max(height, width)
    method = OCCLUSION_METHOD if not coarse else f"occlusion (approximate, {cells}x{cells} patches)"
    return Evidence(maps=maps, bias=np.zeros_like(logits), logits=logits, exact=False, method=method)


def _json_float(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def evidence_payload(evidence: Evidence, class_index: int) -> dict:
    """One class's evidence as JSON-safe data: {"class", "logit", "bias", "exact", "method",
    "map"} (map: H rows of W numbers), plus "evidence_sum" (the map's total)."""
    if not 0 <= class_index < evidence.maps.shape[0]:
        raise ValueError(f"class {class_index} does not exist: this model has classes "
                         f"0 to {evidence.maps.shape[0] - 1}")
    return {
        "class": int(class_index),
        "logit": _json_float(evidence.logits[class_index]),
        "bias": _json_float(evidence.bias[class_index]),
        "evidence_sum": _json_float(evidence.total(class_index)),
        "exact": bool(evidence.exact),
        "method": evidence.method,
        "map": [[_json_float(v) for v in row] for row in evidence.maps[class_index]],
    }


# ---------------------------------------------------------------------------------------
# How one value is made

@dataclass(frozen=True)
class ConvCell:
    """A value of a convolution with one input channel (Conv1): patch x kernel + bias -> ReLU."""

    stage: int
    filter: int
    row: int
    col: int
    patch: np.ndarray  # (kh, kw) normalised input, zeros outside the image
    kernel: np.ndarray  # (kh, kw)
    products: np.ndarray  # (kh, kw) patch * kernel
    bias: float
    total: float  # products.sum() + bias
    value: float  # max(total, 0): the value in the stage's map


@dataclass(frozen=True)
class SumCell:
    """A value of a convolution over several channels (Conv2): one partial sum per input map."""

    stage: int
    filter: int
    row: int
    col: int
    patches: np.ndarray  # (in, kh, kw) of the previous stage, zeros outside
    kernels: np.ndarray  # (in, kh, kw)
    partial_sums: np.ndarray  # (in,) each (patch * kernel).sum()
    bias: float
    total: float  # partial_sums.sum() + bias
    value: float  # max(total, 0)


@dataclass(frozen=True)
class PoolCell:
    stage: int
    filter: int
    row: int
    col: int
    window: np.ndarray  # (size, size) values of the previous stage
    winner: tuple[int, int]  # (row, col) of the largest inside the window
    value: float


def _window(maps: np.ndarray, padding: int, row: int, col: int, kh: int, kw: int) -> np.ndarray:
    return pad(maps, padding)[:, row: row + kh, col: col + kw].astype(np.float64)


def cell_arithmetic(network: Network | None, result, stage: int, filter: int, row: int,
                    col: int) -> ConvCell | SumCell | PoolCell | None:
    """How value (filter, row, col) of `stage` (0, 1, 2 in the model's order) of `result`
    is made; None when that stage was not recovered from the model, the cell does not
    exist, or the recomputed value differs from the model's own (never show wrong sums)."""
    stages = list(getattr(result, "stages", {}).values())
    if network is None or not 0 <= stage < min(3, len(stages)):
        return None
    target = stages[stage]
    if not (0 <= filter < target.shape[0] and 0 <= row < target.shape[1] and 0 <= col < target.shape[2]):
        return None
    model_value = float(target[filter, row, col])
    cell = _make_cell(network, result, stages, stage, filter, row, col)
    if cell is None or abs(cell.value - model_value) > CELL_TOLERANCE * max(1.0, abs(model_value)):
        return None
    return cell


def _make_cell(network: Network, result, stages, stage, filter, row, col):
    if stage == 0 and network.conv1 is not None:
        layer = network.conv1
        _, _, kh, kw = layer.weight.shape
        x = network.normalise(result.input_28)[None]
        patch = _window(x, layer.padding, row, col, kh, kw)[0]
        kernel = layer.weight[filter, 0].astype(np.float64)
        products = patch * kernel
        bias = float(layer.bias[filter])
        total = float(products.sum()) + bias
        return ConvCell(stage, filter, row, col, patch, kernel, products, bias, total, max(total, 0.0))
    if stage == 1 and network.conv2 is not None:
        layer = network.conv2
        _, _, kh, kw = layer.weight.shape
        patches = _window(stages[0], layer.padding, row, col, kh, kw)
        kernels = layer.weight[filter].astype(np.float64)
        if patches.shape != kernels.shape:
            return None
        partial = (patches * kernels).sum(axis=(1, 2))
        bias = float(layer.bias[filter])
        total = float(partial.sum()) + bias
        return SumCell(stage, filter, row, col, patches, kernels, partial, bias, total, max(total, 0.0))
    if stage == 2 and network.pool is not None:
        size = network.pool
        window = stages[1][filter, row * size: (row + 1) * size, col * size: (col + 1) * size].astype(np.float64)
        if window.shape != (size, size):
            return None
        winner = np.unravel_index(int(np.argmax(window)), window.shape)
        return PoolCell(stage, filter, row, col, window, (int(winner[0]), int(winner[1])), float(window.max()))
    return None


__all__ = [
    "Evidence", "evidence_from_head", "evidence_payload", "occlusion_evidence", "occlusion_grid",
    "ConvCell", "SumCell", "PoolCell", "cell_arithmetic", "receptive_field", "METHODS", "OCCLUSION_METHOD",
]
