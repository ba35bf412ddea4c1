"""The MNIST recipe: canvas (ink high, any size) -> the 28x28 image the network sees.

Each step is its own function so the Input dock can show them one by one and a
student can turn centring off to see why it matters. Numpy and Pillow only.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

INK_THRESHOLD = 8  # grey levels (of 255) below this count as paper, not ink
FIT_SIZE = 20  # MNIST: the digit's box is scaled so its longer side is 20 px...
FIELD_SIZE = 28  # ...and placed in a 28x28 field by its centre of mass
MAX_PIXELS = 50_000_000


class ImageInputError(Exception):
    """An image file that cannot be used as a drawing: unreadable, empty or too large."""


@dataclass(frozen=True)
class Steps:
    """The intermediate images of one preprocessing run (all float32 in [0, 1])."""

    cropped: np.ndarray  # the ink's bounding box, at canvas resolution
    fitted: np.ndarray  # longer side 20 px
    input_28: np.ndarray  # (28, 28): what the network receives (before normalising)
    centred: bool


def ink_box(image: np.ndarray, threshold: int = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the ink, exclusive ends; None for an empty image."""
    ink = image >= threshold
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def crop_to_ink(image: np.ndarray) -> np.ndarray | None:
    box = ink_box(image)
    if box is None:
        return None
    top, left, bottom, right = box
    return image[top:bottom, left:right]


def fit_longer_side(cropped: np.ndarray, size: int = FIT_SIZE) -> np.ndarray:
    """Scale so the longer side is `size`, aspect kept; area-averaging when shrinking."""
    h, w = cropped.shape
    scale = size / max(h, w)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    fitted = Image.fromarray(to_float(cropped)).resize((new_w, new_h), resample)
    return np.asarray(fitted, dtype=np.float32).clip(0, 1)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the ink's centre of mass, in pixel-centre coordinates."""
    total = float(image.sum())
    rows, cols = np.indices(image.shape, dtype=np.float64)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def paste_by_centre_of_mass(fitted: np.ndarray, size: int = FIELD_SIZE) -> np.ndarray:
    """Place `fitted` in a size x size field with its centre of mass at the field's centre.

    Sub-pixel placement (bilinear) puts the centre within a hundredth of a pixel,
    where MNIST's integer shift could be half a pixel off.
    """
    cy, cx = centre_of_mass(fitted)
    target = (size - 1) / 2  # 13.5: the centre of a 28-pixel field in pixel-centre coordinates
    dy, dx = target - cy, target - cx
    # Image.transform maps output (x, y) to input (x - dx, y - dy).
    moved = Image.fromarray(fitted).transform(
        (size, size), Image.Transform.AFFINE, (1, 0, -dx, 0, 1, -dy), resample=Image.Resampling.BILINEAR
    )
    return np.asarray(moved, dtype=np.float32).clip(0, 1)


def downscale_whole(image: np.ndarray, size: int = FIELD_SIZE) -> np.ndarray:
    """Centring off: the whole canvas shrunk to 28x28, wherever and however large the ink is."""
    shrunk = Image.fromarray(to_float(image)).resize((size, size), Image.Resampling.BOX)
    return np.asarray(shrunk, dtype=np.float32).clip(0, 1)


def to_float(image: np.ndarray) -> np.ndarray:
    if image.dtype == np.uint8:
        return image.astype(np.float32) / 255.0
    return image.astype(np.float32)


def preprocess_steps(canvas: np.ndarray, centre: bool = True) -> Steps | None:
    """Run the recipe on a grey canvas (ink high). None when there is no ink."""
    if canvas.ndim != 2:
        raise ValueError(f"expected a 2-D grey image, found shape {canvas.shape}")
    cropped = crop_to_ink(canvas)
    if cropped is None:
        return None
    cropped_f = to_float(cropped)
    if not centre:
        return Steps(cropped=cropped_f, fitted=cropped_f, input_28=downscale_whole(canvas), centred=False)
    fitted = fit_longer_side(cropped)
    return Steps(cropped=cropped_f, fitted=fitted, input_28=paste_by_centre_of_mass(fitted), centred=True)


def preprocess(canvas: np.ndarray, centre: bool = True) -> np.ndarray | None:
    """Canvas -> (28, 28) float32 in [0, 1], or None for an empty canvas."""
    steps = preprocess_steps(canvas, centre)
    return None if steps is None else steps.input_28


def timed_preprocess(canvas: np.ndarray, centre: bool = True) -> tuple[np.ndarray | None, float]:
    started = time.perf_counter()
    input_28 = preprocess(canvas, centre)
    return input_28, (time.perf_counter() - started) * 1000


def is_dark_on_light(grey: np.ndarray) -> bool:
    """Paper is whatever fills the border: light paper means dark ink, to be inverted."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return float(np.median(border)) > 127


IMAGE_KINDS = "PNG, JPEG, BMP, GIF, TIFF or WebP"  # what the user is told mnistviz opens

_log = logging.getLogger(__name__)


def load_drawing(path: str | Path) -> np.ndarray:
    """Any image Pillow reads, photos and scans included -> the digit as a 280 x 280 grey
    uint8 canvas with ink high (MNIST polarity). See `load_photo` and mnistviz.photo."""
    return load_photo(path).ink


def load_photo(path: str | Path):
    """An image file -> mnistviz.photo.PhotoSteps: the digit's ink fitted into a canvas,
    with the intermediate steps (photo grey, paper removed) for display.

    EXIF orientation is applied, large pictures are decoded at reduced size, the paper
    (light or dark, unevenly lit) is removed and the digit's own components kept.
    Raises `ImageInputError` with a message in the user's words (also when no digit
    stands out); the library's own words go to the log.
    """
    from mnistviz.photo import decode, extract_ink

    path = Path(path)
    limit = f"{MAX_PIXELS / 1e6:g} megapixels"
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageInputError(
                    f"{path.name} is too large to open: {width} × {height} pixels "
                    f"({width * height / 1e6:.3g} megapixels); mnistviz opens pictures of up to {limit}."
                )
            if width == 0 or height == 0:
                raise ImageInputError(f"{path.name} is empty: the picture has no pixels.")
            grey, decoded_size = decode(image)
    except FileNotFoundError:
        raise ImageInputError(f"{path.name} was not found in {path.parent}: "
                              "it may have been moved, renamed or deleted.") from None
    except IsADirectoryError:
        raise ImageInputError(f"{path.name} is a folder, not an image file.") from None
    except PermissionError:
        raise ImageInputError(f"{path.name} cannot be opened: this user account is not allowed to read it.") from None
    except Image.DecompressionBombError as exc:  # larger still than our own limit: refused while opening
        _log.info("refused %s: %s", path, exc)
        raise ImageInputError(f"{path.name} is too large to open; mnistviz opens pictures of up to {limit}.") from None
    except UnidentifiedImageError as exc:
        _log.info("cannot open %s: %s", path, exc)
        raise ImageInputError(f"{path.name} is not an image file mnistviz can open "
                              f"(a picture such as {IMAGE_KINDS}).") from None
    except (OSError, ValueError) as exc:  # e.g. a file cut short while copying
        _log.info("cannot read %s: %s", path, exc)
        raise ImageInputError(f"{path.name} could not be read: the file may be damaged or incomplete. "
                              "Try saving the picture again.") from None
    return extract_ink(grey, path.name, decoded_size)


def fit_into(image: np.ndarray, size: int, margin: float = 0.1) -> np.ndarray:
    """Scale a grey image (ink high) to fit a size x size canvas with a margin, centred."""
    h, w = image.shape
    inner = size * (1 - 2 * margin)
    scale = inner / max(h, w)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    scaled = np.asarray(Image.fromarray(image).resize((new_w, new_h), resample), dtype=np.uint8)
    out = np.zeros((size, size), dtype=np.uint8)
    top, left = (size - new_h) // 2, (size - new_w) // 2
    out[top : top + new_h, left : left + new_w] = scaled
    return out
