"""`mnistviz predict PATH…`: images, drawing files and folders, one model load, JSON Lines."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import mnistviz.model
from mnistviz.cli import main
from mnistviz.drawing import Drawing, DrawnStroke, write_drawing


def seven_drawing() -> Drawing:
    """A 7 as a person draws it: a bar, then a diagonal down to the left."""
    bar = np.array([[80, 60, 0, 1], [140, 58, 80, 1], [200, 60, 160, 1]], dtype=float)
    leg = np.array([[200, 60, 500, 1], [170, 140, 600, 1], [140, 230, 700, 1]], dtype=float)
    return Drawing(strokes=(DrawnStroke("pen", 18.0, bar), DrawnStroke("pen", 18.0, leg)))


@pytest.fixture
def folder(samples, tmp_path):
    """Two scanned digits, a drawing file, a broken image and a text file, in one folder."""
    images, labels = samples
    folder = tmp_path / "class 7b"
    folder.mkdir()
    for digit in (3, 0):
        index = int(np.flatnonzero(labels == digit)[0])
        Image.fromarray(255 - images[index]).resize((112, 112)).save(folder / f"digit_{digit}.png")
    write_drawing(seven_drawing(), folder / "drawn.mnistviz.json")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (folder / "notes.txt").write_text("not an input")
    (folder / ".hidden.png").write_bytes(b"")
    return folder


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_folder_gives_one_json_line_per_input_sorted_with_errors_as_lines(capsys, folder, monkeypatch):
    loads = []
    real_load = mnistviz.model.load_model
    monkeypatch.setattr(mnistviz.model, "load_model", lambda path: loads.append(path) or real_load(path))
    code = main(["predict", str(folder), "--json"])
    lines = json_lines(capsys.readouterr().out)
    assert code == 1  # one input failed
    assert len(loads) == 1
    assert [line["file"] for line in lines] == [str(folder / name) for name in
                                                ("broken.jpg", "digit_0.png", "digit_3.png", "drawn.mnistviz.json")]
    broken, zero, three, drawn = lines
    assert broken["status"] == "error" and "broken.jpg" in broken["message"] and "Traceback" not in broken["message"]
    assert (zero["status"], zero["prediction"]) == ("success", 0)
    assert (three["status"], three["prediction"]) == ("success", 3)
    assert (drawn["status"], drawn["prediction"]) == ("success", 7)
    assert sum(key.startswith("featuremap") for key in drawn) == 30


def test_files_and_folders_mix_and_a_missing_file_does_not_stop_the_run(capsys, folder, tmp_path):
    drawing = folder / "drawn.mnistviz.json"
    empty = tmp_path / "empty folder"
    empty.mkdir()
    code = main(["predict", str(drawing), str(tmp_path / "missing.png"), str(empty), str(drawing), "--json"])
    lines = json_lines(capsys.readouterr().out)
    assert code == 1
    assert [line["status"] for line in lines] == ["success", "error", "error", "success"]
    assert "missing.png" in lines[1]["message"] and "holds no images" in lines[2]["message"]


def test_all_good_inputs_exit_zero_and_plain_output_has_a_line_each(capsys, folder):
    (folder / "broken.jpg").unlink()
    code = main(["predict", str(folder)])
    captured = capsys.readouterr()
    assert code == 0
    rows = captured.out.splitlines()
    assert len(rows) == 3 and rows[2].startswith(str(folder / "drawn.mnistviz.json") + ": 7 (")
    assert "3 inputs, 3 classified, 0 failed" in captured.err


def test_one_drawing_file_keeps_the_single_file_output(capsys, folder):
    code = main(["predict", str(folder / "drawn.mnistviz.json"), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and "file" not in payload and payload["prediction"] == 7


def test_a_bad_drawing_file_is_an_error_in_words(capsys, tmp_path):
    bad = tmp_path / "lesson.json"
    bad.write_text('{"format": "mnistviz-drawing", "version": 7}')
    code = main(["predict", str(bad), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 1 and payload["status"] == "error" and "version 7" in payload["message"]


def test_export_writes_a_folder_per_input_in_a_batch(capsys, folder, tmp_path):
    (folder / "broken.jpg").unlink()
    out = tmp_path / "out"
    assert main(["predict", str(folder), str(folder / "digit_0.png"), "--export", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["digit_0", "digit_0-2", "digit_3", "drawn.mnistviz"]
    assert (out / "drawn.mnistviz" / "featuremaps.png").is_file()
    assert json.loads((out / "digit_3" / "result.json").read_text())["prediction"] == 3


def test_a_model_that_does_not_load_fails_every_input(capsys, folder, tmp_path):
    bad_model = tmp_path / "model.pt"
    bad_model.write_text("not a model")
    code = main(["predict", str(folder), "--json", "--model", str(bad_model)])
    lines = json_lines(capsys.readouterr().out)
    assert code == 1 and len(lines) == 4 and all(line["status"] == "error" for line in lines)


def independent_head(model_path):
    """The linear head read straight from the TorchScript file's parameters, by shape."""
    import torch

    module = torch.jit.load(str(model_path), map_location="cpu")
    params = {name: p.detach().double().numpy() for name, p in module.named_parameters()}
    weight = next(p for p in params.values() if p.ndim == 2 and p.shape[0] == 10)
    bias = next(p for name, p in params.items() if p.shape == (10,) and name.rsplit(".", 1)[0]
                == next(n for n, q in params.items() if q is weight).rsplit(".", 1)[0])
    return weight, bias


@pytest.mark.parametrize("model_name", ["readout", "gap"])
def test_explain_matches_an_independent_computation_from_the_weights(capsys, folder, model_name):
    from mnistviz.resources import bundled_model

    model_path = bundled_model(model_name)
    code = main(["predict", str(folder / "digit_3.png"), "--json", "--explain", "--model", str(model_path)])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    evidence = payload["evidence"]
    pool = np.array([payload[f"featuremap3{k}"] for k in range(1, 11)])  # (10, 14, 14), rounded to 1e-6
    weight, bias = independent_head(model_path)
    c = payload["prediction"]
    if weight.shape[1] == pool.size:  # flatten -> linear
        expected = (weight[c].reshape(pool.shape) * pool).sum(axis=0)
    else:  # global average pool -> linear (CAM)
        expected = np.tensordot(weight[c], pool, axes=1) / (pool.shape[1] * pool.shape[2])
    assert evidence["class"] == c and evidence["exact"] is True
    assert np.allclose(np.array(evidence["map"]), expected, atol=1e-4)
    assert evidence["bias"] == pytest.approx(bias[c], abs=1e-6)
    assert evidence["logit"] == pytest.approx(bias[c] + expected.sum(), abs=1e-3)


def test_explain_class_explains_another_class_and_refuses_an_unknown_one(capsys, folder):
    main(["predict", str(folder / "digit_3.png"), "--json", "--explain"])
    predicted = json.loads(capsys.readouterr().out)["evidence"]
    code = main(["predict", str(folder / "digit_3.png"), "--json", "--explain-class", "8"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["prediction"] == 3 and payload["evidence"]["class"] == 8
    assert payload["evidence"]["logit"] < predicted["logit"]  # the chosen class's own split, not the winner's
    assert payload["evidence"]["map"] != predicted["map"]
    code = main(["predict", str(folder / "digit_3.png"), "--json", "--explain-class", "eleven"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 1 and "no such class" in payload["message"]


def test_explain_needs_json(capsys, folder):
    with pytest.raises(SystemExit) as exited:
        main(["predict", str(folder / "digit_3.png"), "--explain"])
    assert exited.value.code == 2 and "add --json" in capsys.readouterr().err
