"""`python -m mnistviz.evaluate photos`: generated photos through the real loading path."""

import pytest

from mnistviz import evaluate
from mnistviz.photo_synth import generate


@pytest.fixture(scope="module")
def model():
    from mnistviz.model import load_model
    from mnistviz.resources import bundled_model

    return load_model(bundled_model())


def test_photos_are_read_from_disk_and_scored(samples, model, tmp_path):
    images, labels = samples
    files = generate(images, labels, tmp_path, count=6, seed=0)
    rows = evaluate.evaluate_files(files, model)
    assert [r["label"] for r in rows] == [label for _, label, _ in files]
    assert sum(r["correct"] for r in rows) >= 5  # the photo path reads them
    text = evaluate.summary(rows)
    assert text.startswith(f"photos: {sum(r['correct'] for r in rows)}/6 right")
    for condition in files[0][2]:
        assert condition in text  # the per-condition breakdown


def test_a_refused_photo_counts_as_wrong(model, tmp_path):
    from PIL import Image

    Image.new("L", (300, 300), 180).save(tmp_path / "blank.jpg")
    rows = evaluate.evaluate_files([(tmp_path / "blank.jpg", 3, ["blank"])], model)
    assert rows[0]["predicted"] is None and not rows[0]["correct"] and "No digit found" in rows[0]["note"]
    assert "3 read as no digit" in evaluate.summary(rows)


def test_missing_data_is_an_error(tmp_path, capsys):
    assert evaluate.main(["photos", "--data", str(tmp_path / "nowhere"), "--count", "2"]) == 1
    assert "scripts/fetch_mnist.sh" in capsys.readouterr().err
