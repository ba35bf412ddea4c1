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


def test_readout_trains_on_drawn_digits_by_default_and_gap_does_not():
    from mnistviz.train import parse_args

    readout = parse_args(["--data", "d", "--out", "o.pt"])
    assert readout.drawn_variants >= 1 and readout.drawn_batch > 0
    gap = parse_args(["--data", "d", "--out", "o.pt", "--arch", "gap"])
    assert gap.drawn_variants == 0 and gap.drawn_batch == 0
    plain = parse_args(["--data", "d", "--out", "o.pt", "--drawn-variants", "0"])
    assert plain.drawn_variants == 0 and plain.drawn_batch == readout.drawn_batch


def test_drawn_pool_holds_each_digit_redrawn_with_its_label(samples):
    from mnistviz.train import make_drawn_pool

    images, labels = samples
    y = torch.from_numpy(labels[:6].astype(np.int64))
    x_drawn, y_drawn = make_drawn_pool(images[:6], y, variants=2, seed=0)
    assert x_drawn.shape == (12, 1, 28, 28) and y_drawn.tolist() == labels[:6].tolist() * 2
    assert not torch.equal(x_drawn[:6], x_drawn[6:])
    assert x_drawn.min() >= 0 and x_drawn.max() <= 1 and x_drawn.max() > 0.9
    assert make_drawn_pool(images[:6], y, variants=0, seed=0) == (None, None)


def test_drawn_accuracy_scores_the_network_on_redrawn_test_digits(samples):
    from mnistviz.architectures import ReadoutNet
    from mnistviz.train import drawn_accuracy

    images, labels = samples

    class Oracle(torch.nn.Module):  # answers "3" for everything
        def forward(self, x):
            logits = torch.zeros(len(x), 10)
            logits[:, 3] = 1
            return (logits,)

    assert drawn_accuracy(Oracle(), images, labels, seed=0) == float((labels == 3).mean())
    assert 0 <= drawn_accuracy(ReadoutNet(), images[:10], labels[:10], seed=0) <= 1
