"""Recover a `Network` from a loaded TorchScript module: by the parameters' shapes, never
their names, and kept only where the numpy recomputation matches the model's own outputs.

A model file may call its layers anything and may compute anything in between, so every
part is a hypothesis ("this 10x1x3x3 tensor and this 10-vector are a convolution whose
ReLU is stage 1") tested on a deterministic non-trivial input; a part that does not
reproduce the model's output is left out (None) and the views that need it say so.
"""

from __future__ import annotations

from itertools import product

import numpy as np
import torch

from mnistviz.model_meta import ModelMeta
from mnistviz.network import (
    FLATTEN_LINEAR,
    GAP_LINEAR,
    ConvLayer,
    Head,
    LayerInfo,
    Network,
    conv2d,
    head_logits,
    maxpool,
    relu,
)

INPUT_SIZE = 28
STAGE_TOLERANCE = 1e-4  # float32 model vs float64 recomputation, relative and absolute
LOGIT_TOLERANCE = 1e-4
PROBE_SEED = 12  # the probe input: uniform noise in [0, 1] from this seed (deterministic)


def probe_input() -> np.ndarray:
    """(28, 28) in [0, 1]: noise reaches every kernel weight, unlike a blank input."""
    return np.random.default_rng(PROBE_SEED).random((INPUT_SIZE, INPUT_SIZE), dtype=np.float32)


def _close(a: np.ndarray, b: np.ndarray, tolerance: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=tolerance, atol=tolerance))


def _biases(vectors: list[np.ndarray], length: int) -> list[np.ndarray]:
    """Every 1-D parameter of `length` values, then none (zeros: a layer without bias)."""
    return [v for v in vectors if v.shape == (length,)] + [np.zeros(length, np.float32)]


def _find_conv(weights: list[np.ndarray], vectors: list[np.ndarray], source: np.ndarray,
               target: np.ndarray) -> ConvLayer | None:
    """A (C_out, C_in, k, k) weight and bias with relu(conv(source)) == target."""
    in_c, in_h, in_w = source.shape
    out_c, out_h, out_w = target.shape
    for weight in weights:
        if weight.ndim != 4 or weight.shape[:2] != (out_c, in_c):
            continue
        kh, kw = weight.shape[2:]
        pad_h, pad_w = out_h - in_h + kh - 1, out_w - in_w + kw - 1
        if pad_h != pad_w or pad_h < 0 or pad_h % 2:
            continue
        for bias in _biases(vectors, out_c):
            layer = ConvLayer(weight=weight, bias=bias, padding=pad_h // 2)
            if _close(relu(conv2d(source, layer)), target, STAGE_TOLERANCE):
                return layer
    return None


def _find_pool(source: np.ndarray, target: np.ndarray) -> int | None:
    """The window (= stride) with maxpool(source) == target."""
    (c, h, w), (tc, th, tw) = source.shape, target.shape
    if c != tc or th == 0 or tw == 0 or h // th != w // tw or h // th < 1:
        return None
    size = h // th
    if (h // size, w // size) != (th, tw):
        return None
    return size if _close(maxpool(source, size), target, STAGE_TOLERANCE) else None


def _find_head(matrices: list[np.ndarray], vectors: list[np.ndarray], last: np.ndarray,
               logits: np.ndarray) -> Head | None:
    """A linear map of the flattened or globally averaged last stage that gives `logits`."""
    classes = logits.shape[0]
    c, h, w = last.shape
    for matrix, bias in product(matrices, _biases(vectors, classes)):
        if matrix.shape == (classes, c * h * w):
            head = Head(FLATTEN_LINEAR, matrix.reshape(classes, c, h, w), bias)
        elif matrix.shape == (classes, c):
            head = Head(GAP_LINEAR, matrix, bias)
        else:
            continue
        if np.allclose(head_logits(head, last), logits, rtol=0, atol=LOGIT_TOLERANCE):
            return head
    return None


def _run(module, images: np.ndarray, meta: ModelMeta):
    x = (images.astype(np.float32) - meta.mean) / meta.std
    with torch.inference_mode():
        out = module(torch.from_numpy(np.ascontiguousarray(x))[:, None])
    logits, *stages = out
    return logits.numpy().astype(np.float64), [s.numpy().astype(np.float32) for s in stages]


def probe_network(module, meta: ModelMeta, stage_shapes) -> Network:
    """What of `module` can be recomputed in numpy, verified on `probe_input()`."""
    parameters = [p.detach().cpu().numpy().astype(np.float32) for p in module.parameters()]
    total = int(sum(p.size for p in parameters))
    vectors = [p for p in parameters if p.ndim == 1]
    weights = [p for p in parameters if p.ndim == 4]
    matrices = [p for p in parameters if p.ndim == 2]
    conv1 = conv2 = pool = head = None
    try:
        logits, stages = _run(module, probe_input()[None], meta)
        logits, stages = logits[0], [s[0] for s in stages]
        usable = len(stages) == 3 and logits.ndim == 1 and all(s.ndim == 3 for s in stages)
    except Exception:  # noqa: BLE001 - a model that fails here fails visibly on the first drawing too
        usable = False
    if usable:
        image = (probe_input()[None] - np.float32(meta.mean)) / np.float32(meta.std)
        conv1 = _find_conv(weights, vectors, image, stages[0])
        conv2 = _find_conv(weights, vectors, stages[0], stages[1])
        pool = _find_pool(stages[1], stages[2])
        head = _find_head(matrices, vectors, stages[2], logits)
    layers = describe_layers(meta, stage_shapes, conv1, conv2, pool, head, total)
    return Network(conv1=conv1, conv2=conv2, pool=pool, head=head, layers=layers,
                   total_parameters=total, mean=meta.mean, std=meta.std)


def describe_layers(meta: ModelMeta, stage_shapes, conv1, conv2, pool, head, total: int) -> tuple[LayerInfo, ...]:
    """The Network dock's table: input, the three stages, the class scores; parameters the
    probe could not place in a recovered layer are listed as one "not recovered" row."""
    def conv_kind(layer: ConvLayer) -> str:
        out_c, in_c, kh, kw = layer.weight.shape
        return f"convolution {kh}x{kw}, {in_c}→{out_c} maps, padding {layer.padding}, + ReLU"

    rows = [LayerInfo("Input", "28x28 image, normalised", (1, INPUT_SIZE, INPUT_SIZE), 0)]
    names = list(meta.stage_names)
    parts = [(conv1, conv_kind(conv1) if conv1 else None, conv1.parameters if conv1 else 0),
             (conv2, conv_kind(conv2) if conv2 else None, conv2.parameters if conv2 else 0),
             (pool, f"max-pool {pool}x{pool}, stride {pool}" if pool else None, 0)]
    for name, shape, (found, kind, count) in zip(names, stage_shapes, parts):
        rows.append(LayerInfo(name, kind if found is not None else "not recovered from the file",
                              tuple(int(d) for d in shape), count))
    classes = len(meta.classes)
    if head is None:
        rows.append(LayerInfo("Class scores", "not recovered from the file", (classes,), 0))
    elif head.kind == FLATTEN_LINEAR:
        size = int(np.prod(head.weight.shape[1:]))
        rows.append(LayerInfo("Class scores", f"flatten {size} → linear {classes}", (classes,), head.parameters))
    else:
        rows.append(LayerInfo("Class scores", f"global average pool → linear {head.weight.shape[1]}→{classes}",
                              (classes,), head.parameters))
    placed = sum(r.parameters for r in rows)
    if total > placed:
        rows.append(LayerInfo("Other parameters", "not recovered from the file", (), total - placed))
    return tuple(rows)
