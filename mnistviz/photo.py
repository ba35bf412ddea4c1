"""Ink from a photo or scan of paper: the digit, white on black, in a 280 x 280 canvas.

A photo of a digit is not a drawing: the paper is grey, tinted or dark, the light is
uneven, there are shadows, page edges and specks. The steps, numpy and Pillow only:

1. decode at reduced size (JPEG draft, integer reduce) after applying EXIF orientation,
   and turn any mode (16-bit, float, palette, transparency) into grey in [0, 1];
2. decide which way round the ink is (dark on light paper, or light on dark): ink is the
   rarer extreme once the paper's slow changes are removed;
3. estimate the paper (a closing at a coarse scale: strokes vanish, light and shadows
   stay) and divide it out, so ink strength no longer depends on the light;
4. threshold adaptively (Otsu, but never inside the paper's own noise) and keep strokes
   soft: strength = (paper - pixel) / (paper - ink level), clipped to [0, 1];
5. keep the connected components that make a digit (the largest and those near it),
   dropping specks and long thin edges along the border;
6. fit the digit's own box into the canvas with a margin.

No credible digit (blank page, noise, ink everywhere) raises `NoDigitError` (an
`ImageInputError`) saying which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

# preprocess imports this module only inside its functions, so there is no import cycle.
from mnistviz.preprocess import ImageInputError, fit_into

WORK_SIZE = 768  # the longer side the photo is analysed at (decoded at least...
DRAFT_FRACTION = 0.9  # ...this fraction of it)
STEP_SIZE = 280  # the longer side of the step images kept for display
CANVAS = 280
MARGIN = 0.1
GRID = 32  # paper estimate: blocks per longer side...
CLOSE_RADIUS = 2  # ...and the closing's radius in blocks (strokes up to ~5 blocks wide vanish)
MIN_CONTRAST = 0.12  # ink must be at least this much darker than its paper (fraction of paper)
NOISE_SIGMAS = 5.0
MAX_INK_FRACTION = 0.35  # more "ink" than this is not a digit on paper


@dataclass(frozen=True)
class PhotoSteps:
    """One photo's way to the canvas; step images are small float32 in [0, 1]."""

    grey: np.ndarray  # the photo in grey, as decoded (orientation applied)
    paper_removed: np.ndarray  # ink strength before selecting the digit (paper = 0)
    ink: np.ndarray  # uint8, ink high, what goes on the canvas: a photo's digit fitted into 280 x 280;
    # a clean drawing (flat paper, no noise) keeps its own size and layout
    light_paper: bool  # dark ink on light paper (False: light ink on dark paper)
    decoded_size: tuple[int, int]  # (width, height) the file was decoded at
    # Where the kept digit is, as fractions (top, left, bottom, right) of the picture: the
    # rest of paper_removed (specks, edges) was left out. None for a clean drawing.
    digit_box: tuple[float, float, float, float] | None = None


# Why no digit was found, in the user's words (after "No digit found in page.jpg: ").
BLANK = "the page looks blank, no ink stands out from the paper."
TOO_NOISY = "the picture is too noisy to tell ink from paper."
TOO_SMALL = "the picture is too small to hold a digit."
TOO_BUSY = "ink seems to be everywhere: the picture is too busy or too noisy to tell ink from paper."
ONLY_SPECKS = "only specks, edges or noise stand out, nothing the size of a digit."


class NoDigitError(ImageInputError):
    """The picture was read, but no credible digit stands out of it: the window says so
    rather than guessing."""


def no_digit(name: str, reason: str = BLANK) -> NoDigitError:
    return NoDigitError(f"No digit found in {name}: {reason}")


# ---------------------------------------------------------------- decoding


def decode(image: Image.Image, work_size: int = WORK_SIZE) -> tuple[np.ndarray, tuple[int, int]]:
    """An opened (not yet loaded) image -> grey float32 in [0, 1], longer side about work_size.

    JPEGs are decoded at a reduced scale (Image.draft) so a 49-megapixel photo takes a few
    megabytes; other formats are reduced right after decoding.
    """
    width, height = image.size
    if image.format == "JPEG" and max(width, height) > 2 * work_size:
        # Draft scales by 1/2, 1/4 or 1/8, never below the size asked for: asking for 90 % of
        # work_size decodes a 4000-px phone photo at 1000 px (2.7 s -> 0.7 s), not 2000.
        scale = DRAFT_FRACTION * work_size / max(width, height)
        image.draft("L" if image.mode in ("L", "RGB", "YCbCr") else image.mode,
                    (math.ceil(width * scale), math.ceil(height * scale)))
    image = ImageOps.exif_transpose(image)  # loads; a rotated copy when the tag asks for it
    grey = to_grey(image, work_size)
    return grey, (image.width, image.height)


def _reduce(image: Image.Image, work_size: int) -> Image.Image:
    """Down to about work_size (area-averaged): the analysis costs grow with the pixels, and
    every radius in it is relative to the picture's size."""
    longer = max(image.size)
    if longer <= work_size * 1.1:
        return image
    factor = longer // work_size
    if factor >= 2:
        image = image.reduce(factor)  # integer steps first: quick, and exact block means
    scale = work_size / max(image.size)
    if scale >= 0.95:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BOX)


def to_grey(image: Image.Image, work_size: int = WORK_SIZE) -> np.ndarray:
    """Any Pillow mode -> grey float32 in [0, 1], dark = dark. Transparency becomes paper
    of the opposite shade to the opaque strokes (white behind dark strokes)."""
    mode = image.mode
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
        rgba = _reduce(image.convert("RGBA"), work_size)
        alpha = np.asarray(rgba.getchannel("A"), dtype=np.float32) / 255.0
        grey = np.asarray(rgba.convert("L"), dtype=np.float32) / 255.0
        opaque = grey[alpha > 0.5]
        paper = 1.0 if opaque.size == 0 or np.median(opaque) <= 0.5 else 0.0
        return (grey * alpha + paper * (1 - alpha)).astype(np.float32)
    if mode.startswith("I;16") or mode in ("I", "F"):
        if mode.startswith("I;16"):
            image = image.convert("I")
        image = _reduce(image, work_size)
        values = np.asarray(image, dtype=np.float64)
        finite = values[np.isfinite(values)]
        top = float(finite.max()) if finite.size else 0.0
        if mode == "F":
            scale = 1.0 if top <= 1.0 else top
        else:
            scale = 255.0 if top <= 255 else 65535.0 if top <= 65535 else top
        values = np.nan_to_num(values, nan=0.0, posinf=scale, neginf=0.0)
        return (values / scale).clip(0, 1).astype(np.float32)
    grey = _reduce(image.convert("L"), work_size)
    return np.asarray(grey, dtype=np.float32) / 255.0


# ---------------------------------------------------------------- small numpy filters


def _window(grid: np.ndarray, radius: int) -> np.ndarray:
    padded = np.pad(grid, radius, mode="edge")
    return np.lib.stride_tricks.sliding_window_view(padded, (2 * radius + 1, 2 * radius + 1))


def _blocks(image: np.ndarray, block: int, reduce) -> np.ndarray:
    h, w = image.shape
    gh, gw = math.ceil(h / block), math.ceil(w / block)
    padded = np.pad(image, ((0, gh * block - h), (0, gw * block - w)), mode="edge")
    return reduce(padded.reshape(gh, block, gw, block), axis=(1, 3))


def _upsample(grid: np.ndarray, block: int, shape: tuple[int, int]) -> np.ndarray:
    gh, gw = grid.shape
    up = Image.fromarray(grid.astype(np.float32), "F").resize((gw * block, gh * block), Image.Resampling.BILINEAR)
    return np.asarray(up, dtype=np.float32)[: shape[0], : shape[1]]


def paper_estimate(grey: np.ndarray, block: int) -> np.ndarray:
    """The light paper under dark ink: block maxima, closed (max then min) over a few blocks,
    smoothed, back at full size. Strokes narrower than the closing disappear; gradients and
    shadows larger than it remain."""
    grid = _blocks(grey, block, np.max)
    grid = _window(grid, CLOSE_RADIUS).max(axis=(-2, -1))
    grid = _window(grid, CLOSE_RADIUS).min(axis=(-2, -1))
    grid = _window(grid, 1).mean(axis=(-2, -1))
    return _upsample(grid, block, grey.shape)


def dark_ink_on_light(grey: np.ndarray) -> bool:
    """Ink is the rarer extreme: once the light's slow changes are taken out (a coarse
    median over quarters of the picture, which a minority of ink of either shade does not
    move and which follows a gradient exactly), the darkest few pixels lie further below
    the paper than the lightest lie above it when the ink is dark."""
    h, w = grey.shape
    block = max(2, math.ceil(max(h, w) / 4))
    grid = _blocks(grey, block, np.median)
    grid = np.median(_window(grid, 1), axis=(-2, -1))
    flat = (grey - _upsample(grid, block, grey.shape)).ravel()
    k = max(4, flat.size // 2000)
    darkest = float(np.partition(flat, k)[:k].mean())
    lightest = float(np.partition(flat, flat.size - k)[-k:].mean())
    return bool(-darkest >= lightest)


def otsu(values: np.ndarray, bins: int = 256) -> float:
    """Otsu's threshold of values in [0, 1]."""
    hist, edges = np.histogram(values, bins=bins, range=(0.0, 1.0))
    hist = hist.astype(np.float64)
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(hist)
    w1 = w0[-1] - w0
    m0 = np.cumsum(hist * centres)
    mean0 = m0 / np.maximum(w0, 1)
    mean1 = (m0[-1] - m0) / np.maximum(w1, 1)
    between = w0 * w1 * (mean0 - mean1) ** 2
    return float(centres[int(np.argmax(between))])


# ---------------------------------------------------------------- components


@dataclass
class Component:
    label: int
    area: int
    mass: float
    top: int
    left: int
    bottom: int  # exclusive
    right: int  # exclusive


def label_components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected components of a boolean mask by row runs and union-find."""
    h, w = mask.shape
    parent: list[int] = [0]

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    runs_rows, runs_start, runs_end, runs_label = [], [], [], []
    prev: list[tuple[int, int, int]] = []
    padded = np.zeros(w + 2, np.int8)
    for y in range(h):
        padded[1:-1] = mask[y]
        edges = np.flatnonzero(np.diff(padded))
        starts, ends = edges[0::2], edges[1::2]
        current = []
        j = 0
        for s, e in zip(starts.tolist(), ends.tolist()):
            label = 0
            while j < len(prev) and prev[j][1] < s:  # previous run ends before this one starts (8-conn)
                j += 1
            k = j
            while k < len(prev) and prev[k][0] <= e:  # previous run starts within reach
                other = find(prev[k][2])
                if label == 0:
                    label = other
                elif other != label:
                    parent[max(other, label)] = min(other, label)
                    label = min(other, label)
                k += 1
            if label == 0:
                label = len(parent)
                parent.append(label)
            current.append((s, e, label))
            runs_rows.append(y)
            runs_start.append(s)
            runs_end.append(e)
            runs_label.append(label)
        prev = current
    labels = np.zeros((h, w), np.int32)
    roots = {}
    for y, s, e, label in zip(runs_rows, runs_start, runs_end, runs_label):
        root = find(label)
        labels[y, s:e] = roots.setdefault(root, len(roots) + 1)
    return labels, len(roots)


def components(labels: np.ndarray, count: int, strength: np.ndarray) -> list[Component]:
    if count == 0:
        return []
    flat = labels.ravel()
    area = np.bincount(flat, minlength=count + 1)
    mass = np.bincount(flat, weights=strength.ravel(), minlength=count + 1)
    rows, cols = np.indices(labels.shape)
    found = []
    big = np.iinfo(np.int64).max
    top = np.full(count + 1, big)
    left = np.full(count + 1, big)
    bottom = np.zeros(count + 1, np.int64)
    right = np.zeros(count + 1, np.int64)
    np.minimum.at(top, flat, rows.ravel())
    np.minimum.at(left, flat, cols.ravel())
    np.maximum.at(bottom, flat, rows.ravel() + 1)
    np.maximum.at(right, flat, cols.ravel() + 1)
    for label in range(1, count + 1):
        found.append(Component(label, int(area[label]), float(mass[label]), int(top[label]),
                               int(left[label]), int(bottom[label]), int(right[label])))
    return found


def is_border_thing(c: Component, shape: tuple[int, int]) -> bool:
    """A page edge, the table, a shadow's rim: touches the border and is long, thin, huge or
    sparse; or a long straight edge right across the picture."""
    h, w = shape
    edge = max(2, round(0.025 * max(h, w)))
    ch, cw = c.bottom - c.top, c.right - c.left
    touches = c.top < edge or c.left < edge or c.bottom > h - edge or c.right > w - edge
    if touches:
        long_thin = max(ch, cw) > 3 * max(1, min(ch, cw))
        huge = ch > 0.9 * h or cw > 0.9 * w  # right across: a digit filling a tight crop is not
        sparse = c.area < 0.1 * ch * cw
        if long_thin or huge or sparse:
            return True
    return max(ch / h, cw / w) > 0.5 and max(ch, cw) > 8 * max(1, min(ch, cw))


def select_digit(found: list[Component], shape: tuple[int, int]) -> list[Component]:
    """The components that make the digit: the heaviest credible one and those near it."""
    h, w = shape
    candidates = [c for c in found if not is_border_thing(c, shape)]
    if not candidates:
        return []
    main = max(candidates, key=lambda c: c.mass)
    size = max(main.bottom - main.top, main.right - main.left)
    if main.area < max(25, 2e-5 * h * w):
        return []
    kept = [main]
    box = [main.top, main.left, main.bottom, main.right]
    changed = True
    while changed:  # parts of a broken stroke join the digit if near its box so far
        changed = False
        for c in candidates:
            if c in kept or c.mass < 0.04 * main.mass:
                continue
            gap_y = max(box[0] - c.bottom, c.top - box[2], 0)
            gap_x = max(box[1] - c.right, c.left - box[3], 0)
            if max(gap_y, gap_x) <= 0.25 * size:
                merged = [min(box[0], c.top), min(box[1], c.left), max(box[2], c.bottom), max(box[3], c.right)]
                if max(merged[2] - merged[0], merged[3] - merged[1]) > 1.6 * size:
                    continue  # would make the digit much larger: something else on the page
                kept.append(c)
                box = merged
                changed = True
    return kept


def _dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    out = mask.copy()
    for _ in range(radius):
        grown = out.copy()
        grown[1:] |= out[:-1]
        grown[:-1] |= out[1:]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        out = grown
    return out


def _box(image: np.ndarray, radius: int) -> np.ndarray:
    """Mean over a (2r+1)^2 square, edges repeated: separable moving sums by cumulative
    sums along each axis (float64, so wide boxes do not drift)."""
    out = np.asarray(image, dtype=np.float32)
    k = 2 * radius + 1
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (radius + 1, radius)
        sums = np.pad(out, pad, mode="edge").cumsum(axis=axis, dtype=np.float64)
        if axis == 0:
            out = ((sums[k:] - sums[:-k]) / k).astype(np.float32)
        else:
            out = ((sums[:, k:] - sums[:, :-k]) / k).astype(np.float32)
    return out


def _small(image: np.ndarray, size: int = STEP_SIZE) -> np.ndarray:
    h, w = image.shape
    scale = size / max(h, w)
    if scale >= 1:
        return image.astype(np.float32)
    shrunk = Image.fromarray(image.astype(np.float32), "F").resize(
        (max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BOX)
    return np.asarray(shrunk, dtype=np.float32).clip(0, 1)


# ---------------------------------------------------------------- the extraction


def clean_drawing(grey: np.ndarray, name: str, decoded_size) -> PhotoSteps | None:
    """A drawing made on a computer, not a photo: half the picture or more is exactly white
    (or black): flat paper, no noise. Its own pixels and layout are kept (ink high), so
    centring on/off shows what it does. None for anything else."""
    levels = np.round(grey * 255).astype(np.int32).clip(0, 255)
    counts = np.bincount(levels.ravel(), minlength=256)
    paper = int(np.argmax(counts))
    if counts[paper] < 0.5 * levels.size or 5 < paper < 250:  # white or black, exactly: not a photo
        return None
    light = paper > 127
    if light:
        ink = (paper - levels).clip(0, None) * 255 / max(paper, 1)
    else:
        ink = (levels - paper).clip(0, None) * 255 / max(255 - paper, 1)
    ink = ink.round().astype(np.uint8)
    if ink.max() < 32:  # nothing but paper
        raise no_digit(name)
    return PhotoSteps(grey=_small(grey), paper_removed=_small(ink.astype(np.float32) / 255), ink=ink,
                      light_paper=light, decoded_size=decoded_size)


def _separate(work: np.ndarray, paper: np.ndarray, radius: int, ignore: np.ndarray | None = None):
    """Ink darkness relative to the paper, its smoothed version (noise and graphite grain
    averaged), and per pixel the adaptive threshold (Otsu, but never inside the paper's own
    noise, which is relatively larger where the paper is darker) and the noise floor."""
    safe = np.maximum(paper, 0.05)
    darkness = (paper - work) / safe  # the fraction of the paper's light the ink takes
    residual = _box(paper - work, radius)  # in grey levels: sensor noise is about the same everywhere
    sample = residual[::2, ::2]  # a quarter of the pixels: the same noise figures, a quarter of the sorting
    base = float(np.median(sample))
    sigma = 1.4826 * float(np.median(np.abs(sample - base)))
    darkness = darkness - base / safe
    smooth = (residual - base) / safe
    floor = np.maximum(MIN_CONTRAST, NOISE_SIGMAS * sigma / safe)
    candidates = smooth > floor / 2
    if ignore is not None:
        candidates &= ~ignore
    values = smooth[candidates].clip(0, 1)
    t = np.maximum(otsu(values) if values.size else 1.0, floor)
    return darkness, smooth, t, floor


def border_things(smooth: np.ndarray, floor: float, grow: int) -> np.ndarray:
    """Where page edges, the table and shadow rims are: kept out of the threshold."""
    h, w = smooth.shape
    f = max(1, math.ceil(max(h, w) / 512))  # at a coarser scale: quicker, and noise matters less
    mask = smooth > floor
    mask = _blocks(mask.astype(np.float32), f, np.max) > 0 if f > 1 else mask
    labels, count = label_components(mask)
    found = [c.label for c in components(labels, count, mask.astype(np.float32))
             if is_border_thing(c, mask.shape)]
    if not found:
        return np.zeros((h, w), bool)
    coarse = np.isin(labels, found)
    return _dilate(np.repeat(np.repeat(coarse, f, axis=0), f, axis=1)[:h, :w], grow)


def extract_ink(grey: np.ndarray, name: str = "the picture", decoded_size: tuple[int, int] | None = None,
                canvas: int = CANVAS, margin: float = MARGIN) -> PhotoSteps:
    """Grey photo (float in [0, 1], dark = dark) -> the digit as a canvas. Raises
    ImageInputError when no credible digit stands out."""
    grey = np.asarray(grey, dtype=np.float32)
    h, w = grey.shape
    if decoded_size is None:
        decoded_size = (w, h)
    if min(h, w) < 4:
        raise no_digit(name, TOO_SMALL)
    drawing = clean_drawing(grey, name, decoded_size)
    if drawing is not None:
        return drawing
    block = max(2, math.ceil(max(h, w) / GRID))
    light = dark_ink_on_light(grey)
    work = grey if light else 1.0 - grey
    radius = max(1, round(max(h, w) / 500))
    paper = paper_estimate(work, block)
    darkness, smooth, t, floor = _separate(work, paper, radius)
    # Second look at the paper: its local mean around the ink found so far follows blotches,
    # gradients and shadow edges more closely than the closing's upper envelope.
    # Twice: the second time with the ink found against the better paper.
    closing = paper
    for _ in range(2):
        level = floor  # all that stands out of the paper's noise is kept out of the paper's mean
        first = _dilate(smooth > level, max(1, block // 4))
        weight = (~first).astype(np.float32)
        paper = closing
        for size in (4 * block, block):  # the wider mean where the narrow one sees no paper
            total = _box(weight, size)
            local = _box(work * weight, size) / np.maximum(total, 1e-6)
            paper = np.where(total > 0.1, local, paper).astype(np.float32)
        darkness, smooth, t, floor = _separate(work, paper, radius)
    ignore = border_things(smooth, floor, radius)
    if ignore.any():
        darkness, smooth, t, floor = _separate(work, paper, radius, ignore)
    mask = (smooth > t) & ~ignore
    if not mask.any():  # nothing stands out of the paper's own noise: was there much of it?
        raise no_digit(name, TOO_NOISY if float(np.median(floor)) > 1.5 * MIN_CONTRAST else BLANK)
    if mask.mean() > MAX_INK_FRACTION:
        raise no_digit(name, TOO_BUSY)
    ink_level = max(float(np.percentile(smooth[mask], 90)), float(np.median(t[mask])) + 1e-3)
    low = np.minimum(floor * 0.6, t)
    # Soft strokes from the smoothed darkness: graphite grain and sensor noise averaged out.
    strength = ((smooth - low) / np.maximum(ink_level - low, 1e-3)).clip(0, 1).astype(np.float32)
    join = max(1, round(max(h, w) / 250))  # fragments of a grainy or broken stroke join up
    labels, count = label_components(_dilate(mask, join))
    labels = np.where(mask, labels, 0)
    kept = select_digit(components(labels, count, strength), (h, w))
    if not kept:
        raise no_digit(name, ONLY_SPECKS)
    keep = np.isin(labels, [c.label for c in kept])
    region = _dilate(keep, max(1, round(max(h, w) / 400)))
    digit = np.where(region, strength, 0.0)
    top, left = min(c.top for c in kept), min(c.left for c in kept)
    bottom, right = max(c.bottom for c in kept), max(c.right for c in kept)
    pad = max(1, round(max(h, w) / 400))
    top, left, bottom, right = max(0, top - pad), max(0, left - pad), min(h, bottom + pad), min(w, right + pad)
    crop = (digit[top:bottom, left:right] * 255).round().astype(np.uint8)
    ink = fit_into(crop, canvas, margin=margin)
    return PhotoSteps(grey=_small(grey), paper_removed=_small(strength), ink=ink, light_paper=light,
                      decoded_size=decoded_size, digit_box=(top / h, left / w, bottom / h, right / w))
