"""Draw the app icon with Pillow: a handwritten "2" over the small viridis heatmap a
network might make of it. Writes, next to this repository's other assets:

    assets/icon.png    512 px (the window icon; Qt scales it down)
    assets/icon.ico    16, 24, 32, 48, 64, 128, 256 px (Windows executable)
    assets/icon.icns   16 ... 1024 px (macOS .app bundle)

    python scripts/make_icons.py          # rewrite the icons
    python scripts/make_icons.py --check  # exit 1 if any icon is missing

Everything is drawn at 1024 px and scaled down with a Lanczos filter, so edges stay
smooth; the smallest sizes (<= 32 px) leave out the grid gaps, which would only blur.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
MASTER = 1024
GRID = 7  # cells per side of the heatmap
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)

BACKGROUND = (20, 22, 34, 255)
INK = (255, 255, 255, 255)

# The "2", in a unit square (x right, y down): top arc, diagonal, base with a slight lift.
STROKE = [
    (0.27, 0.35), (0.32, 0.25), (0.41, 0.18), (0.53, 0.16), (0.64, 0.20), (0.70, 0.28),
    (0.69, 0.38), (0.62, 0.49), (0.51, 0.60), (0.40, 0.70), (0.30, 0.79), (0.28, 0.83),
    (0.40, 0.81), (0.54, 0.80), (0.67, 0.81), (0.76, 0.77),
]


def viridis() -> np.ndarray:
    """(256, 3) uint8: the same table the app uses (assets/colormaps.npz)."""
    with np.load(ASSETS / "colormaps.npz") as data:
        return data["viridis"]


def catmull_rom(points: list[tuple[float, float]], steps: int = 40) -> np.ndarray:
    """A smooth curve through the points: the stroke looks drawn, not plotted."""
    p = np.asarray([points[0], *points, points[-1]], dtype=float)
    t = np.linspace(0, 1, steps, endpoint=False)[:, None]
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3))
    out.append(p[-2][None, :])
    return np.concatenate(out)


def draw_stroke(size: int, box: tuple[float, float, float], width: float, fill) -> Image.Image:
    """The stroke as discs along the curve (round caps and joins, like a felt pen)."""
    x0, y0, span = box
    layer = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    curve = catmull_rom(STROKE)
    # A pen that presses a little harder in the middle of the stroke.
    pressure = 0.85 + 0.15 * np.sin(np.linspace(0, np.pi, len(curve)))
    r_all = width / 2 * pressure
    for (u, v), r in zip(curve, r_all):
        cx, cy = x0 + u * span, y0 + v * span
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)
    return layer


def heat_values() -> np.ndarray:
    """GRID x GRID values in [0, 1]: the stroke, blurred and pooled, as a conv map would see it."""
    fine = 28 * 8
    mask = draw_stroke(fine, (0, 0, fine), fine * 0.13, (255, 255, 255, 255)).split()[3]
    mask = mask.filter(ImageFilter.GaussianBlur(fine * 0.07))
    cells = np.asarray(mask.resize((GRID, GRID), Image.Resampling.BOX), dtype=float) / 255.0
    cells = cells / cells.max()
    return 0.06 + 0.94 * cells**1.4  # never fully dark: the grid stays visible


def rounded_square(size: int, margin: float, radius: float, fill) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(img).rounded_rectangle((margin, margin, size - margin, size - margin), radius, fill=fill)
    return img


def master(gaps: bool = True) -> Image.Image:
    size = MASTER
    margin = size * 0.06
    icon = rounded_square(size, margin, size * 0.19, BACKGROUND)

    # The heatmap grid, inside the tile.
    lut = viridis()
    values = heat_values()
    inner = size * 0.14
    cell = (size - 2 * inner) / GRID
    gap = cell * 0.09 if gaps else 0.0
    grid = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(grid)
    for r in range(GRID):
        for c in range(GRID):
            colour = tuple(int(v) for v in lut[int(round(values[r, c] * 255))]) + (255,)
            x, y = inner + c * cell, inner + r * cell
            draw.rounded_rectangle((x + gap / 2, y + gap / 2, x + cell - gap / 2, y + cell - gap / 2),
                                   radius=cell * 0.12 if gaps else 0, fill=colour)
    icon.alpha_composite(grid)

    # The digit on top: a soft dark shadow for contrast on the bright cells, then white ink.
    box = (inner, inner, size - 2 * inner)
    width = size * 0.07
    shadow = draw_stroke(size, (box[0] + size * 0.008, box[1] + size * 0.012, box[2]), width * 1.25, (0, 0, 0, 150))
    icon.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(size * 0.012)))
    icon.alpha_composite(draw_stroke(size, box, width, INK))
    return icon


def render(sizes: tuple[int, ...]) -> dict[int, Image.Image]:
    big, small = master(gaps=True), master(gaps=False)
    return {s: (big if s > 32 else small).resize((s, s), Image.Resampling.LANCZOS) for s in sizes}


def write(folder: Path = ASSETS) -> list[Path]:
    images = render(tuple(sorted({*ICO_SIZES, *ICNS_SIZES, 512})))
    outputs = {
        "png": folder / "icon.png",
        "ico": folder / "icon.ico",
        "icns": folder / "icon.icns",
    }
    images[512].save(outputs["png"], optimize=True)
    images[256].save(outputs["ico"], format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                     append_images=[images[s] for s in ICO_SIZES if s != 256])
    images[1024].save(outputs["icns"], format="ICNS",
                      append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    return list(outputs.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the icons exist")
    parser.add_argument("--out", type=Path, default=ASSETS, help="folder to write to (default: assets/)")
    parser.add_argument("--preview", type=Path, metavar="PNG", help="also write a strip of all sizes to PNG")
    args = parser.parse_args(argv)
    names = ("icon.png", "icon.ico", "icon.icns")
    if args.check:
        missing = [n for n in names if not (args.out / n).is_file()]
        for name in missing:
            print(f"missing: {args.out / name} (run python scripts/make_icons.py)", file=sys.stderr)
        return 1 if missing else 0
    for path in write(args.out):
        print(f"{path}: {path.stat().st_size} bytes")
    if args.preview:
        sizes = (16, 24, 32, 48, 64, 128, 256)
        images = render(sizes)
        strip = Image.new("RGBA", (sum(sizes) + 10 * (len(sizes) + 1), 276), (235, 235, 235, 255))
        x = 10
        for s in sizes:
            strip.alpha_composite(images[s], (x, 10))
            x += s + 10
        strip.save(args.preview)
        print(f"{args.preview}: preview")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
