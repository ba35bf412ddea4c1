"""PNG + JSON export: the files, their sizes and colours, result.json, atomicity."""

from __future__ import annotations

import dataclasses
import json
import os

import numpy as np
import pytest
from PIL import Image

import mnistviz
from mnistviz import colormaps, export
from mnistviz.export import ExportError, export_result, render_sheet
from mnistviz.model import load_model
from mnistviz.model_meta import DEFAULT_CLASSES
from mnistviz.pipeline import explain
from mnistviz.result import Result

PREFIXES = ("conv1", "conv2", "pool")
EXPECTED = ({"featuremaps.png", "filters.png", "result.json"}
            | {f"{p}_{i:02d}.png" for p in PREFIXES for i in range(1, 11)})


@pytest.fixture
def result(contract_model_path, samples) -> Result:
    """A seven through a contract model, with its evidence and network, as the window has it."""
    images, labels = samples
    seven = images[np.flatnonzero(labels == 7)[0]]
    model = load_model(contract_model_path)
    result = model.run(seven / 255.0, timings={"preprocess_ms": 1.5})
    return dataclasses.replace(result, evidence=explain(model, result))


@pytest.fixture
def out(tmp_path):
    """An empty export folder (tmp_path itself holds the contract model)."""
    folder = tmp_path / "export"
    folder.mkdir()
    return folder


def _png(path) -> np.ndarray:
    with Image.open(path) as image:
        assert image.mode == "RGB"
        return np.asarray(image)


def test_writes_exactly_the_expected_files(result, out):
    paths = export_result(result, out)
    assert set(os.listdir(out)) == EXPECTED  # and no staging folder left behind
    assert [p.name for p in paths] == (["featuremaps.png", "filters.png"] + [f"{p}_{i:02d}.png" for p in PREFIXES
                                                              for i in range(1, 11)] + ["result.json"])
    assert all(p.parent == out and p.is_file() for p in paths)


def test_per_map_pngs_are_integer_upscaled_in_the_stage_colours(result, out):
    export_result(result, out, colormap="viridis", scale_mode="stage")
    for prefix, maps in zip(PREFIXES, result.stages.values()):
        _, h, w = maps.shape
        factor = {28: 8, 14: 16}[h]  # the smallest integer factor reaching >= 224 px
        lo, hi = float(maps.min()), float(maps.max())
        for index in range(maps.shape[0]):
            png = _png(out / f"{prefix}_{index + 1:02d}.png")
            assert png.shape == (h * factor, w * factor, 3) and png.shape[0] >= 224
            expected = colormaps.apply(maps[index], lo, hi, "viridis")
            np.testing.assert_array_equal(png[::factor, ::factor], expected)
            # nearest neighbour: every factor x factor block is one colour
            np.testing.assert_array_equal(png, np.repeat(np.repeat(expected, factor, 0), factor, 1))


def test_map_mode_pngs_use_each_maps_own_range(result, out):
    export_result(result, out, colormap="inferno", scale_mode="map")
    maps = result.stages["MaxPool"]
    for index in range(10):
        m = maps[index]
        span = m.max() - m.min()
        relative = (m - m.min()) / span if span > 0 else np.zeros_like(m)
        png = _png(out / f"pool_{index + 1:02d}.png")
        np.testing.assert_array_equal(png[::16, ::16], colormaps.apply(relative, 0.0, 1.0, "inferno"))


def test_fixed_levels_can_be_handed_in(result, out):
    export_result(result, out, scale_mode="fixed", levels={"Conv1 + ReLU": (0.0, 10.0)})
    png = _png(out / "conv1_01.png")
    np.testing.assert_array_equal(png[::8, ::8], colormaps.apply(result.stages["Conv1 + ReLU"][0], 0.0, 10.0))
    summary = json.loads((out / "result.json").read_text())
    assert summary["stages"][0]["levels"] == [0.0, 10.0]


def test_contact_sheet(result, out):
    export_result(result, out)
    sheet = _png(out / "featuremaps.png")
    assert sheet.shape[:2] == render_sheet(result).size[::-1]
    height, width = sheet.shape[:2]
    assert 1000 <= width <= 1400 and 1000 <= height <= 1400  # one page, readable when printed
    assert (sheet[0, 0] == 255).all()  # white background
    # the predicted class's bar is drawn in the highlight colour
    winner = np.array(Image.new("RGB", (1, 1), export.WINNER_COLOUR)).reshape(3)
    assert (sheet == winner).all(axis=2).sum() > 100
    # every map appears at its designed size in its colours: Conv1 map 1 is the first tile
    maps = result.stages["Conv1 + ReLU"]
    tile = np.repeat(np.repeat(colormaps.apply(maps[0], float(maps.min()), float(maps.max())), 4, 0), 4, 1)
    found = _find(sheet, tile)
    assert found is not None


def _find(sheet: np.ndarray, tile: np.ndarray):
    """Top-left of `tile` inside `sheet`, or None (matches the tile's first pixel, then all)."""
    th, tw = tile.shape[:2]
    ys, xs = np.nonzero((sheet == tile[0, 0]).all(axis=2))
    for y, x in zip(ys, xs):
        if y + th > sheet.shape[0] or x + tw > sheet.shape[1] or (sheet[y, x:x + tw] != tile[0]).any():
            continue
        if (sheet[y:y + th, x:x + tw] == tile).all():
            return y, x
    return None


def test_result_json(result, out):
    export_result(result, out, colormap="cividis", scale_mode="fixed")
    summary = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert summary["prediction"] == result.prediction
    assert summary["label"] == result.classes[result.prediction]
    assert summary["classes"] == [str(c) for c in range(10)]
    np.testing.assert_allclose(summary["probabilities"], result.probabilities, rtol=1e-6)
    assert summary["confidence"] == pytest.approx(result.confidence)
    assert summary["model_name"] == "test-net"
    assert summary["timings"]["preprocess_ms"] == 1.5 and "inference_ms" in summary["timings"]
    assert [s["name"] for s in summary["stages"]] == ["Conv1 + ReLU", "Conv2 + ReLU", "MaxPool"]
    assert [s["shape"] for s in summary["stages"]] == [[10, 28, 28], [10, 28, 28], [10, 14, 14]]
    assert [s["prefix"] for s in summary["stages"]] == list(PREFIXES)
    assert summary["stages"][2]["max"] == pytest.approx(float(result.stages["MaxPool"].max()))
    assert summary["colormap"] == "cividis" and summary["scale_mode"] == "fixed"
    assert summary["app_version"] == mnistviz.__version__
    assert set(summary["files"]) == EXPECTED


def test_other_stage_shapes_are_named_by_position(tmp_path):
    rng = np.random.default_rng(0)
    stages = {"A": rng.random((3, 5, 5), np.float32), "B": rng.random((2, 8, 4), np.float32),
              "C": rng.random((1, 100, 100), np.float32)}
    r = Result(probabilities=np.array([0.2, 0.8], np.float32), logits=np.zeros(2, np.float32), stages=stages,
               input_28=np.zeros((28, 28), np.float32), classes=("cat", "dog"))
    paths = export_result(r, tmp_path)
    assert [p.name for p in paths] == ["featuremaps.png", "conv1_01.png", "conv1_02.png", "conv1_03.png",
                                       "conv2_01.png", "conv2_02.png", "pool_01.png", "result.json"]
    assert Image.open(tmp_path / "conv2_01.png").size == (4 * 28, 8 * 28)  # 224 / 8 = 28x
    assert Image.open(tmp_path / "pool_01.png").size == (300, 300)  # ceil(224 / 100) = 3x
    assert json.loads((tmp_path / "result.json").read_text())["label"] == "dog"


def test_missing_folder_under_a_file_raises_and_writes_nothing(result, out):
    afile = out / "afile"
    afile.write_text("not a folder")
    with pytest.raises(ExportError, match="does not exist"):
        export_result(result, afile / "sub")
    with pytest.raises(ExportError, match="not a folder"):
        export_result(result, afile)
    assert os.listdir(out) == ["afile"]
    assert afile.read_text() == "not a folder"


def test_unwritable_folder_raises(result):
    # Root ignores permission bits, so use a place nobody can create files in.
    with pytest.raises(ExportError, match="cannot be written"):
        export_result(result, "/proc")


def test_failure_while_moving_into_place_leaves_no_partial_files(result, out, monkeypatch):
    (out / "notes.txt").write_text("keep me")
    real_replace = os.replace
    calls = []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(export.os, "replace", flaky_replace)
    with pytest.raises(ExportError, match="No space left on device"):
        export_result(result, out)
    assert os.listdir(out) == ["notes.txt"]


def test_failure_while_rendering_leaves_no_partial_files(result, out, monkeypatch):
    real_render = export.render_map
    count = []

    def failing_render(*args, **kwargs):
        count.append(1)
        if len(count) > 40:  # the sheet renders 30 tiles first, then the map files
            raise OSError(5, "Input/output error")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(export, "render_map", failing_render)
    with pytest.raises(ExportError):
        export_result(result, out)
    assert os.listdir(out) == []


def test_export_again_replaces_the_files(result, out):
    export_result(result, out)
    first = (out / "result.json").read_text()
    export_result(result, out, scale_mode="map")
    assert set(os.listdir(out)) == EXPECTED
    assert json.loads((out / "result.json").read_text())["scale_mode"] == "map" != json.loads(first)["scale_mode"]


def test_bad_arguments_are_refused_before_touching_the_disk(result, out):
    with pytest.raises(KeyError):
        export_result(result, out, colormap="rainbow")
    with pytest.raises(ValueError):
        export_result(result, out, scale_mode="log")
    assert os.listdir(out) == []


def test_export_imports_neither_qt_nor_torch():
    import subprocess
    import sys

    code = ("import sys, mnistviz.export, mnistviz.mosaic; "
            "bad = [m for m in ('torch', 'PySide6') if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def _sheet_texts(result, monkeypatch) -> list[str]:
    """Every string drawn on the contact sheet, in order."""
    drawn = []
    real_text = export.ImageDraw.ImageDraw.text

    def recording_text(self, xy, text, *args, **kwargs):
        drawn.append(text)
        return real_text(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(export.ImageDraw.ImageDraw, "text", recording_text)
    render_sheet(result)
    return drawn


def test_sheet_never_prints_100_or_0_percent_for_an_uncertain_network(result, monkeypatch):
    p = np.full(10, 1e-6, np.float32)
    p[3] = 1 - p.sum() + p[3]  # 0.999991: "100.0 %" with one decimal
    p[5] = 0.0  # exactly zero may say so
    texts = _sheet_texts(dataclasses.replace(result, probabilities=p), monkeypatch)
    assert "> 99.9 % sure" in texts  # the title
    assert texts.count("> 99.9 %") >= 1 and texts.count("< 0.1 %") == 8 and "0 %" in texts
    assert not [t for t in texts if "100.0" in t or t.startswith("0.0 ")]


# --- an export replaces the earlier one as a whole, or leaves it as it was -------------------

def _maps_result(channels: int) -> Result:
    rng = np.random.default_rng(channels)
    stages = {"Conv1 + ReLU": rng.random((channels, 28, 28), np.float32),
              "Conv2 + ReLU": rng.random((channels, 28, 28), np.float32),
              "MaxPool": rng.random((channels, 14, 14), np.float32)}
    return Result(probabilities=np.full(10, 0.1, np.float32), logits=np.zeros(10, np.float32), stages=stages,
                  input_28=np.zeros((28, 28), np.float32), classes=DEFAULT_CLASSES)


def _contents(folder) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_smaller_model_leaves_no_stale_maps_and_other_files_stay(out):
    (out / "notes.txt").write_text("the teacher's own file")
    export_result(_maps_result(12), out)
    assert (out / "conv1_12.png").is_file()
    export_result(_maps_result(10), out)
    ten = {"featuremaps.png", "result.json"} | {f"{p}_{i:02d}.png" for p in PREFIXES for i in range(1, 11)}
    assert set(os.listdir(out)) == ten | {"notes.txt"}  # conv1_11.png ... pool_12.png are gone
    assert (out / "notes.txt").read_text() == "the teacher's own file"


@pytest.mark.parametrize("failing_call", [5, 36])  # while the earlier files go aside / the new ones move in
def test_a_failed_export_leaves_the_earlier_export_untouched(result, out, monkeypatch, failing_call):
    export_result(result, out)
    (out / "notes.txt").write_text("keep me")
    before = _contents(out)
    real_replace = os.replace
    calls = []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == failing_call:
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(export.os, "replace", flaky_replace)
    with pytest.raises(ExportError, match="Input/output error") as failure:
        export_result(_maps_result(12), out, scale_mode="map")
    assert _contents(out) == before  # every earlier file back, byte for byte; no staging folder left
    assert "nothing was changed" in str(failure.value).lower()


def test_a_full_disk_leaves_the_earlier_export_and_says_so(result, out):
    import subprocess
    import sys

    export_result(result, out)
    before = _contents(out)
    # A child process whose files may not grow past 20 kB: the contact sheet cannot be written.
    code = f"""
import pickle, resource, signal, sys
from mnistviz.export import ExportError, export_result
result = pickle.loads(sys.stdin.buffer.read())
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
try:
    export_result(result, {str(out)!r}, scale_mode="map")
except ExportError as exc:
    print(exc)
"""
    import pickle

    child = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(result), capture_output=True,
                           timeout=120)
    message = child.stdout.decode().strip()
    assert child.returncode == 0, child.stderr.decode()
    assert "not enough space" in message and "nothing was changed" in message.lower(), message
    assert _contents(out) == before


def test_progress_is_reported_for_every_file(result, out):
    calls = []
    paths = export_result(result, out, progress=lambda done, total: calls.append((done, total)))
    total = calls[0][1]
    assert total >= len(paths) and {t for _, t in calls} == {total}
    assert [done for done, _ in calls] == list(range(total + 1))  # one step at a time, to the end


def test_cancelling_from_progress_keeps_the_earlier_export(result, out):
    export_result(result, out)
    before = _contents(out)

    def cancel_halfway(done, total):
        if done > total // 2:
            raise export.ExportCancelled("cancelled")

    with pytest.raises(export.ExportCancelled):
        export_result(_maps_result(12), out, progress=cancel_halfway)
    assert _contents(out) == before


def test_a_foreign_result_json_names_no_files_to_remove(result, out):
    (out / "mine.png").write_bytes(b"not from mnistviz")
    (out / "result.json").write_text(json.dumps({"files": ["mine.png", "../outside.png"]}))
    export_result(result, out)
    assert (out / "mine.png").read_bytes() == b"not from mnistviz"  # no "app": "mnistviz": not ours


# --- why: the evidence and the filters ------------------------------------------------------

def test_result_json_carries_the_evidence_of_the_predicted_class(result, out):
    export_result(result, out)
    summary = json.loads((out / "result.json").read_text(encoding="utf-8"))
    evidence = summary["evidence"]
    assert evidence["class"] == result.prediction and evidence["exact"] is True
    assert evidence["method"] == "flatten → linear (exact)"
    grid = np.array(evidence["map"])
    assert grid.shape == (14, 14)
    np.testing.assert_allclose(grid, result.evidence.maps[result.prediction], rtol=1e-12)
    # the identity, read back from the file: logit = bias + the map's sum
    assert evidence["bias"] + grid.sum() == pytest.approx(float(result.logits[result.prediction]), abs=1e-4)
    assert evidence["logit"] == pytest.approx(float(result.logits[result.prediction]))


def test_no_evidence_is_written_as_null(result, out):
    export_result(dataclasses.replace(result, evidence=None, network=None), out)
    summary = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert summary["evidence"] is None
    assert "filters.png" not in os.listdir(out) and "filters.png" not in summary["files"]


def test_filters_png_shows_every_kernel_on_one_scale_centred_on_zero(result, out):
    export_result(result, out)
    sheet = _png(out / "filters.png")
    network = result.network
    limit = colormaps.signed_limit(network.conv1.weight, network.conv2.weight)
    px = export._FiltersSheet.weight_px
    up = lambda rgb: np.repeat(np.repeat(rgb, px, 0), px, 1)  # noqa: E731
    for f in (0, 9):
        assert _find(sheet, up(colormaps.apply_signed(network.conv1.weight[f, 0], limit))) is not None
    for f, c in ((0, 0), (4, 7), (9, 9)):
        assert _find(sheet, up(colormaps.apply_signed(network.conv2.weight[f, c], limit))) is not None
    # diverging: zero is the white-ish middle of the table, the signs are blue and red
    lut = colormaps.lut(colormaps.DIVERGING)
    assert lut[127].min() > 230 and lut[0][2] > lut[0][0] and lut[255][0] > lut[255][2]


def test_contact_sheet_shows_the_evidence_map_and_its_sum(result, out, monkeypatch):
    export_result(result, out)
    sheet = _png(out / "featuremaps.png")
    values = result.evidence.maps[result.prediction]
    factor = export._Sheet.evidence_size // 14
    tile = np.repeat(np.repeat(colormaps.apply_signed(values, colormaps.signed_limit(values)), factor, 0), factor, 1)
    assert _find(sheet, tile) is not None
    texts = _sheet_texts(result, monkeypatch)
    k = result.prediction
    label = result.classes[k]
    assert f"Why {label}?" in texts and "flatten -> linear (exact)" in texts
    bias, total, logit = (float(v) for v in (result.evidence.bias[k], values.sum(), result.logits[k]))
    for figure in (bias, total, logit):  # bias, + evidence (sum), = logit: a column of figures
        assert export.drawable(export.signed_text(figure)) in texts, figure
    assert abs(bias + total - logit) < 1e-4


def test_evidence_sentence_writes_the_sum_out():
    from mnistviz.explain import Evidence

    evidence = Evidence(maps=np.full((10, 2, 2), 9.87 / 4), bias=np.full(10, -0.41),
                        logits=np.full(10, 9.46), exact=True, method="flatten → linear (exact)")
    assert export.evidence_sentence(evidence, 7, "7") == "logit 7 = bias −0.41 + evidence 9.87 = 9.46"
    approx = dataclasses.replace(evidence, exact=False, method="occlusion (approximate)", bias=np.zeros(10))
    assert "approximate" in export.evidence_sentence(approx, 7, "7")
