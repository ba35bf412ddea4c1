"""pipeline.analyse: the Result carries the evidence and the model's one Network."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from model_files import NonlinearHeadNet, save_scripted

from mnistviz.model import load_model
from mnistviz.pipeline import OCCLUSION_CELLS, analyse, explain


def canvas_of(image: np.ndarray) -> np.ndarray:
    return np.kron(image, np.ones((10, 10), np.uint8))


@pytest.fixture(scope="module")
def models():
    return {path: load_model(path) for path in ("models/readout.pt", "models/gap.pt")}


def test_an_empty_canvas_has_no_result(models):
    assert analyse(np.zeros((280, 280), np.uint8), models["models/readout.pt"]) is None


def test_exact_evidence_for_the_shipped_models(models, samples):
    images, _ = samples
    for model in models.values():
        result = analyse(canvas_of(images[60]), model)
        assert result.evidence.exact and result.evidence.maps.shape == (10, 14, 14)


def test_occlusion_for_a_nonlinear_head_uses_the_coarse_grid(tmp_path, samples):
    torch.manual_seed(2)
    model = load_model(save_scripted(NonlinearHeadNet(), tmp_path / "tanh.pt"))
    images, _ = samples
    evidence = analyse(canvas_of(images[61]), model).evidence
    assert not evidence.exact and f"{OCCLUSION_CELLS}x{OCCLUSION_CELLS}" in evidence.method
    # a block's drop is spread evenly over the 2x2 map positions it covers
    np.testing.assert_allclose(evidence.maps[:, 0::2, 0::2], evidence.maps[:, 1::2, 1::2])


def test_the_result_keeps_the_models_network_object(models, samples):
    images, _ = samples
    model = models["models/gap.pt"]
    first, second = (analyse(canvas_of(images[i]), model) for i in (2, 3))
    assert first.network is second.network is model.network
    assert "explain_ms" in first.timings


def test_a_model_that_breaks_on_a_batch_still_gives_its_answer(models, samples):
    """The explanation is lost, not the prediction."""
    images, _ = samples
    model = models["models/readout.pt"]
    result = analyse(canvas_of(images[9]), model)

    class NoBatch:
        network = None

        def logits_batch(self, images):
            raise RuntimeError("batch of one only")

    assert explain(NoBatch(), result) is None
