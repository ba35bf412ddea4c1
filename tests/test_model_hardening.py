"""The Hardening issue: what a model file or its meta.json says is checked, never trusted,
and every refusal says what is wrong in plain words. Models and files are made here."""

import pickle
import zipfile

import numpy as np
import pytest
import torch

from model_files import InfOnInk, ReshapesOnInk, save_scripted
from mnistviz.architectures import ReadoutNet
from mnistviz.model import MAX_NAME_LENGTH, ModelError, load_model
from mnistviz.pipeline import analyse


def stroke_canvas() -> np.ndarray:
    canvas = np.zeros((280, 280), np.uint8)
    canvas[60:220, 120:150] = 255
    return canvas


# --- 1. outputs and numbers ---------------------------------------------------------------

def test_a_model_that_is_nan_on_ink_raises_instead_of_answering(tmp_path):
    model = load_model(save_scripted(InfOnInk(), tmp_path / "inf.pt"))  # loads: blank input is fine
    with pytest.raises(ModelError, match="not numbers"):
        analyse(stroke_canvas(), model)


@pytest.mark.parametrize("meta, field", [
    ({"temperature": 0}, "temperature"),
    ({"temperature": -1.5}, "temperature"),
    ({"std": 0}, "std"),
    ({"std": float("nan")}, "std"),
    ({"mean": float("nan")}, "mean"),
    ({"temperature": float("inf")}, "temperature"),
])
def test_bad_numbers_in_meta_json_are_refused_naming_the_field(tmp_path, meta, field):
    path = save_scripted(ReadoutNet(), tmp_path / "m.pt", meta)  # json.dumps writes NaN / Infinity
    with pytest.raises(ModelError, match=f'"{field}"'):
        load_model(path)


# --- 3. damaged archives -------------------------------------------------------------------

def test_flipped_bytes_in_a_weight_file_are_refused(tmp_path):
    path = save_scripted(ReadoutNet(), tmp_path / "flipped.pt")
    with zipfile.ZipFile(path) as archive:
        weights = max((i for i in archive.infolist() if "/data/" in i.filename), key=lambda i: i.file_size)
    raw = bytearray(path.read_bytes())
    # torch stores entries uncompressed: the data starts after the local header and its extra field.
    name_len = int.from_bytes(raw[weights.header_offset + 26: weights.header_offset + 28], "little")
    extra_len = int.from_bytes(raw[weights.header_offset + 28: weights.header_offset + 30], "little")
    start = weights.header_offset + 30 + name_len + extra_len + weights.file_size // 2
    for i in range(start, start + 64):
        raw[i] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(ModelError, match="The model file is damaged"):
        load_model(path)


# --- 5. messages in the user's words ------------------------------------------------------

def test_a_folder_is_called_a_folder(tmp_path):
    (tmp_path / "models.pt").mkdir()
    with pytest.raises(ModelError, match=r"models\.pt is a folder, not a model file"):
        load_model(tmp_path / "models.pt")


def test_an_unreadable_file_is_not_a_model_file(tmp_path):
    path = tmp_path / "notes.pt"
    path.write_bytes(b"\x00\x01 certainly not a model")
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert str(info.value) == ("notes.pt is not a model file mnistviz can use "
                               "(expected a TorchScript archive saved with torch.jit.save)")


def test_an_injected_pickle_gets_a_reason(tmp_path):
    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as archive:  # a zip with only a pickle inside, not TorchScript
        archive.writestr("evil/data.pkl", pickle.dumps({"not": "a model"}))
    with pytest.raises(ModelError) as info:
        load_model(path)
    message = str(info.value)
    assert message.startswith("evil.pt is not a model file mnistviz can use (expected a TorchScript")
    assert "torch said: " in message and not message.endswith("torch said: )")


def test_meta_json_that_is_not_utf8_is_blamed_not_the_archive(tmp_path):
    path = tmp_path / "latin.pt"
    scripted = torch.jit.script(ReadoutNet().eval())
    torch.jit.save(scripted, str(path), _extra_files={"meta.json": '{"name": "Zürich"}'.encode("latin-1")})
    with pytest.raises(ModelError, match=r"the model's description \(meta\.json\) is not readable text"):
        load_model(path)


# --- 6. metadata is plain, validated data ---------------------------------------------------

def test_names_are_plain_text_one_line_and_limited(tmp_path):
    meta = {"name": "<b>Big</b>\x00\n\u202eevil" + "x" * 500, "stage_names": ["a\tb", "c", "d"]}
    model = load_model(save_scripted(ReadoutNet(), tmp_path / "m.pt", meta))
    assert model.name.startswith("<b>Big</b> evil")  # kept as text, shown as text by the window
    assert len(model.name) <= MAX_NAME_LENGTH and not any(ord(c) < 32 for c in model.name)
    assert model.meta.stage_names == ("a b", "c", "d")


@pytest.mark.parametrize("meta, field", [
    ({"stage_names": ["Conv", "Conv", "Pool"]}, "stage_names"),
    ({"classes": [str(c) for c in range(9)] + ["0"]}, "classes"),
    ({"name": 42}, "name"),
    ({"temperature": "1.0"}, "temperature"),
    ({"mean": True}, "mean"),
    ({"stage_names": "Conv1"}, "stage_names"),
    ({"classes": {"0": 1}}, "classes"),
    ({"trained_on": ["MNIST"]}, "trained_on"),
    ({"test_accuracy": "99 %"}, "test_accuracy"),
])
def test_wrong_metadata_is_refused_naming_the_field(tmp_path, meta, field):
    with pytest.raises(ModelError, match=f'"{field}"'):
        load_model(save_scripted(ReadoutNet(), tmp_path / "m.pt", meta))


def test_the_class_count_must_match_the_logits(tmp_path):
    with pytest.raises(ModelError, match="expected 9 logits"):
        load_model(save_scripted(ReadoutNet(), tmp_path / "m.pt", {"classes": list("abcdefghi")}))


# --- 2. (core side) a model that changes its shapes on ink ---------------------------------

def test_a_shape_change_on_ink_raises_instead_of_answering(tmp_path):
    model = load_model(save_scripted(ReadoutNet(), tmp_path / "ok.pt"))
    assert analyse(stroke_canvas(), model) is not None
    reshaping = load_model(save_scripted(ReshapesOnInk(), tmp_path / "reshape.pt"))
    with pytest.raises(ModelError, match="other shapes"):
        analyse(stroke_canvas(), reshaping)
