"""MNIST digits turned into pen strokes, as a student would draw them on the canvas.

Numpy and Pillow only. A digit is upsampled, thinned to a one-pixel skeleton
(Zhang–Suen), and the skeleton traced into polylines: the pen's path. From there

- `canvas_pool` redraws training digits with a uniform round brush of varied width,
  slant, size and a small elastic wobble, then runs the app's own preprocessing, so
  training sees exactly the kind of 28x28 input the app feeds the network;
- `drawn_digit_drawing` places a digit's strokes on the 280x280 canvas at a random
  size and position with the default brush, as a `mnistviz.drawing.Drawing` for the
  canvas's own renderer (the drawn-digit benchmark, `mnistviz.evaluate strokes`).
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from mnistviz.preprocess import preprocess

UPSAMPLE = 4  # thin at 112x112: a 28-pixel skeleton is too coarse to draw smooth curves
INK_LEVEL = 0.35  # upsampled grey above this is ink before thinning
CANVAS_SIZE = 280
DEFAULT_BRUSH = 18.0  # the canvas's pen width at pressure 1.0


def _interpolation_matrix(size: int, factor: int) -> np.ndarray:
    """(size*factor, size) linear interpolation between pixel centres (edges clamped)."""
    out = size * factor
    pos = (np.arange(out) + 0.5) / factor - 0.5
    lo = np.clip(np.floor(pos).astype(int), 0, size - 1)
    hi = np.clip(lo + 1, 0, size - 1)
    frac = np.clip(pos - np.floor(pos), 0, 1)
    frac[pos < 0] = 0
    matrix = np.zeros((out, size), dtype=np.float32)
    matrix[np.arange(out), lo] += 1 - frac
    matrix[np.arange(out), hi] += frac
    return matrix


def upsampled_ink(images: np.ndarray, factor: int = UPSAMPLE) -> np.ndarray:
    """(N, 28, 28) uint8 -> (N, 28*factor, 28*factor) bool ink, smoothly upsampled."""
    images = np.asarray(images, dtype=np.float32) / 255.0
    rows = _interpolation_matrix(images.shape[1], factor)
    cols = _interpolation_matrix(images.shape[2], factor)
    return np.matmul(np.matmul(rows, images), cols.T) > INK_LEVEL


def _removal_table(first: bool) -> np.ndarray:
    """Zhang–Suen's rule for every 8-neighbourhood, indexed by its bit code (N=bit 0,
    then clockwise: NE, E, SE, S, SW, W, NW)."""
    table = np.zeros(256, dtype=bool)
    for code in range(256):
        n, ne, e, se, s, sw, w, nw = ((code >> k) & 1 for k in range(8))
        ring = (n, ne, e, se, s, sw, w, nw, n)
        count = n + ne + e + se + s + sw + w + nw
        transitions = sum(a == 0 and b == 1 for a, b in zip(ring[:-1], ring[1:]))
        side = (n * e * s == 0 and e * s * w == 0) if first else (n * e * w == 0 and n * s * w == 0)
        table[code] = 2 <= count <= 6 and transitions == 1 and side
    return table


_REMOVE = (_removal_table(True), _removal_table(False))


def thin(ink: np.ndarray) -> np.ndarray:
    """Zhang–Suen thinning of a bool image or a batch (N, H, W): one-pixel-wide skeletons."""
    batch = ink[None] if ink.ndim == 2 else ink
    image = np.pad(batch.astype(np.uint8), ((0, 0), (1, 1), (1, 1)))
    active = np.arange(len(image))  # thick digits take more passes: only those still thinning
    while active.size:
        still = np.zeros(len(image), dtype=bool)
        for table in _REMOVE:
            p = image[active]
            code = (p[:, :-2, 1:-1] | p[:, :-2, 2:] << 1 | p[:, 1:-1, 2:] << 2 | p[:, 2:, 2:] << 3
                    | p[:, 2:, 1:-1] << 4 | p[:, 2:, :-2] << 5 | p[:, 1:-1, :-2] << 6 | p[:, :-2, :-2] << 7)
            remove = table[code] & (p[:, 1:-1, 1:-1] == 1)
            p[:, 1:-1, 1:-1][remove] = 0
            image[active] = p
            still[active] |= remove.any(axis=(1, 2))
        active = np.flatnonzero(still)
    skeleton = image[:, 1:-1, 1:-1].astype(bool)
    return skeleton[0] if ink.ndim == 2 else skeleton


_FORWARD = ((0, 1), (1, -1), (1, 0), (1, 1))  # each 8-neighbour pair is seen once


def trace(skeleton: np.ndarray, keep_every: int = 3) -> list[np.ndarray]:
    """A skeleton (H, W) bool -> polylines, each (k, 2) float [x, y] in pixel-centre units.

    Every skeleton pixel lies on some polyline and every link between 8-adjacent
    pixels is drawn once. A diagonal link is left out where a right-angle path joins
    the same two pixels (it would only thicken the corner). Walks start at line ends,
    then at junctions, so a stroke follows the digit's lines as a pen would. Only
    every `keep_every`-th point of a walk (and its last) is kept.
    """
    ys, xs = np.nonzero(skeleton)
    index = {(int(y), int(x)): i for i, (y, x) in enumerate(zip(ys, xs))}
    neighbours: list[list[int]] = [[] for _ in index]
    for (y, x), i in index.items():
        for dy, dx in _FORWARD:
            j = index.get((y + dy, x + dx))
            if j is None:
                continue
            if dy and dx and ((y + dy, x) in index or (y, x + dx) in index):
                continue
            neighbours[i].append(j)
            neighbours[j].append(i)
    degree = [len(n) for n in neighbours]
    starts = sorted(range(len(index)), key=lambda i: (degree[i] != 1, degree[i] <= 2, ys[i], xs[i]))
    used: set[tuple[int, int]] = set()
    polylines = []
    for start in starts:
        if degree[start] == 0:
            polylines.append([start])
            continue
        while True:
            path, current = [start], start
            while True:
                free = [j for j in neighbours[current] if (min(current, j), max(current, j)) not in used]
                if not free:
                    break
                nxt = free[0]
                used.add((min(current, nxt), max(current, nxt)))
                path.append(nxt)
                current = nxt
            if len(path) == 1:
                break
            polylines.append(path)
    return [_every(np.stack([xs[p], ys[p]], axis=1).astype(np.float64), keep_every) for p in polylines]


def _every(line: np.ndarray, step: int) -> np.ndarray:
    """Every step-th point and the last: smooths the pixel staircase, fewer points to draw."""
    if len(line) <= 2 or step <= 1:
        return line
    return np.concatenate([line[:-1:step], line[-1:]])


def digit_strokes(images: np.ndarray) -> list[list[np.ndarray]]:
    """(N, 28, 28) uint8 MNIST digits -> per digit its polylines, in upsampled pixels."""
    skeletons = []
    for start in range(0, len(images), 1000):  # batches keep the thinning's memory small
        skeletons.extend(thin(upsampled_ink(images[start : start + 1000])))
    return [trace(s) for s in skeletons]


def _bounds(polylines: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    points = np.concatenate(polylines)
    return points.min(0), points.max(0)


def wobble(polylines: list[np.ndarray], rng: np.random.Generator, amount: float) -> list[np.ndarray]:
    """A smooth random displacement (a few long sine waves) of `amount` x the digit's height."""
    low, high = _bounds(polylines)
    height = max(float(high[1] - low[1]), 1.0)
    waves = []
    for _ in range(3):
        direction = rng.normal(size=2)
        direction /= np.linalg.norm(direction) + 1e-9
        waves.append((direction * rng.uniform(0.5, 2.0) * 2 * math.pi / height, rng.uniform(0, 2 * math.pi),
                      rng.normal(size=2) * amount * height / math.sqrt(3)))
    out = []
    for line in polylines:
        moved = line.copy()
        for frequency, phase, offset in waves:
            moved += np.sin(line @ frequency + phase)[:, None] * offset[None, :]
        out.append(moved)
    return out


def distort(polylines: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Slant, rotation, width squeeze and an elastic wobble: how people's digits differ."""
    low, high = _bounds(polylines)
    centre = (low + high) / 2
    slant = rng.uniform(-0.35, 0.35)
    angle = math.radians(rng.uniform(-10, 10))
    squeeze = math.exp(rng.uniform(-0.25, 0.2))
    cos, sin = math.cos(angle), math.sin(angle)
    # x' = squeeze * (x + slant * y), then rotate; y grows downwards as on screen.
    matrix = np.array([[cos, -sin], [sin, cos]]) @ np.array([[squeeze, slant * squeeze], [0.0, 1.0]])
    moved = [(line - centre) @ matrix.T for line in polylines]
    return wobble(moved, rng, rng.uniform(0.0, 0.04))


def render_round_brush(polylines: list[np.ndarray], height: float, width: float) -> np.ndarray:
    """Draw the polylines scaled to `height` px tall with a round brush `width` px wide.

    Returns a grey uint8 image (ink 255 on 0) just large enough for the ink; rendered
    at 2x and area-averaged so edges are smooth like the canvas's antialiased pen.
    """
    low, high = _bounds(polylines)
    scale = 2 * height / max(float(high[1] - low[1]), 1.0)
    radius = width  # at 2x
    margin = radius + 4
    extent = (high - low) * scale + 2 * margin
    size = (int(math.ceil(extent[0] / 2)) * 2, int(math.ceil(extent[1] / 2)) * 2)
    image = Image.new("L", size, 0)
    draw = ImageDraw.Draw(image)
    for line in polylines:
        points = (line - low) * scale + margin
        flat = [tuple(p) for p in points.tolist()]
        if len(flat) > 1:
            draw.line(flat, fill=255, width=int(round(2 * radius)), joint="curve")
        for x, y in (flat[0], flat[-1]):  # round caps
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    half = image.resize((size[0] // 2, size[1] // 2), Image.Resampling.BOX)
    return np.asarray(half, dtype=np.uint8)


def canvas_variant(polylines: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """One canvas-like redrawing of a digit's strokes -> the app's 28x28 input (float32)."""
    moved = distort(polylines, rng)
    # Only the brush's width relative to the digit's height survives preprocessing: the
    # canvas's 18 px brush on a digit 100-240 px tall, times 0.6-1.5 for pressure and
    # tablets. Drawn 100 px tall, which keeps the rendering cheap.
    relative = DEFAULT_BRUSH / rng.uniform(100, 240) * math.exp(rng.uniform(math.log(0.6), math.log(1.5)))
    return preprocess(render_round_brush(moved, 100.0, 100.0 * relative))


def canvas_pool(images: np.ndarray, seed: int, variants: int = 1, progress=None) -> np.ndarray:
    """(N, 28, 28) uint8 digits -> (N * variants, 28, 28) float32 canvas-like inputs,
    variant v of digit i at row v * N + i (so labels repeat `variants` times)."""
    rng = np.random.default_rng(seed)
    out = np.zeros((variants * len(images), 28, 28), dtype=np.float32)
    for start in range(0, len(images), 1000):
        strokes = digit_strokes(images[start : start + 1000])
        for offset, polylines in enumerate(strokes):
            for v in range(variants):
                out[v * len(images) + start + offset] = canvas_variant(polylines, rng)
        if progress:
            progress(min(start + 1000, len(images)), len(images))
    return out


def drawn_digit_drawing(polylines: list[np.ndarray], rng: np.random.Generator,
                        brush: float = DEFAULT_BRUSH, size: int = CANVAS_SIZE):
    """A digit's strokes placed on the canvas as the app records them: its longer side
    40-85 % of the canvas (ink included), a random position inside it, pen strokes at
    pressure 1.0."""
    from mnistviz.drawing import Drawing, DrawnStroke

    low, high = _bounds(polylines)
    longer = rng.uniform(0.40, 0.85) * size
    scale = (longer - brush) / max(float((high - low).max()), 1.0)
    extent = (high - low) * scale
    room = np.maximum(size - brush - extent, 0)
    corner = brush / 2 + rng.uniform(0, 1, 2) * room
    strokes, clock = [], 0.0
    for line in polylines:
        xy = (line - low) * scale + corner
        times = clock + 8.0 * np.arange(len(xy))  # a point every 8 ms, as a mouse reports
        clock = float(times[-1]) + 150.0
        points = np.column_stack([xy, times, np.ones(len(xy))])
        strokes.append(DrawnStroke(tool="pen", width=brush, points=points))
    return Drawing(size=(size, size), strokes=tuple(strokes))
