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


def test_drawn_digits_are_canvas_paintings_of_the_chosen_digits(samples):
    images, labels = samples
    canvases, drawn_labels = evaluate.drawn_digits(images, labels, 12, seed=5)
    assert canvases.shape == (12, 280, 280) and canvases.dtype == "uint8"
    assert canvases.max() == 255 and (canvases > 0).mean() < 0.3  # ink on paper
    again, again_labels = evaluate.drawn_digits(images, labels, 12, seed=5)
    assert (again == canvases).all() and (again_labels == drawn_labels).all()  # seeded
    assert not (evaluate.drawn_digits(images, labels, 12, seed=6)[0] == canvases).all()
    assert len(set(drawn_labels.tolist())) > 3  # a random choice of digits, not one class


def test_the_shipped_model_reads_drawn_digits(samples, model):
    images, labels = samples
    canvases, drawn_labels = evaluate.drawn_digits(images, labels, 100, seed=0)
    predicted = evaluate.classify_canvases(canvases, model)
    assert (predicted == drawn_labels).mean() >= 0.95
    text = evaluate.strokes_summary(drawn_labels, predicted)
    right = int((predicted == drawn_labels).sum())
    assert text.startswith(f"drawn digits: {right}/100 right")
    assert text.count("\n") == 10  # one line per digit


def test_batched_classification_agrees_with_the_apps_one_by_one_path(samples, model):
    from mnistviz.pipeline import analyse

    images, labels = samples
    canvases, _ = evaluate.drawn_digits(images, labels, 6, seed=1)
    batched = evaluate.classify_canvases(canvases, model, batch=4)
    assert batched.tolist() == [int(analyse(c, model).prediction) for c in canvases]


def test_strokes_summary_names_the_misreadings():
    import numpy as np

    text = evaluate.strokes_summary(np.array([4, 4, 4, 9]), np.array([4, 9, 9, 9]))
    assert text.splitlines()[0] == "drawn digits: 2/4 right (50.00 %)"
    assert "4:  33.33 %  as 9: 2" in text and "9: 100.00 %" in text


@pytest.fixture
def small_t10k(samples, tmp_path, monkeypatch):
    """The bundled samples written as a t10k split, and their checksums made the expected ones,
    so the command runs its real loading path (checksums included) without the MNIST download."""
    import hashlib

    from mnist_files import idx_bytes
    from mnistviz import mnist_data

    images, labels = samples
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name, array in (("t10k-images-idx3-ubyte", images), ("t10k-labels-idx1-ubyte", labels)):
        data = idx_bytes(array)
        (folder / name).write_bytes(data)
        monkeypatch.setitem(mnist_data.SHA256, name, hashlib.sha256(data).hexdigest())
    return folder


def test_strokes_command_prints_accuracy(capsys, small_t10k):
    assert evaluate.main(["strokes", "--data", str(small_t10k), "--count", "20", "--seed", "0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("drawn digits: ") and "/20 right" in out


def test_strokes_command_refuses_bad_input(tmp_path, capsys, small_t10k):
    assert evaluate.main(["strokes", "--data", str(tmp_path / "nowhere"), "--count", "2"]) == 1
    assert "scripts/fetch_mnist.sh" in capsys.readouterr().err
    assert evaluate.main(["strokes", "--data", str(small_t10k), "--count", "0"]) == 1
    assert "--count must be at least 1" in capsys.readouterr().err
    missing = tmp_path / "missing.pt"
    assert evaluate.main(["strokes", "--data", str(small_t10k), "--count", "2", "--model", str(missing)]) == 1
    assert "missing.pt" in capsys.readouterr().err
