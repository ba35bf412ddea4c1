"""Realistic photos of handwritten digits on paper, made from MNIST digits: a benchmark
for reading photos (mnistviz.evaluate photos). Numpy and Pillow only; a fixed seed
gives the same files.

Each photo: a digit in dark ink (pen, faint pencil or thick marker) or light chalk on
paper of varied shade and tint, under a lighting gradient, sometimes a soft shadow, a
page edge with the table showing, specks; slight rotation and perspective, off-centre,
sometimes small in a large frame; noise, blur, JPEG compression, and sometimes stored
rotated with an EXIF orientation tag that restores it.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

# EXIF orientation -> the transpose that stores the pixels so that exif_transpose restores them.
STORE_FOR_ORIENTATION = {
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,  # exif_transpose applies ROTATE_270 for 6
    8: Image.Transpose.ROTATE_270,  # ...and ROTATE_90 for 8
}


CONDITIONS = ("pen", "pencil", "marker", "chalk", "light-paper", "grey-paper", "dark-paper", "tinted",
              "page-edge", "specks", "uneven-light", "shadow", "perspective", "blur", "small-digit",
              "exif-rotated")


@dataclass
class Photo:
    image: Image.Image  # RGB, as it should look once oriented
    label: int
    conditions: list[str] = field(default_factory=list)
    orientation: int = 1  # EXIF orientation to store with


def _digit_alpha(digit28: np.ndarray, size: int, ink: str, angle: float, rng) -> np.ndarray:
    """The digit's ink coverage in [0, 1], `size` px tall, rotated."""
    image = Image.fromarray(digit28)
    if ink == "marker":  # a thicker stroke: dilated by half a pixel of the 28-pixel digit
        image = image.resize((56, 56), Image.Resampling.BICUBIC).filter(ImageFilter.MaxFilter(3))
    image = image.resize((size, size), Image.Resampling.BICUBIC)
    image = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True)
    alpha = np.asarray(image, dtype=np.float32) / 255.0
    alpha = (alpha * 1.4).clip(0, 1) if ink != "pencil" else alpha.clip(0, 1)
    if ink == "pencil":  # graphite: grainy, uneven
        grain = Image.fromarray(rng.integers(153, 256, alpha.shape, dtype=np.uint8)).filter(ImageFilter.BoxBlur(1))
        grain = np.asarray(grain, dtype=np.float32) / 255.0
        alpha = alpha * grain
    return alpha


def _smooth_noise(shape, rng, scale: int) -> np.ndarray:
    h, w = shape
    small = rng.normal(0, 1, (max(2, h // scale), max(2, w // scale))).astype(np.float32)
    return np.asarray(Image.fromarray(small, "F").resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32)


def make_photo(digit28: np.ndarray, label: int, rng: np.random.Generator) -> Photo:
    conditions: list[str] = []
    width, height = int(rng.integers(640, 1400)), int(rng.integers(640, 1400))
    small = rng.random() < 0.15
    if small:
        width, height = int(rng.integers(1800, 3200)), int(rng.integers(1800, 3200))
        size = int(min(width, height) * rng.uniform(0.07, 0.13))
        conditions.append("small-digit")
    else:
        size = int(min(width, height) * rng.uniform(0.25, 0.65))
    ink = rng.choice(["pen", "pen", "pencil", "marker"])
    dark_paper = rng.random() < 0.12
    if dark_paper:
        ink = "chalk"
    conditions.append(str(ink))

    # Paper: shade and tint; dark boards for chalk.
    if dark_paper:
        shade = rng.uniform(0.08, 0.3)
        conditions.append("dark-paper")
    else:
        shade = rng.uniform(0.55, 0.97)
        conditions.append("grey-paper" if shade < 0.8 else "light-paper")
    tint = rng.uniform(0.82, 1.0, 3)
    tint /= tint.max()
    if tint.min() < 0.9:
        conditions.append("tinted")
    paper = np.ones((height, width, 3), np.float32) * (shade * tint)[None, None, :].astype(np.float32)
    paper *= (1 + 0.03 * _smooth_noise((height, width), rng, 64))[:, :, None]  # fibres, unevenness

    # Page edge: the table around part of the sheet.
    if rng.random() < 0.2:
        conditions.append("page-edge")
        table = (rng.uniform(0.15, 0.45) * rng.uniform(0.6, 1.0, 3)).astype(np.float32)
        side = rng.integers(4)
        cut = rng.uniform(0.03, 0.12)
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        slope = rng.uniform(-0.05, 0.05)
        if side == 0:
            outside = xs < cut * width + slope * ys
        elif side == 1:
            outside = xs > (1 - cut) * width + slope * ys
        elif side == 2:
            outside = ys < cut * height + slope * xs
        else:
            outside = ys > (1 - cut) * height + slope * xs
        paper[outside] = table
        edge_margin = cut
    else:
        edge_margin = 0.0

    # The digit, off-centre.
    angle = float(rng.uniform(-12, 12))
    alpha = _digit_alpha(digit28, size, ink, angle, rng)
    ah, aw = alpha.shape
    lo_y, lo_x = int(height * (edge_margin + 0.1)), int(width * (edge_margin + 0.1))
    hi_y, hi_x = max(lo_y + 1, int(height * (0.9 - edge_margin)) - ah), max(lo_x + 1, int(width * (0.9 - edge_margin)) - aw)
    top, left = int(rng.integers(lo_y, hi_y)), int(rng.integers(lo_x, hi_x))
    coverage = np.zeros((height, width), np.float32)
    coverage[top : top + ah, left : left + aw] = alpha[: height - top, : width - left]

    if ink == "chalk":
        colour = rng.uniform(0.8, 0.97) * np.ones(3, np.float32)
        strength = 0.9
    elif ink == "pencil":
        colour = np.full(3, shade * rng.uniform(0.3, 0.55), np.float32)  # graphite: grey, faint
        strength = rng.uniform(0.6, 0.85)
    else:
        colour = np.array([rng.uniform(0.02, 0.12), rng.uniform(0.02, 0.12), rng.uniform(0.05, 0.3)], np.float32)
        strength = 0.95
    a = (coverage * strength)[:, :, None]
    photo = paper * (1 - a) + colour[None, None, :] * a

    # Specks of dust or dirt.
    if rng.random() < 0.3:
        conditions.append("specks")
        for _ in range(int(rng.integers(3, 15))):
            y, x, r = int(rng.integers(height)), int(rng.integers(width)), int(rng.integers(1, 4))
            photo[max(0, y - r) : y + r, max(0, x - r) : x + r] *= rng.uniform(0.3, 0.8)

    # Light: a gradient across the sheet, sometimes a soft shadow.
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    theta = rng.uniform(0, 2 * math.pi)
    ramp = (math.cos(theta) * (xs / width - 0.5) + math.sin(theta) * (ys / height - 0.5))
    amount = rng.uniform(0.05, 0.45)
    light = 1 + amount * ramp
    if amount > 0.25:
        conditions.append("uneven-light")
    if rng.random() < 0.35:
        conditions.append("shadow")
        phi = rng.uniform(0, 2 * math.pi)
        offset = rng.uniform(0.15, 0.45)
        distance = math.cos(phi) * (xs / width - 0.5) + math.sin(phi) * (ys / height - 0.5) - offset
        soft = rng.uniform(0.03, 0.12)
        inside = 1 / (1 + np.exp(-distance / soft))
        light *= 1 - rng.uniform(0.25, 0.5) * inside
    photo = photo * light[:, :, None]

    image = Image.fromarray((photo.clip(0, 1) * 255).round().astype(np.uint8), "RGB")

    # Perspective: the phone not quite above the sheet.
    if rng.random() < 0.6:
        conditions.append("perspective")
        k = rng.uniform(-0.06, 0.06, 2) / np.array([width, height])
        coeffs = (1, rng.uniform(-0.03, 0.03), 0, rng.uniform(-0.03, 0.03), 1, 0, k[0], k[1])
        image = image.transform((width, height), Image.Transform.PERSPECTIVE, coeffs,
                                resample=Image.Resampling.BILINEAR)
        c = 0.08  # the camera sees only the inside: no empty corners from the warp
        image = image.crop((round(c * width), round(c * height), round((1 - c) * width), round((1 - c) * height)))
        image = image.resize((width, height), Image.Resampling.BILINEAR)
    blur = rng.uniform(0, 1.8) * max(width, height) / 1000
    if blur > 0.3:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if blur > 1.2:
        conditions.append("blur")
    noisy = np.asarray(image, dtype=np.float32) + rng.normal(0, rng.uniform(2, 9), (height, width, 1)).astype(np.float32)
    image = Image.fromarray(noisy.clip(0, 255).round().astype(np.uint8), "RGB")

    orientation = 1
    if rng.random() < 0.15:
        orientation = int(rng.choice([3, 6, 8]))
        conditions.append("exif-rotated")
    return Photo(image, int(label), conditions, orientation)


def save_photo(photo: Photo, path: Path, rng: np.random.Generator) -> None:
    """JPEG of varied quality; rotated pixels with the EXIF tag that restores them."""
    image = photo.image
    exif = Image.Exif()
    if photo.orientation != 1:
        image = image.transpose(STORE_FOR_ORIENTATION[photo.orientation])
        exif[0x0112] = photo.orientation
    image.save(path, "JPEG", quality=int(rng.integers(55, 95)), exif=exif.tobytes())


def generate(images: np.ndarray, labels: np.ndarray, out: str | Path, count: int = 200,
             seed: int = 0) -> list[tuple[Path, int, list[str]]]:
    """Write `count` photos into `out`; returns (path, label, conditions) for each."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(images), size=count, replace=False)
    written = []
    for n, index in enumerate(chosen):
        photo = make_photo(images[index], int(labels[index]), rng)
        path = out / f"photo_{n:04d}_{photo.label}.jpg"
        save_photo(photo, path, rng)
        written.append((path, photo.label, photo.conditions))
    return written


def jpeg_bytes(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
