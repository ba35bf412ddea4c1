"""The teaching notes: short, and every number they state true of the shipped models."""

from __future__ import annotations

import numpy as np
import pytest

from mnistviz.model import load_model
from mnistviz.pipeline import analyse
from mnistviz.preprocess import FIELD_SIZE, FIT_SIZE
from mnistviz.teaching_notes import MAX_WORDS, NOTES, note_for

SHIPPED = ("models/readout.pt", "models/gap.pt")
DOCKS = ("inputDock", "predictionDock", "stageDock1", "stageDock2", "stageDock3", "evidenceDock",
         "arithmeticDock", "filtersDock", "networkDock", "compareDock", "galleryDock")


@pytest.fixture(scope="module", params=SHIPPED)
def model_and_result(request, samples):
    images, labels = samples
    model = load_model(request.param)
    canvas = np.kron(images[int(np.flatnonzero(labels == 4)[0])], np.ones((10, 10), np.uint8))
    return model, analyse(canvas, model)


def test_every_panel_has_a_short_note():
    for name in DOCKS:
        note = note_for(name)
        assert note is not None, name
        assert 20 <= note.word_count() <= MAX_WORDS, (name, note.word_count())
    assert note_for("noSuchDock") is None and set(NOTES) == set(DOCKS)


def test_the_input_note_matches_preprocessing():
    text = NOTES["inputDock"].text
    assert f"{FIELD_SIZE} × {FIELD_SIZE}" in text and f"is {FIT_SIZE} pixels" in text


def test_the_stage_notes_match_the_maps(model_and_result):
    _, result = model_and_result
    conv1, conv2, pool = result.stages.values()
    assert "10 filters" in NOTES["stageDock1"].text and conv1.shape == (10, 28, 28)
    assert "every map is 28 × 28" in NOTES["stageDock1"].text
    assert conv2.shape == (10, 28, 28) and "still 28 × 28" in NOTES["stageDock2"].text
    assert pool.shape == (10, 14, 14) and "14 × 14" in NOTES["stageDock3"].text
    # ReLU: no negative values, and some zeros (it did cut something off)
    for maps in (conv1, conv2):
        assert maps.min() == 0.0 and (maps == 0).any()
    # max-pool keeps the largest of each 2 x 2 square
    np.testing.assert_array_equal(pool, conv2.reshape(10, 14, 2, 14, 2).max(axis=(2, 4)))


def test_the_weight_counts_in_the_notes(model_and_result):
    model, _ = model_and_result
    network = model.network
    assert network.conv1.weight.shape == (10, 1, 3, 3) and network.conv1.padding == 1
    assert network.conv1.parameters == 100 and "10 × (9 + 1) = 100" in NOTES["networkDock"].text
    assert network.conv2.weight.shape == (10, 10, 3, 3) and "90 weights and a bias" in NOTES["stageDock2"].text
    assert network.conv2.parameters == 910 and "10 × (90 + 1) = 910" in NOTES["networkDock"].text
    assert network.pool == 2 and "no weights" in NOTES["stageDock3"].text


def test_the_prediction_note_matches_the_probabilities(model_and_result):
    model, result = model_and_result
    temperature = model.meta.temperature
    assert 1.0 < temperature <= 1.2 and "a little more than 1 here" in NOTES["predictionDock"].text
    scaled = result.logits.astype(np.float64) / temperature
    softmax = np.exp(scaled - scaled.max()) / np.exp(scaled - scaled.max()).sum()
    np.testing.assert_allclose(result.probabilities, softmax, atol=1e-6)
    assert result.probabilities.sum() == pytest.approx(1.0, abs=1e-5)


def test_the_evidence_note_is_exact_for_the_shipped_models(model_and_result):
    _, result = model_and_result
    evidence = result.evidence
    assert evidence.exact and evidence.maps.shape[1:] == (14, 14)
    for c in range(10):
        assert evidence.bias[c] + evidence.maps[c].sum() == pytest.approx(result.logits[c], abs=1e-4)
    assert "bias + the sum of the whole map" in NOTES["evidenceDock"].text


def test_centring_matters_for_a_small_digit_in_a_corner(samples):
    """The Input note: a digit drawn small in a corner looks strange to the network unless it
    is centred like MNIST (readout: 99 % of these right centred, 5 % not, on all 100 samples)."""
    from PIL import Image

    images, labels = samples
    model = load_model("models/readout.pt")
    right = {True: 0, False: 0}
    for image, label in zip(images[::3], labels[::3]):
        canvas = np.zeros((280, 280), np.uint8)
        canvas[10:130, 10:130] = np.asarray(Image.fromarray(image).resize((120, 120), Image.Resampling.BILINEAR))
        for centre in right:
            right[centre] += analyse(canvas, model, centre=centre).prediction == label
    assert right[True] >= 0.9 * len(images[::3]) and right[False] <= 0.5 * len(images[::3])
    assert "Centre like MNIST" in NOTES["inputDock"].text and "corner" in NOTES["inputDock"].text


def test_the_input_note_gives_the_normalised_values_of_the_model(model_and_result):
    model, _ = model_and_result
    mean, std = model.meta.mean, model.meta.std
    paper, ink = ((v - mean) / std for v in (0.0, 1.0))
    text = NOTES["inputDock"].text
    assert "0 (black) to 1 (white)" in text and "normalised" in text
    assert f"black becomes \u2212{abs(paper):.2f} and full white {ink:.2f}" in text  # −0.42, 2.82


def test_a_percent_sign_never_starts_a_line():
    for name, note in NOTES.items():
        assert " %" not in note.text, name  # U+00A0 keeps "%" on its number's line (Qt's HTML collapses U+202F)
    assert "100\u00a0%" in NOTES["predictionDock"].text
