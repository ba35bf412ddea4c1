"""Photos and scans of paper: the digit's ink, whatever the paper and light.

Photos are made here from the bundled sample digits (MNIST test set) and read back from
disk through load_drawing and the pipeline, with the bundled model, as `predict` does.
"""

import numpy as np
import pytest
from PIL import Image

from mnistviz.pipeline import analyse
from mnistviz.preprocess import ImageInputError, load_drawing

DIGITS = (2, 4, 7)  # one of each: rotated a quarter turn, none of these reads as itself


@pytest.fixture(scope="module")
def model():
    from mnistviz.model import load_model
    from mnistviz.resources import bundled_model

    return load_model(bundled_model())


def sample(samples, digit: int) -> np.ndarray:
    images, labels = samples
    return images[labels == digit][0]


def photo(digit28, frame=(520, 420), size=240, at=(90, 140), paper=(0.6, 0.6, 0.6), ink=(0.06, 0.06, 0.12),
          gradient=0.0, shadow=0.0, noise=4.0, seed=0) -> np.ndarray:
    """An RGB photo (uint8) of the digit written on paper; frame is (width, height)."""
    width, height = frame
    rng = np.random.default_rng(seed)
    alpha = np.asarray(Image.fromarray(digit28).resize((size, size), Image.Resampling.BICUBIC), np.float32) / 255
    coverage = np.zeros((height, width), np.float32)
    top, left = at
    coverage[top : top + size, left : left + size] = (alpha * 1.4).clip(0, 1)
    a = coverage[:, :, None]
    image = np.asarray(paper, np.float32) * (1 - a) + np.asarray(ink, np.float32) * a
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 1 + gradient * (xs / width - 0.5 + ys / height - 0.5)
    if shadow:  # a soft shadow over the lower right
        light *= 1 - shadow / (1 + np.exp(-(xs / width + ys / height - 1.3) / 0.05))
    image = image * light[:, :, None] * 255 + rng.normal(0, noise, (height, width, 1))
    return image.clip(0, 255).round().astype(np.uint8)


def read(path, model) -> int:
    result = analyse(load_drawing(path), model)
    assert result is not None
    return result.prediction


@pytest.mark.parametrize("digit", DIGITS)
def test_grey_paper(samples, model, tmp_path, digit):
    Image.fromarray(photo(sample(samples, digit))).save(tmp_path / "grey.jpg", quality=85)
    assert read(tmp_path / "grey.jpg", model) == digit


@pytest.mark.parametrize("digit", DIGITS)
def test_tinted_paper(samples, model, tmp_path, digit):
    Image.fromarray(photo(sample(samples, digit), paper=(0.75, 0.68, 0.45))).save(tmp_path / "yellow.jpg")
    assert read(tmp_path / "yellow.jpg", model) == digit


@pytest.mark.parametrize("digit", DIGITS)
def test_dark_paper_with_light_ink(samples, model, tmp_path, digit):
    board = photo(sample(samples, digit), paper=(0.15, 0.2, 0.17), ink=(0.9, 0.9, 0.88), gradient=0.3)
    Image.fromarray(board).save(tmp_path / "board.jpg")
    assert read(tmp_path / "board.jpg", model) == digit


@pytest.mark.parametrize("digit", DIGITS)
def test_uneven_light_and_shadow(samples, model, tmp_path, digit):
    Image.fromarray(photo(sample(samples, digit), paper=(0.9, 0.88, 0.85), gradient=0.6, shadow=0.5)).save(
        tmp_path / "lamp.jpg")
    assert read(tmp_path / "lamp.jpg", model) == digit


@pytest.mark.parametrize("orientation, store", [(6, Image.Transpose.ROTATE_90), (8, Image.Transpose.ROTATE_270),
                                                (3, Image.Transpose.ROTATE_180)])
def test_exif_orientation_is_applied(samples, model, tmp_path, orientation, store):
    upright = Image.fromarray(photo(sample(samples, 7), paper=(0.85, 0.85, 0.85)))
    exif = Image.Exif()
    exif[0x0112] = orientation  # a phone held sideways: pixels stored turned, the tag says how
    upright.transpose(store).save(tmp_path / "phone.jpg", exif=exif.tobytes())
    assert read(tmp_path / "phone.jpg", model) == 7


def test_sixteen_bit_scan(samples, model, tmp_path):
    grey = photo(sample(samples, 4), paper=(0.55, 0.55, 0.55)).mean(axis=2) * 257
    Image.fromarray(grey.round().astype(np.uint16)).save(tmp_path / "scan16.png")
    with Image.open(tmp_path / "scan16.png") as image:
        assert image.mode.startswith("I")
    assert read(tmp_path / "scan16.png", model) == 4


@pytest.mark.parametrize("mode", ["P", "LA", "RGBA", "F"])
def test_other_modes_on_grey_paper(samples, model, tmp_path, mode):
    rgb = Image.fromarray(photo(sample(samples, 2), paper=(0.62, 0.6, 0.58)))
    path = tmp_path / ("page.tif" if mode == "F" else "page.png")
    if mode == "F":
        Image.fromarray(np.asarray(rgb.convert("L"), np.float32) / 255, "F").save(path)
    else:
        rgb.convert(mode).save(path)
    assert read(path, model) == 2


def test_tiny_digit_in_a_large_frame(samples, model, tmp_path):
    picture = photo(sample(samples, 7), frame=(2400, 1800), size=150, at=(1100, 1500), paper=(0.7, 0.7, 0.68),
                    gradient=0.3)
    Image.fromarray(picture).save(tmp_path / "far.jpg", quality=80)
    assert read(tmp_path / "far.jpg", model) == 7


def test_page_edge_and_specks_are_ignored(samples, model, tmp_path):
    picture = photo(sample(samples, 4), paper=(0.8, 0.8, 0.78))
    picture[:, :40] = (60, 45, 30)  # the table beside the sheet
    picture[30:34, 400:404] = 20  # a speck
    picture[380:383, 60:63] = 20
    Image.fromarray(picture).save(tmp_path / "desk.jpg")
    assert read(tmp_path / "desk.jpg", model) == 4


def test_white_paper_keeps_working(samples, model, tmp_path):
    for digit in range(10):
        Image.fromarray(photo(sample(samples, digit), paper=(1, 1, 1), ink=(0, 0, 0), noise=0)).save(
            tmp_path / "white.png")
        assert read(tmp_path / "white.png", model) == digit


def test_the_canvas_gets_the_digit_with_a_margin(samples, tmp_path):
    Image.fromarray(photo(sample(samples, 7))).save(tmp_path / "grey.jpg")
    canvas = load_drawing(tmp_path / "grey.jpg")
    assert canvas.shape == (280, 280) and canvas.dtype == np.uint8
    assert canvas.max() == 255 and canvas[:20].max() == 0 and canvas[-20:].max() == 0  # paper is not ink
    rows = np.flatnonzero(canvas.max(axis=1) > 8)
    assert 215 <= rows[-1] - rows[0] + 1 <= 230  # the digit's own box, 80 % of the canvas


def test_steps_are_kept_for_display(samples, tmp_path):
    from mnistviz.preprocess import load_photo

    Image.fromarray(photo(sample(samples, 7), paper=(0.15, 0.15, 0.15), ink=(0.9, 0.9, 0.9))).save(
        tmp_path / "board.png")
    steps = load_photo(tmp_path / "board.png")
    assert not steps.light_paper and steps.decoded_size == (520, 420)
    for image in (steps.grey, steps.paper_removed):
        assert image.dtype == np.float32 and max(image.shape) <= 280 and 0 <= image.min() and image.max() <= 1
    assert steps.paper_removed[:20].max() < 0.05  # the paper is gone


@pytest.mark.parametrize("kind, reason", [("blank", "looks blank"), ("grey-blank", "looks blank"),
                                          ("noise", "too noisy"), ("speckled", "too noisy"),
                                          ("specks", "only specks"), ("sliver", "too small")])
def test_no_digit_is_refused_in_plain_words_saying_why(tmp_path, kind, reason):
    from mnistviz.photo import NoDigitError

    rng = np.random.default_rng(1)
    if kind == "blank":
        picture = np.full((400, 500), 250, np.uint8)
    elif kind == "grey-blank":  # an empty grey sheet under a lamp
        picture = photo(np.zeros((28, 28), np.uint8), gradient=0.5, shadow=0.4)
    elif kind == "noise":
        picture = rng.integers(0, 256, (400, 500), dtype=np.uint8)
    elif kind == "speckled":
        picture = (rng.normal(170, 25, (400, 500))).clip(0, 255).astype(np.uint8)
    elif kind == "specks":  # clean paper with a dozen specks of dust, none the size of a digit
        picture = (200 + rng.normal(0, 3, (400, 500))).clip(0, 255).astype(np.uint8)
        for y, x in rng.integers(20, 380, (12, 2)):
            picture[y : y + 3, x : x + 3] = 40
    else:
        picture = np.full((3, 500), 250, np.uint8)
    Image.fromarray(picture).save(tmp_path / "photo.png")
    with pytest.raises(NoDigitError) as info:  # an ImageInputError: every caller already handles it
        load_drawing(tmp_path / "photo.png")
    message = str(info.value)
    assert message.startswith("No digit found in photo.png: ") and reason in message
    assert isinstance(info.value, ImageInputError)


def test_unreadable_files_are_not_reported_as_blank(tmp_path):
    from mnistviz.photo import NoDigitError

    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(ImageInputError) as info:
        load_drawing(tmp_path / "notes.png")
    assert not isinstance(info.value, NoDigitError) and "notes.png" in str(info.value)


def test_the_digit_box_marks_the_digit_in_the_photo(samples, tmp_path):
    from mnistviz.preprocess import load_photo

    # A 240 px digit at (top 90, left 140) of a 520 x 420 photo; its ink lies inside that square.
    Image.fromarray(photo(sample(samples, 7))).save(tmp_path / "grey.png")
    top, left, bottom, right = load_photo(tmp_path / "grey.png").digit_box
    assert 90 / 420 <= top < bottom <= 330 / 420 and 140 / 520 <= left < right <= 380 / 520
    assert bottom - top > 0.3 and right - left > 0.15  # the digit, not a speck of it


def test_a_large_jpeg_is_decoded_at_reduced_size(samples, tmp_path):
    from mnistviz.preprocess import load_photo

    big = Image.new("L", (7000, 7000), 200)
    digit = Image.fromarray(255 - sample(samples, 7)).resize((2400, 2400), Image.Resampling.BICUBIC)
    big.paste(digit.point(lambda v: 200 * v // 255), (2300, 2300))
    big.save(tmp_path / "big.jpg", quality=70)
    del big, digit
    canvas = load_drawing(tmp_path / "big.jpg")
    assert max(canvas.shape) <= 2048  # never the 7000 x 7000 pixels
    steps = load_photo(tmp_path / "big.jpg")
    assert max(steps.decoded_size) <= 2048  # a quarter scale or less: about 4 megapixels, not 49


def test_a_phone_sized_jpeg_is_read_at_about_a_thousand_pixels(samples, model, tmp_path):
    from mnistviz.preprocess import load_photo

    # 4000 x 3000, as a 12-megapixel phone takes it: decoded at 1/4 (1000 px), not 1/2.
    picture = Image.fromarray(photo(sample(samples, 2), frame=(1000, 750), size=400, at=(150, 300)))
    picture.resize((4000, 3000), Image.Resampling.BILINEAR).save(tmp_path / "phone.jpg", quality=85)
    steps = load_photo(tmp_path / "phone.jpg")
    assert steps.decoded_size == (1000, 750)
    assert read(tmp_path / "phone.jpg", model) == 2
