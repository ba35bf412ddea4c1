"""network_probe + network: what is recovered from a model file, by shape, and verified."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from model_files import NonlinearHeadNet, RenamedGapNet, UnrecoverableStagesNet, save_scripted

from mnistviz.model import load_model
from mnistviz.network import FLATTEN_LINEAR, GAP_LINEAR, conv2d, maxpool, receptive_field, relu

SHIPPED = ("models/readout.pt", "models/gap.pt")


@pytest.fixture(scope="module")
def readout():
    return load_model("models/readout.pt")


@pytest.mark.parametrize("path, kind", [("models/readout.pt", FLATTEN_LINEAR), ("models/gap.pt", GAP_LINEAR)])
def test_shipped_models_are_recovered_whole(path, kind):
    model = load_model(path)
    network = model.network
    assert network.conv1.weight.shape == (10, 1, 3, 3) and network.conv1.padding == 1
    assert network.conv2.weight.shape == (10, 10, 3, 3) and network.conv2.padding == 1
    assert network.pool == 2
    assert network.head.kind == kind
    # the recovered arrays are the file's own parameters
    params = sorted((p.detach().numpy() for p in model.module.parameters()), key=lambda p: p.size)
    assert any(np.array_equal(network.conv1.weight, p) for p in params)
    assert any(np.array_equal(network.head.bias, p) for p in params)
    assert network.total_parameters == sum(p.numel() for p in model.module.parameters())
    assert (network.mean, network.std) == (model.meta.mean, model.meta.std)


def test_layers_describe_the_model_and_account_for_every_parameter(readout):
    layers = readout.network.layers
    assert [layer.name for layer in layers] == ["Input", "Conv1 + ReLU", "Conv2 + ReLU", "MaxPool", "Class scores"]
    assert [layer.output_shape for layer in layers] == [(1, 28, 28), (10, 28, 28), (10, 28, 28), (10, 14, 14), (10,)]
    assert [layer.parameters for layer in layers] == [0, 100, 910, 0, 19610]
    assert sum(layer.parameters for layer in layers) == readout.network.total_parameters == 20620
    assert "1960" in layers[-1].kind and "3x3" in layers[1].kind


def test_a_gap_model_with_other_names_and_order_is_found_by_shape(tmp_path):
    torch.manual_seed(3)
    model = load_model(save_scripted(RenamedGapNet(), tmp_path / "renamed.pt"))
    names = [name for name, _ in model.module.named_parameters()]
    assert not any("conv" in n or "fc" in n for n in names)  # nothing to find by name
    network = model.network
    assert network.head.kind == GAP_LINEAR and network.conv1 is not None and network.conv2 is not None
    assert network.pool == 2


def test_stages_that_are_not_conv_relu_maxpool_are_not_recovered(tmp_path):
    torch.manual_seed(4)
    model = load_model(save_scripted(UnrecoverableStagesNet(), tmp_path / "odd.pt"))
    network = model.network
    assert (network.conv1, network.conv2, network.pool) == (None, None, None)
    assert network.head is not None and network.head.kind == FLATTEN_LINEAR  # the read-out still is linear
    kinds = [layer.kind for layer in network.layers]
    assert kinds[1:4] == ["not recovered from the file"] * 3
    # parameters the probe could not place are still counted, in their own row
    assert network.layers[-1].name == "Other parameters"
    assert sum(layer.parameters for layer in network.layers) == network.total_parameters


def test_a_head_with_a_nonlinearity_is_not_taken_for_a_linear_one(tmp_path):
    torch.manual_seed(5)
    network = load_model(save_scripted(NonlinearHeadNet(), tmp_path / "tanh.pt")).network
    assert network.head is None and network.conv1 is not None and network.pool == 2


def test_numpy_stages_equal_the_models_on_a_drawn_digit(readout, samples):
    images, _ = samples
    image = images[3] / 255.0
    _, stages = readout.forward(image)
    network = readout.network
    s1 = relu(conv2d(network.normalise(image)[None], network.conv1))
    s2 = relu(conv2d(stages[0], network.conv2))
    np.testing.assert_allclose(s1, stages[0], atol=1e-5)
    np.testing.assert_allclose(s2, stages[1], atol=1e-5)
    np.testing.assert_array_equal(maxpool(stages[1], network.pool), stages[2])


@pytest.mark.parametrize("stage, row, col, expected", [
    (0, 0, 0, (0, 0, 1, 1)),  # a corner: the padding falls outside the input
    (0, 10, 12, (9, 11, 11, 13)),
    (1, 10, 12, (8, 10, 12, 14)),
    (2, 5, 6, (8, 10, 13, 15)),  # pool rows 10..11 -> conv2 9..12 -> conv1 8..13
    (2, 13, 13, (24, 24, 27, 27)),
])
def test_receptive_field(readout, stage, row, col, expected):
    assert receptive_field(readout.network, stage, row, col) == expected


def test_pixels_outside_the_receptive_field_do_not_change_the_value(readout, samples):
    images, _ = samples
    image = images[7] / 255.0
    stage, channel, row, col = 2, 4, 6, 7
    top, left, bottom, right = receptive_field(readout.network, stage, row, col)
    _, before = readout.forward(image)
    outside = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    outside[top: bottom + 1, left: right + 1] = image[top: bottom + 1, left: right + 1]
    _, after = readout.forward(outside)
    assert after[stage][channel, row, col] == pytest.approx(before[stage][channel, row, col], abs=1e-5)
    # while the whole map did change: the field is not the whole input
    assert np.abs(after[stage] - before[stage]).max() > 0.1


def test_an_unrecovered_network_has_the_whole_input_as_field(tmp_path):
    torch.manual_seed(4)
    network = load_model(save_scripted(UnrecoverableStagesNet(), tmp_path / "odd.pt")).network
    assert receptive_field(network, 1, 3, 3) == (0, 0, 27, 27)


def test_network_and_explain_import_neither_torch_nor_qt():
    code = ("import sys, mnistviz.network, mnistviz.explain, mnistviz.model_meta, mnistviz.result; "
            "bad = [m for m in ('torch', 'PySide6') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_models_that_misbehave_on_ink_still_load_with_what_could_be_verified(tmp_path):
    from model_files import InfOnInk, RaisesOnInk, ReshapesOnInk

    torch.manual_seed(6)
    raises = load_model(save_scripted(RaisesOnInk(), tmp_path / "raises.pt")).network
    assert (raises.conv1, raises.conv2, raises.pool, raises.head) == (None, None, None, None)
    assert raises.total_parameters == 20620  # still described
    infinite = load_model(save_scripted(InfOnInk(), tmp_path / "inf.pt")).network
    assert infinite.head is None and infinite.conv1 is not None  # infinite logits: no linear head
    reshaped = load_model(save_scripted(ReshapesOnInk(), tmp_path / "reshaped.pt")).network
    assert reshaped.pool is None and reshaped.head is None and reshaped.conv2 is not None
