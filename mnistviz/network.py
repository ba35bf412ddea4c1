"""What a model file's network is made of, as plain numpy: no torch, no Qt.

`mnistviz.network_probe` recovers a `Network` from a loaded model's parameters (by shape,
never by name) and keeps only the parts it verified numerically against the model's own
outputs. The numpy operations here are the ones that verification and the "how this value
is made" arithmetic use, so both compute the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mnistviz.model_meta import MNIST_MEAN, MNIST_STD

FLATTEN_LINEAR = "flatten-linear"
GAP_LINEAR = "gap-linear"


@dataclass(frozen=True)
class ConvLayer:
    weight: np.ndarray  # (out, in, kh, kw) float32
    bias: np.ndarray  # (out,)
    padding: int

    @property
    def parameters(self) -> int:
        return int(self.weight.size + self.bias.size)


@dataclass(frozen=True)
class Head:
    kind: str  # FLATTEN_LINEAR | GAP_LINEAR
    weight: np.ndarray  # flatten: (classes, C, H, W); gap: (classes, C)
    bias: np.ndarray  # (classes,)

    @property
    def parameters(self) -> int:
        return int(self.weight.size + self.bias.size)


@dataclass(frozen=True)
class LayerInfo:
    name: str
    kind: str
    output_shape: tuple[int, ...]
    parameters: int


@dataclass(frozen=True)
class Network:
    """What was recovered from the model file and verified on a real input; None = not recovered."""

    conv1: ConvLayer | None  # stage 1 = relu(conv(x_normalised, conv1)) verified
    conv2: ConvLayer | None  # stage 2 = relu(conv(stage1, conv2)) verified
    pool: int | None  # stage 3 = maxpool(stage2, pool) verified (window = stride)
    head: Head | None  # logits = linear(last stage) verified
    layers: tuple[LayerInfo, ...]
    total_parameters: int
    mean: float = MNIST_MEAN  # the model's input normalisation, so the arithmetic needs no torch
    std: float = MNIST_STD

    def normalise(self, input_28: np.ndarray) -> np.ndarray:
        """The (28, 28) image in [0, 1] as the network sees it."""
        return (np.asarray(input_28, dtype=np.float32) - np.float32(self.mean)) / np.float32(self.std)


# ---------------------------------------------------------------------------------------
# numpy operations (float64 internally: the reference the model's float32 is checked against)

def pad(maps: np.ndarray, padding: int) -> np.ndarray:
    """(C, H, W) with `padding` zeros on every side."""
    if padding == 0:
        return np.asarray(maps)
    return np.pad(maps, ((0, 0), (padding, padding), (padding, padding)))


def conv2d(maps: np.ndarray, layer: ConvLayer) -> np.ndarray:
    """(C_in, H, W) -> (C_out, H', W'): stride 1, zero padding, plus bias (no ReLU)."""
    out_c, in_c, kh, kw = layer.weight.shape
    x = pad(np.asarray(maps, dtype=np.float64), layer.padding)
    h = x.shape[1] - kh + 1
    w = x.shape[2] - kw + 1
    # windows[c, y, x, i, j] = x[c, y + i, x + j]
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))
    out = np.einsum("cyxij,ocij->oyx", windows[:, :h, :w], layer.weight.astype(np.float64), optimize=True)
    return out + layer.bias.astype(np.float64)[:, None, None]


def relu(values: np.ndarray) -> np.ndarray:
    return np.maximum(values, 0)


def maxpool(maps: np.ndarray, size: int) -> np.ndarray:
    """(C, H, W) -> (C, H // size, W // size), window = stride = `size` (remainder dropped)."""
    c, h, w = maps.shape
    hh, ww = h // size, w // size
    blocks = np.asarray(maps)[:, : hh * size, : ww * size].reshape(c, hh, size, ww, size)
    return blocks.max(axis=(2, 4))


def head_terms(head: Head, last_stage: np.ndarray) -> np.ndarray:
    """(classes, H, W): each position's share of each logit (the logit is bias + their sum)."""
    p = np.asarray(last_stage, dtype=np.float64)
    if head.kind == FLATTEN_LINEAR:
        return np.einsum("kchw,chw->khw", head.weight.astype(np.float64), p)
    if head.kind == GAP_LINEAR:
        h, w = p.shape[1:]
        return np.einsum("kc,chw->khw", head.weight.astype(np.float64), p) / (h * w)
    raise ValueError(f"unknown head kind {head.kind!r}")


def head_logits(head: Head, last_stage: np.ndarray) -> np.ndarray:
    return head.bias.astype(np.float64) + head_terms(head, last_stage).sum(axis=(1, 2))


# ---------------------------------------------------------------------------------------
# Receptive fields

def _stage_steps(network: Network) -> list[tuple[int, int, int]]:
    """(kernel, stride, padding) of each recovered stage, in order, until the first unknown one."""
    steps = []
    for layer in (network.conv1, network.conv2):
        if layer is None:
            return steps
        steps.append((int(layer.weight.shape[2]), 1, layer.padding))
    if network.pool is not None:
        steps.append((network.pool, network.pool, 0))
    return steps


def receptive_field(network: Network, stage: int, row: int, col: int,
                    size: int = 28) -> tuple[int, int, int, int]:
    """(top, left, bottom, right), inclusive, of the input pixels that cell (row, col) of
    `stage` (0, 1, 2) depends on, clipped to the input. The whole input when the stages
    up to `stage` were not recovered (then any pixel may matter)."""
    steps = _stage_steps(network)
    if stage >= len(steps):
        return (0, 0, size - 1, size - 1)
    top, bottom, left, right = row, row, col, col
    for kernel, stride, padding in reversed(steps[: stage + 1]):
        top, bottom = top * stride - padding, bottom * stride - padding + kernel - 1
        left, right = left * stride - padding, right * stride - padding + kernel - 1
    clip = lambda v: int(min(max(v, 0), size - 1))  # noqa: E731
    return (clip(top), clip(left), clip(bottom), clip(right))
