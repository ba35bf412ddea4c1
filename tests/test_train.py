import numpy as np
import torch

from mnistviz.train import augment, expected_calibration_error, fit_temperature


def test_augment_keeps_shape_range_and_changes_images():
    x = torch.zeros(16, 1, 28, 28)
    x[:, :, 8:20, 12:16] = 1
    out = augment(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1
    assert not torch.allclose(out, x)
    again = augment(x, torch.Generator().manual_seed(0))
    assert torch.equal(out, again)  # seeded: reproducible


def test_ece_is_zero_for_perfect_calibration_and_large_for_overconfidence():
    labels = np.array([0, 1] * 50)
    confident_right = np.eye(2)[labels]
    assert expected_calibration_error(confident_right, labels) == 0
    confident_wrong = np.eye(2)[1 - labels] * 0.99 + 0.005
    assert expected_calibration_error(confident_wrong, labels) > 0.9


def test_temperature_softens_overconfident_logits():
    torch.manual_seed(0)
    labels = torch.randint(0, 10, (2000,))
    logits = torch.randn(2000, 10)
    right = torch.rand(2000) < 0.7
    logits[torch.arange(2000)[right], labels[right]] += 3
    temperature = fit_temperature(logits * 5, labels)  # 5x too sharp
    assert 3 < temperature < 7
