"""explain: the exact split of each logit, occlusion where there is none, and how one
map value is made: all checked against the model's own numbers."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch
from model_files import NonlinearHeadNet, RenamedGapNet, UnrecoverableStagesNet, save_scripted

from mnistviz.explain import (
    OCCLUSION_METHOD,
    ConvCell,
    PoolCell,
    SumCell,
    cell_arithmetic,
    evidence_from_head,
    evidence_payload,
    occlusion_evidence,
    occlusion_grid,
)
from mnistviz.model import load_model
from mnistviz.pipeline import analyse

SHIPPED = ("models/readout.pt", "models/gap.pt")


def canvas_of(image: np.ndarray) -> np.ndarray:
    """A bundled 28x28 digit as the 280x280 canvas it would be drawn on."""
    return np.kron(image, np.ones((10, 10), np.uint8))


@pytest.fixture(scope="module")
def models():
    return {path: load_model(path) for path in SHIPPED}


def _assert_identity(result):
    evidence = result.evidence
    assert evidence.exact
    recomputed = evidence.bias + evidence.maps.sum(axis=(1, 2))
    np.testing.assert_allclose(recomputed, result.logits, rtol=0, atol=1e-4)
    np.testing.assert_array_equal(evidence.logits, result.logits.astype(np.float64))


@pytest.mark.parametrize("path, method", [("models/readout.pt", "flatten → linear (exact)"),
                                          ("models/gap.pt", "global average pool → linear (exact, CAM)")])
def test_each_logit_is_bias_plus_its_evidence_on_the_shipped_models(models, samples, path, method):
    images, _ = samples
    for index in (0, 17, 42, 99):
        result = analyse(canvas_of(images[index]), models[path])
        assert result.evidence.method == method
        assert result.evidence.maps.shape == (10, 14, 14)  # over the last stage
        _assert_identity(result)


def test_the_gap_split_is_the_class_activation_map(models, samples):
    images, _ = samples
    model = models["models/gap.pt"]
    result = analyse(canvas_of(images[5]), model)
    head, pooled = model.network.head, result.stages["MaxPool"]
    cam = np.einsum("kc,chw->khw", head.weight.astype(np.float64), pooled) / (14 * 14)
    np.testing.assert_allclose(result.evidence.maps, cam, rtol=1e-12, atol=1e-12)


def test_identity_on_a_gap_model_with_other_names(tmp_path, samples):
    torch.manual_seed(7)
    model = load_model(save_scripted(RenamedGapNet(), tmp_path / "renamed.pt"))
    images, _ = samples
    result = analyse(canvas_of(images[30]), model)
    assert result.evidence.method == "global average pool → linear (exact, CAM)"
    _assert_identity(result)


def test_a_split_that_does_not_reproduce_the_logits_is_refused(models, samples):
    images, _ = samples
    model = models["models/readout.pt"]
    result = analyse(canvas_of(images[1]), model)
    last = result.stages["MaxPool"]
    assert evidence_from_head(model.network.head, last, result.logits) is not None
    off = result.logits.copy()
    off[3] += 1e-3  # more than the 1e-4 allowed
    assert evidence_from_head(model.network.head, last, off) is None


def test_a_nonlinear_head_gets_occlusion_labelled_approximate(tmp_path, samples):
    torch.manual_seed(8)
    model = load_model(save_scripted(NonlinearHeadNet(), tmp_path / "tanh.pt"))
    images, _ = samples
    result = analyse(canvas_of(images[12]), model)
    evidence = result.evidence
    assert evidence.exact is False and evidence.method.startswith(OCCLUSION_METHOD[:-1])
    assert "approximate" in evidence.method
    np.testing.assert_array_equal(evidence.bias, np.zeros(10))
    assert evidence.maps.shape == (10, 14, 14) and np.isfinite(evidence.maps).all()


def test_occlusion_is_the_logit_drop_when_a_patch_is_blanked(models, samples):
    """Each block's drop, checked against the model run on that blanked image alone."""
    images, _ = samples
    model = models["models/readout.pt"]
    image = images[21] / 255.0
    logits, _ = model.forward(image)
    evidence = occlusion_evidence(model.logits_batch, image, logits, (14, 14), cells=7)
    assert not evidence.exact and "7x7" in evidence.method
    for rows, cols, ys, xs in occlusion_grid(14, 14, 7)[::8]:
        blanked = image.copy()
        blanked[ys, xs] = 0.0
        alone, _ = model.forward(blanked)
        drop = evidence.maps[:, rows, cols].sum(axis=(1, 2))
        np.testing.assert_allclose(drop, logits - alone, atol=1e-4)


def test_occlusion_grid_covers_the_input_once():
    for cells in (None, 7, 5):
        covered = np.zeros((28, 28), int)
        mapped = np.zeros((14, 14), int)
        for rows, cols, ys, xs in occlusion_grid(14, 14, cells):
            covered[ys, xs] += 1
            mapped[rows, cols] += 1
        assert (covered == 1).all() and (mapped == 1).all()


def test_payload_is_json_for_one_class(models, samples):
    images, _ = samples
    result = analyse(canvas_of(images[70]), models["models/readout.pt"])
    payload = evidence_payload(result.evidence, result.prediction)
    text = json.dumps(payload, allow_nan=False)
    back = json.loads(text)
    assert set(back) >= {"class", "logit", "bias", "exact", "method", "map"}
    assert back["class"] == result.prediction and back["exact"] is True
    assert np.array(back["map"]).shape == (14, 14)
    assert back["bias"] + np.array(back["map"]).sum() == pytest.approx(back["logit"], abs=1e-4)
    with pytest.raises(ValueError, match="class 10 does not exist"):
        evidence_payload(result.evidence, 10)


def test_payload_turns_non_numbers_into_null(models, samples):
    images, _ = samples
    result = analyse(canvas_of(images[70]), models["models/readout.pt"])
    maps = result.evidence.maps.copy()
    maps[2, 0, 0] = np.nan
    payload = evidence_payload(dataclasses.replace(result.evidence, maps=maps), 2)
    assert payload["map"][0][0] is None
    json.dumps(payload, allow_nan=False)


# ---------------------------------------------------------------------------------------
# How one value is made

def _cells(shape, count, seed):
    rng = np.random.default_rng(seed)
    return [tuple(int(rng.integers(0, n)) for n in shape) for _ in range(count)]


@pytest.fixture(scope="module")
def drawn(models, samples):
    images, labels = samples
    index = int(np.flatnonzero(labels == 8)[0])
    return analyse(canvas_of(images[index]), models["models/readout.pt"])


def test_conv1_arithmetic_equals_the_models_value(drawn):
    network = drawn.network
    conv1 = drawn.stages["Conv1 + ReLU"]
    inked = [tuple(int(v) for v in c) for c in np.argwhere(conv1 > 0.5)[::97]]
    normalised = (drawn.input_28 - 0.1307) / 0.3081
    for f, row, col in _cells(conv1.shape, 20, 0) + inked:
        cell = cell_arithmetic(network, drawn, 0, f, row, col)
        assert isinstance(cell, ConvCell)
        assert cell.value == pytest.approx(float(conv1[f, row, col]), abs=1e-5)
        np.testing.assert_array_equal(cell.kernel, network.conv1.weight[f, 0])
        np.testing.assert_allclose(cell.products, cell.patch * cell.kernel)
        assert cell.total == pytest.approx(cell.products.sum() + cell.bias, abs=1e-9)
        assert cell.value == max(cell.total, 0.0)
        if 1 <= row <= 26 and 1 <= col <= 26:
            np.testing.assert_allclose(cell.patch, normalised[row - 1: row + 2, col - 1: col + 2], atol=1e-6)
    assert len(inked) >= 3


def test_conv1_patch_is_zero_outside_the_image(drawn):
    cell = cell_arithmetic(drawn.network, drawn, 0, 3, 0, 27)
    assert (cell.patch[0, :] == 0).all() and (cell.patch[:, 2] == 0).all()
    assert cell.patch[1, 0] == pytest.approx(-0.1307 / 0.3081)  # paper, normalised


def test_conv2_arithmetic_sums_one_part_per_input_map(drawn):
    network = drawn.network
    conv1, conv2 = drawn.stages["Conv1 + ReLU"], drawn.stages["Conv2 + ReLU"]
    inked = [tuple(int(v) for v in c) for c in np.argwhere(conv2 > 0.5)[::61]]
    for f, row, col in _cells(conv2.shape, 20, 1) + inked:
        cell = cell_arithmetic(network, drawn, 1, f, row, col)
        assert isinstance(cell, SumCell)
        assert cell.partial_sums.shape == (10,) and cell.patches.shape == cell.kernels.shape == (10, 3, 3)
        assert cell.value == pytest.approx(float(conv2[f, row, col]), abs=1e-5)
        np.testing.assert_allclose(cell.partial_sums, (cell.patches * cell.kernels).sum(axis=(1, 2)))
        assert cell.total == pytest.approx(cell.partial_sums.sum() + cell.bias, abs=1e-9)
        if 1 <= row <= 26 and 1 <= col <= 26:
            np.testing.assert_array_equal(cell.patches, conv1[:, row - 1: row + 2, col - 1: col + 2])
    assert len(inked) >= 3 and any(c > 0 for c in
                                   [cell_arithmetic(network, drawn, 1, *i).value for i in inked])


def test_maxpool_shows_the_window_and_its_winner(drawn):
    conv2, pooled = drawn.stages["Conv2 + ReLU"], drawn.stages["MaxPool"]
    for f, row, col in _cells(pooled.shape, 30, 2):
        cell = cell_arithmetic(drawn.network, drawn, 2, f, row, col)
        assert isinstance(cell, PoolCell)
        np.testing.assert_array_equal(cell.window, conv2[f, 2 * row: 2 * row + 2, 2 * col: 2 * col + 2])
        assert cell.value == pytest.approx(float(pooled[f, row, col]), abs=1e-5)
        assert cell.window[cell.winner] == cell.value == cell.window.max()


def test_cells_outside_the_maps_give_none(drawn):
    assert cell_arithmetic(drawn.network, drawn, 0, 10, 0, 0) is None
    assert cell_arithmetic(drawn.network, drawn, 2, 0, 14, 0) is None
    assert cell_arithmetic(drawn.network, drawn, 3, 0, 0, 0) is None
    assert cell_arithmetic(None, drawn, 0, 0, 0, 0) is None


def test_a_value_the_parameters_do_not_reproduce_is_not_explained(drawn):
    """Never show sums that do not end in the value on screen."""
    stages = dict(drawn.stages)
    stages["Conv2 + ReLU"] = stages["Conv2 + ReLU"] + 0.5
    altered = dataclasses.replace(drawn, stages=stages)
    assert cell_arithmetic(drawn.network, altered, 1, 0, 5, 5) is None


def test_a_model_whose_stages_cannot_be_recomputed_has_no_arithmetic(tmp_path, samples):
    torch.manual_seed(9)
    model = load_model(save_scripted(UnrecoverableStagesNet(), tmp_path / "odd.pt"))
    images, _ = samples
    result = analyse(canvas_of(images[44]), model)
    for stage, shape in enumerate(result.stages.values()):
        for f, row, col in _cells(shape.shape, 5, stage):
            assert cell_arithmetic(result.network, result, stage, f, row, col) is None
    _assert_identity(result)  # its linear read-out still splits exactly
