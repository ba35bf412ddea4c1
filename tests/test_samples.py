"""The bundled samples: one loader for the Samples menu, the self-test and the benchmark."""

import numpy as np
import pytest

from mnistviz.model import load_model
from mnistviz.pipeline import analyse
from mnistviz.resources import bundled_model
from mnistviz.samples import bundled_samples, sample_canvas, sample_canvases


def test_sample_canvas_cycles_through_the_digits_of_a_class():
    images, labels = bundled_samples()
    threes = int((labels == 3).sum())
    first, second = sample_canvas(3, 0), sample_canvas(3, 1)
    assert first.shape == (280, 280) and first.dtype == np.uint8
    assert not np.array_equal(first, second)
    assert np.array_equal(sample_canvas(3, threes), first)  # wraps around
    with pytest.raises(ValueError, match="no bundled sample"):
        sample_canvas(11)


def test_samples_are_read_only_and_classified_as_labelled():
    images, labels = bundled_samples()
    with pytest.raises(ValueError):
        images[0, 0, 0] = 1  # a shared, cached array: nobody may change it for the others
    model = load_model(bundled_model())
    canvases = sample_canvases()
    right = sum(analyse(c, model).prediction == label for c, label in zip(canvases, labels))
    assert len(canvases) == len(labels) and right >= 0.97 * len(labels)
