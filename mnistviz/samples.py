"""The bundled MNIST test digits (`assets/samples.npz`): the Samples menu, the self-test
and the benchmark use the same images the same way. No Qt, no torch."""

from __future__ import annotations

from functools import cache

import numpy as np

from mnistviz.preprocess import fit_into
from mnistviz.resources import SAMPLES, resource

CANVAS_SIZE = 280


@cache
def bundled_samples() -> tuple[np.ndarray, np.ndarray]:
    """(images (N, 28, 28) uint8, labels (N,)); read once. Callers must not change them."""
    with np.load(resource(*SAMPLES)) as data:
        images, labels = data["images"], data["labels"]
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def as_canvas(image_28: np.ndarray) -> np.ndarray:
    """The whole 28x28 field upscaled to the canvas, so the digit sits where MNIST puts it."""
    return fit_into(image_28, CANVAS_SIZE, margin=0)


def sample_canvas(digit: int, turn: int = 0) -> np.ndarray:
    """The `turn`-th bundled sample of this class (cycling), as a 280x280 canvas."""
    images, labels = bundled_samples()
    of_class = np.flatnonzero(labels == digit)
    if of_class.size == 0:
        raise ValueError(f"no bundled sample of class {digit!r}")
    return as_canvas(images[of_class[turn % of_class.size]])


def sample_canvases() -> list[np.ndarray]:
    return [as_canvas(image) for image in bundled_samples()[0]]
