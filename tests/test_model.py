import numpy as np
import pytest
import torch
from torch import nn

from model_files import save_scripted
from mnistviz.model import DEFAULT_STAGE_NAMES, MNIST_MEAN, ModelError, load_model
from mnistviz.resources import BUNDLED_MODELS, bundled_model


class WrongShapes(nn.Module):
    def forward(self, x: torch.Tensor):
        return x.flatten(1)[:, :10], x, x, x.flatten(1)  # last "stage" is 2-D


class OneTensor(nn.Module):
    def forward(self, x: torch.Tensor):
        return x.flatten(1)[:, :10]


def test_contract_model_loads_with_its_metadata(contract_model_path):
    model = load_model(contract_model_path)
    assert model.name == "test-net"
    assert model.stage_shapes == ((10, 28, 28), (10, 28, 28), (10, 14, 14))
    result = model.run(np.zeros((28, 28), np.float32))
    assert result.probabilities.shape == (10,)
    assert abs(result.probabilities.sum() - 1) < 1e-5
    assert list(result.stages) == list(DEFAULT_STAGE_NAMES)
    assert "inference_ms" in result.timings


def test_model_without_meta_gets_defaults(tmp_path):
    from mnistviz.architectures import GapNet

    model = load_model(save_scripted(GapNet(), tmp_path / "plain.pt"))
    assert model.name == "plain" and model.meta.mean == MNIST_MEAN and model.meta.temperature == 1.0


def test_temperature_softens_probabilities(tmp_path):
    from mnistviz.architectures import ReadoutNet

    torch.manual_seed(1)
    net = ReadoutNet()
    sharp = load_model(save_scripted(net, tmp_path / "a.pt", {"temperature": 1.0}))
    soft = load_model(save_scripted(net, tmp_path / "b.pt", {"temperature": 5.0}))
    x = np.random.default_rng(0).random((28, 28), dtype=np.float32)
    a, b = sharp.run(x), soft.run(x)
    assert np.allclose(a.logits, b.logits)
    assert b.probabilities.max() < a.probabilities.max()


def test_result_arrays_are_owned_copies(contract_model_path):
    model = load_model(contract_model_path)
    first = model.run(np.ones((28, 28), np.float32))
    kept = first.stages["MaxPool"].copy()
    model.run(np.zeros((28, 28), np.float32))
    assert np.array_equal(first.stages["MaxPool"], kept)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ModelError, match="no such file"):
        load_model(tmp_path / "absent.pt")


def test_non_torchscript_file_is_refused(tmp_path):
    path = tmp_path / "notes.pt"
    path.write_text("definitely not a model")
    with pytest.raises(ModelError, match="notes.pt is not a model file mnistviz can use .expected a TorchScript"):
        load_model(path)


def test_plain_state_dict_is_refused(tmp_path):
    from mnistviz.architectures import ReadoutNet

    path = tmp_path / "weights.pt"
    torch.save(ReadoutNet().state_dict(), path)  # a zip, but not TorchScript
    with pytest.raises(ModelError, match="weights.pt is not a model file mnistviz can use"):
        load_model(path)


@pytest.mark.parametrize("module, found", [(WrongShapes(), "found 4 outputs"), (OneTensor(), "found one tensor")])
def test_wrong_output_shapes_are_refused(tmp_path, module, found):
    path = save_scripted(module, tmp_path / "wrong.pt")
    with pytest.raises(ModelError, match="expected") as info:
        load_model(path)
    assert found in str(info.value)


@pytest.mark.parametrize("name", BUNDLED_MODELS)
def test_bundled_models_follow_the_contract(name):
    model = load_model(bundled_model(name))
    assert model.stage_shapes == ((10, 28, 28), (10, 28, 28), (10, 14, 14))
    assert model.meta.temperature > 0 and model.meta.test_accuracy is not None


def test_bundled_readout_classifies_the_samples(samples):
    images, labels = samples
    model = load_model(bundled_model("readout"))
    from mnistviz.pipeline import analyse

    # Through the full recipe, as the app sees a drawing (samples upscaled like the canvas does).
    from PIL import Image

    correct = 0
    for image, label in zip(images, labels):
        canvas = np.asarray(Image.fromarray(image).resize((280, 280), Image.Resampling.BILINEAR))
        correct += analyse(canvas, model).prediction == label
    assert correct >= 98, f"{correct}/100"
