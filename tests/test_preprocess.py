import logging

import numpy as np
import pytest
from PIL import Image

from mnistviz.preprocess import (
    ImageInputError,
    centre_of_mass,
    fit_into,
    ink_box,
    load_drawing,
    preprocess,
    preprocess_steps,
)


def small_digit_in_corner(samples, index=0, size=80, canvas=280):
    """A bundled digit drawn small, near the top-left corner of an empty canvas."""
    images, _ = samples
    digit = np.asarray(Image.fromarray(images[index]).resize((size, size), Image.Resampling.BILINEAR))
    field = np.zeros((canvas, canvas), np.uint8)
    field[10 : 10 + size, 15 : 15 + size] = digit
    return field


def test_empty_canvas_gives_no_input():
    assert preprocess(np.zeros((280, 280), np.uint8)) is None
    assert preprocess(np.full((280, 280), 3, np.uint8)) is None  # faint noise is not ink


def test_off_centre_small_digit_is_centred_and_scaled(samples):
    canvas = small_digit_in_corner(samples)
    steps = preprocess_steps(canvas)
    x = steps.input_28
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert 0 <= x.min() and x.max() <= 1
    cy, cx = centre_of_mass(x)
    assert np.hypot(cy - 13.5, cx - 13.5) <= 0.5  # pixel (14, 14) in 1-based corner coordinates
    top, left, bottom, right = ink_box((x * 255).astype(np.uint8), threshold=26)
    assert 19 <= max(bottom - top, right - left) <= 21
    assert max(steps.fitted.shape) == 20


def test_centring_off_keeps_the_corner_position(samples):
    x = preprocess(small_digit_in_corner(samples), centre=False)
    cy, cx = centre_of_mass(x)
    assert cy < 8 and cx < 8  # the digit stays where it was drawn


def test_aspect_ratio_is_kept():
    canvas = np.zeros((280, 280), np.uint8)
    canvas[40:240, 130:150] = 255  # a tall bar: 200 x 20
    fitted = preprocess_steps(canvas).fitted
    assert fitted.shape == (20, 2)


def test_dark_on_light_file_is_inverted(tmp_path):
    paper = np.full((100, 60), 250, np.uint8)
    paper[20:80, 25:35] = 10  # a dark stroke
    Image.fromarray(paper).convert("RGB").save(tmp_path / "ink.png")
    drawing = load_drawing(tmp_path / "ink.png")
    assert drawing[50, 30] > 200 and drawing[5, 5] < 20


def test_light_on_dark_file_is_kept(tmp_path):
    paper = np.zeros((50, 50), np.uint8)
    paper[10:40, 20:30] = 255
    Image.fromarray(paper).save(tmp_path / "chalk.png")
    assert np.array_equal(load_drawing(tmp_path / "chalk.png"), paper)


def test_transparent_sheet_with_dark_strokes(tmp_path):
    rgba = np.zeros((40, 40, 4), np.uint8)
    rgba[10:30, 18:22] = (0, 0, 0, 255)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "sheet.png")
    drawing = load_drawing(tmp_path / "sheet.png")
    assert drawing[20, 20] == 255 and drawing[0, 0] == 0


JARGON = ("Pillow", "PIL", "numpy", "torch", "Errno", "cannot identify", "UnidentifiedImageError")


def plain(message: str) -> bool:
    """A message in the user's words: no library names, no raw exception text."""
    return not any(word in message for word in JARGON)


@pytest.mark.parametrize("content", [b"", b"this is not a picture"])
def test_bad_files_are_refused_in_plain_words(tmp_path, content, caplog):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    caplog.set_level(logging.INFO, logger="mnistviz")
    with pytest.raises(ImageInputError) as info:
        load_drawing(path)
    message = str(info.value)
    assert message.startswith("bad.png is not an image file mnistviz can open")
    assert "PNG, JPEG" in message and plain(message), message
    assert "cannot identify" in caplog.text  # the library's own words stay in the log


def test_a_damaged_image_is_refused_in_plain_words(tmp_path):
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64), np.uint8)).save(tmp_path / "cut.png")
    data = (tmp_path / "cut.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])  # a download cut short
    with pytest.raises(ImageInputError) as info:
        load_drawing(tmp_path / "cut.png")
    message = str(info.value)
    assert message.startswith("cut.png could not be read") and "damaged" in message
    assert plain(message) and "truncated" not in message, message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageInputError, match="nope.png was not found") as info:
        load_drawing(tmp_path / "nope.png")
    assert plain(str(info.value))
    with pytest.raises(ImageInputError, match="is a folder, not an image file"):
        load_drawing(tmp_path)


def test_huge_image_is_refused_before_decoding(tmp_path, monkeypatch):
    import mnistviz.preprocess as pre

    Image.new("L", (400, 300)).save(tmp_path / "big.png")
    monkeypatch.setattr(pre, "MAX_PIXELS", 100_000)
    with pytest.raises(ImageInputError, match="big.png is too large") as info:
        load_drawing(tmp_path / "big.png")
    assert "0.1 megapixels" in str(info.value) and plain(str(info.value))


def test_fit_into_centres_with_margin():
    image = np.full((10, 20), 255, np.uint8)
    out = fit_into(image, 280)
    top, left, bottom, right = ink_box(out)
    assert right - left == 224 and bottom - top == 112
    assert abs((left + right) / 2 - 140) <= 1 and abs((top + bottom) / 2 - 140) <= 1
