"""The photo benchmark's generator: realistic, varied, reproducible photos of digits."""

import numpy as np
from PIL import Image, ImageOps

from mnistviz.photo_synth import CONDITIONS, Photo, generate, make_photo, save_photo


def test_same_seed_same_photos(samples):
    images, labels = samples
    first = make_photo(images[0], int(labels[0]), np.random.default_rng(3))
    again = make_photo(images[0], int(labels[0]), np.random.default_rng(3))
    other = make_photo(images[0], int(labels[0]), np.random.default_rng(4))
    assert np.array_equal(np.asarray(first.image), np.asarray(again.image))
    assert first.conditions == again.conditions
    assert first.image.size != other.image.size or not np.array_equal(np.asarray(first.image), np.asarray(other.image))


def test_a_photo_is_paper_not_a_clean_drawing(samples):
    images, labels = samples
    photo = make_photo(images[5], int(labels[5]), np.random.default_rng(0))
    grey = np.asarray(photo.image.convert("L"), np.float32)
    assert min(photo.image.size) >= 600 and photo.image.mode == "RGB"
    assert 5 < np.median(grey) < 250  # the paper is a shade, with noise on it
    assert grey.std() > 2
    assert photo.label == int(labels[5]) and photo.conditions and set(photo.conditions) <= set(CONDITIONS)


def test_exif_orientation_is_stored_so_that_it_restores(samples, tmp_path):
    images, _ = samples
    upright = make_photo(images[0], 7, np.random.default_rng(1)).image
    for orientation in (3, 6, 8):
        save_photo(Photo(upright, 7, ["exif-rotated"], orientation), tmp_path / "p.jpg", np.random.default_rng(0))
        with Image.open(tmp_path / "p.jpg") as stored:
            assert stored.getexif()[0x0112] == orientation
            if orientation != 3:
                assert stored.size == upright.size[::-1]  # the pixels really are turned
            restored = ImageOps.exif_transpose(stored)
        assert restored.size == upright.size
        difference = np.abs(np.asarray(restored, np.float32) - np.asarray(upright, np.float32)).mean()
        assert difference < 6  # JPEG aside, the same picture


def test_generate_writes_labelled_jpegs(samples, tmp_path):
    images, labels = samples
    written = generate(images, labels, tmp_path / "photos", count=4, seed=2)
    assert len(written) == 4
    for path, label, conditions in written:
        assert path.is_file() and path.name.endswith(f"_{label}.jpg") and conditions
        with Image.open(path) as image:
            assert image.format == "JPEG"
    again = generate(images, labels, tmp_path / "again", count=4, seed=2)
    assert [p.read_bytes() for p, _, _ in written] == [p.read_bytes() for p, _, _ in again]
