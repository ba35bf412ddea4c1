import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from mnistviz.cli import main


@pytest.fixture
def sample_png(samples, tmp_path):
    """A bundled test digit saved as dark ink on white paper, as a scan would be."""
    images, labels = samples
    index = int(np.flatnonzero(labels == 7)[0])
    path = tmp_path / "seven.png"
    Image.fromarray(255 - images[index]).resize((140, 140)).save(path)
    return path


def run_json(capsys, *argv):
    code = main(["predict", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_predict_json_has_the_reference_fields(capsys, sample_png):
    code, payload = run_json(capsys, str(sample_png))
    assert code == 0 and payload["status"] == "success"
    assert payload["prediction"] == 7
    assert len(payload["probabilities"]) == 10 and abs(sum(payload["probabilities"]) - 1) < 1e-3
    assert payload["latency_ms"] > 0
    shapes = {(1, 28), (2, 28), (3, 14)}
    for stage, size in shapes:
        for number in range(1, 11):
            fmap = np.array(payload[f"featuremap{stage}{number}"])
            assert fmap.shape == (size, size)
            assert fmap.min() >= 0  # after ReLU / max-pool
    assert sum(key.startswith("featuremap") for key in payload) == 30


def test_predict_with_a_contract_model(capsys, sample_png, contract_model_path):
    code, payload = run_json(capsys, str(sample_png), "--model", str(contract_model_path))
    assert code == 0 and payload["model"] == "test-net"


def test_bad_image_gives_an_error_status(capsys, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\x00garbage")
    code, payload = run_json(capsys, str(bad))
    assert code != 0 and payload["status"] == "error" and "bad.jpg" in payload["message"]


def test_blank_image_gives_an_error_status(capsys, tmp_path):
    Image.new("L", (50, 50), 255).save(tmp_path / "blank.png")
    code, payload = run_json(capsys, str(tmp_path / "blank.png"))
    assert code != 0 and "no ink" in payload["message"]


def test_bad_model_gives_an_error_status(capsys, sample_png, tmp_path):
    (tmp_path / "m.pt").write_text("nope")
    code, payload = run_json(capsys, str(sample_png), "--model", str(tmp_path / "m.pt"))
    assert code != 0 and payload["status"] == "error" and "TorchScript" in payload["message"]


def test_plain_output_names_the_digit(capsys, sample_png):
    assert main(["predict", str(sample_png)]) == 0
    out = capsys.readouterr().out
    assert "seven.png: 7 (" in out


def test_module_entry_point_runs_without_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mnistviz", "predict", str(tmp_path / "missing.png"), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["status"] == "error"
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr


def test_export_creates_the_folder_and_writes_the_maps(capsys, sample_png, tmp_path):
    out = tmp_path / "new" / "maps"
    code, payload = run_json(capsys, str(sample_png), "--export", str(out))
    assert code == 0
    # the sheet, filters.png and the 30 maps
    assert (out / "featuremaps.png").is_file() and len(list(out.glob("*.png"))) == 32


def test_export_under_a_file_is_an_error(capsys, sample_png, tmp_path):
    (tmp_path / "file").write_text("x")
    code, payload = run_json(capsys, str(sample_png), "--export", str(tmp_path / "file" / "maps"))
    assert code != 0 and payload["status"] == "error" and "folder" in payload["message"]


def test_a_model_that_is_not_a_number_on_ink_is_an_error_in_valid_json(sample_png, tmp_path):
    from model_files import save_scripted
    from model_files import InfOnInk

    model = save_scripted(InfOnInk(), tmp_path / "inf.pt", {"name": "inf-net"})
    done = subprocess.run([sys.executable, "-m", "mnistviz", "predict", str(sample_png), "--json",
                           "--model", str(model), "--export", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    payload = json.loads(done.stdout, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    assert done.returncode != 0 and payload["status"] == "error", done.stdout[:300]
    assert "inf-net" in payload["message"] and "not numbers" in payload["message"]
    assert "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "out" / "featuremaps.png").exists()  # nothing exported from a non-answer


def test_predict_json_into_a_closed_pipe_exits_quietly(sample_png):
    # The JSON (30 feature maps) is far larger than a pipe's buffer, so the write meets the closed end.
    process = subprocess.Popen([sys.executable, "-m", "mnistviz", "predict", str(sample_png), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert len(process.stdout.read(100)) == 100  # as `| head -c 100` does
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(120) in (0, 1)
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
