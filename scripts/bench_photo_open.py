"""How long opening a photo takes in the window, and how long the window stops responding
meanwhile: the longest gap between ticks of a 5 ms timer on the GUI thread.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/bench_photo_open.py [--repeat 3]

Photos are generated (mnistviz.photo_synth, fixed seeds): a 1-megapixel one and a
12-megapixel (4000 x 3000) phone picture. "background" is File ▸ Open and dropped files;
"waited for" is `MainWindow.open_image`, the path scripts use, shown for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image


def make_photos(folder: Path) -> list[tuple[str, Path]]:
    from mnistviz.photo_synth import make_photo, save_photo
    from mnistviz.resources import SAMPLES, resource

    with np.load(resource(*SAMPLES)) as data:
        images, labels = data["images"], data["labels"]
    photos = []
    for name, digit, seed, size in (("1 MP photo", 7, 1, (1200, 900)), ("12 MP phone photo", 5, 1, (4000, 3000))):
        rng = np.random.default_rng(seed)
        photo = make_photo(images[labels == digit][0], digit, rng)
        photo.image = photo.image.resize(size, Image.Resampling.BILINEAR)
        path = folder / f"{digit}_{size[0]}x{size[1]}.jpg"
        save_photo(photo, path, rng)
        photos.append((name, path))
    return photos


def measure(window, app, path: Path, background: bool) -> tuple[float, float]:
    """(seconds until the digit is on the canvas, longest GUI-thread gap in seconds)."""
    from PySide6.QtCore import QTimer

    window.canvas.clear()
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(5)
    before = window.canvas.image_array()
    started = time.perf_counter()
    ticks.append(started)
    if background:
        window.open_image_in_background(path)
    else:
        window.open_image(path)
    while np.array_equal(window.canvas.image_array(), before):
        app.processEvents()
        time.sleep(0.001)
    done = time.perf_counter()
    ticks.append(done)
    timer.stop()
    return done - started, max(b - a for a, b in zip(ticks, ticks[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from mnistviz.app import build_window

    with tempfile.TemporaryDirectory() as tmp:
        photos = make_photos(Path(tmp))
        window = build_window()
        window.show()
        app = QApplication.instance()
        while window.model_info is None:
            app.processEvents()
            time.sleep(0.01)
        print(f"{'picture':<20} {'how':<12} {'open (s)':>9} {'longest GUI pause (ms)':>24}   (median of {args.repeat})")
        for name, path in photos:
            for background in (True, False):
                runs = [measure(window, app, path, background) for _ in range(args.repeat)]
                seconds = statistics.median(r[0] for r in runs)
                pause = statistics.median(r[1] for r in runs) * 1000
                how = "background" if background else "waited for"
                print(f"{name:<20} {how:<12} {seconds:>9.2f} {pause:>24.0f}")
        window.close()


if __name__ == "__main__":
    main()
