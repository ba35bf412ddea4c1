"""Accuracy on photographed and on drawn digits, through the app's real paths.

    python -m mnistviz.evaluate photos [--count 200] [--seed 0] [--model models/readout.pt]
                                       [--data data/mnist] [--out DIR]
    python -m mnistviz.evaluate strokes [--count 5000] [--seed 0] [--model models/readout.pt]
                                        [--data data/mnist]

strokes: MNIST *test* digits (never trained on) thinned to their skeleton, traced into pen
strokes (mnistviz.stroke_synth), placed on the 280x280 canvas at a random size (40-85 %
of its height) and position with the default 18 px brush, painted by the canvas's own
renderer and preprocessed as the app does. Prints the accuracy and the digits it misreads.

photos:
Generates photos of MNIST *training* digits (mnistviz.photo_synth) into a temporary
folder (or --out DIR, kept), then runs each file as `mnistviz predict` does: file on disk
-> load_drawing -> pipeline.analyse -> prediction. Prints the accuracy and a breakdown
by condition. A file refused as holding no digit counts as wrong.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path


def evaluate_files(files, model, loader=None) -> list[dict]:
    from mnistviz.pipeline import analyse
    from mnistviz.preprocess import ImageInputError, load_drawing

    loader = loader or load_drawing
    rows = []
    for path, label, conditions in files:
        try:
            result = analyse(loader(path), model)
            predicted = None if result is None else int(result.prediction)
            note = "" if result is not None else "no ink"
        except ImageInputError as exc:
            predicted, note = None, str(exc)
        rows.append({"file": Path(path).name, "label": label, "predicted": predicted,
                     "correct": predicted == label, "conditions": conditions, "note": note})
    return rows


def summary(rows: list[dict]) -> str:
    total = len(rows)
    right = sum(r["correct"] for r in rows)
    lines = [f"photos: {right}/{total} right ({100 * right / max(total, 1):.1f} %)"]
    by = defaultdict(lambda: [0, 0])
    for r in rows:
        for c in r["conditions"]:
            by[c][0] += r["correct"]
            by[c][1] += 1
    for condition in sorted(by):
        ok, n = by[condition]
        lines.append(f"  {condition:<14} {ok:>4}/{n:<4} {100 * ok / n:6.1f} %")
    wrong = [r for r in rows if not r["correct"]]
    if wrong:
        lines.append("wrong:")
        for r in wrong[:30]:
            got = "no digit" if r["predicted"] is None else r["predicted"]
            lines.append(f"  {r['file']}: {r['label']} read as {got}  [{', '.join(r['conditions'])}]")
    return "\n".join(lines)


def drawn_digits(images, labels, count: int, seed: int):
    """`count` test digits drawn on the canvas: (canvases uint8 (n,280,280), labels (n,))."""
    import numpy as np

    from mnistviz.stroke_synth import digit_strokes, drawn_digit_drawing
    from mnistviz.ui.stroke_painter import render_drawing  # QtGui only: the canvas's painter

    rng = np.random.default_rng(seed)
    pick = rng.choice(len(images), min(count, len(images)), replace=False)
    canvases = [render_drawing(drawn_digit_drawing(strokes, rng)) for strokes in digit_strokes(images[pick])]
    return np.stack(canvases), labels[pick].astype(int)


def classify_canvases(canvases, model, batch: int = 500):
    """Predicted digit per canvas, through the app's preprocessing and the model (batched)."""
    import numpy as np

    from mnistviz.preprocess import preprocess

    inputs = np.stack([preprocess(c) for c in canvases]).astype(np.float32)
    logits = np.concatenate([model.logits_batch(inputs[i : i + batch]) for i in range(0, len(inputs), batch)])
    return logits.argmax(1)


def strokes_summary(labels, predicted) -> str:
    import numpy as np

    right = int((labels == predicted).sum())
    lines = [f"drawn digits: {right}/{len(labels)} right ({100 * right / max(len(labels), 1):.2f} %)"]
    for digit in range(10):
        mine = labels == digit
        if mine.any():
            wrong = np.bincount(predicted[mine & (predicted != digit)], minlength=10)
            misread = ", ".join(f"as {d}: {n}" for d, n in enumerate(wrong) if n)
            lines.append(f"  {digit}: {100 * (predicted[mine] == digit).mean():6.2f} %  {misread}".rstrip())
    return "\n".join(lines)


def run_strokes(args) -> int:
    from mnistviz.mnist_data import DataError, load_split
    from mnistviz.model import ModelError, load_model
    from mnistviz.resources import bundled_model

    if args.count < 1:
        print("error: --count must be at least 1", file=sys.stderr)
        return 1
    try:
        images, labels = load_split(args.data, "t10k")
        model = load_model(args.model or bundled_model())
    except (DataError, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    canvases, labels = drawn_digits(images, labels, args.count, args.seed)
    print(strokes_summary(labels, classify_canvases(canvases, model)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mnistviz.evaluate")
    commands = parser.add_subparsers(dest="command", required=True)
    photos = commands.add_parser("photos", help="accuracy on generated photos of MNIST training digits")
    photos.add_argument("--count", type=int, default=200)
    photos.add_argument("--seed", type=int, default=0)
    photos.add_argument("--model", default=None, help="TorchScript model (default: bundled readout)")
    photos.add_argument("--data", default="data/mnist", help="folder with the MNIST IDX files")
    photos.add_argument("--out", default=None, help="keep the photos in this folder")
    strokes = commands.add_parser("strokes", help="accuracy on MNIST test digits drawn on the canvas as strokes")
    strokes.add_argument("--count", type=int, default=5000)
    strokes.add_argument("--seed", type=int, default=0)
    strokes.add_argument("--model", default=None, help="TorchScript model (default: bundled readout)")
    strokes.add_argument("--data", default="data/mnist", help="folder with the MNIST IDX files")
    args = parser.parse_args(argv)
    if args.command == "strokes":
        return run_strokes(args)

    from mnistviz.mnist_data import DataError, load_split
    from mnistviz.model import ModelError, load_model
    from mnistviz.photo_synth import generate
    from mnistviz.resources import bundled_model

    try:
        images, labels = load_split(args.data, "train")
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        model = load_model(args.model or bundled_model())
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="mnistviz-photos-") as tmp:
        out = Path(args.out) if args.out else Path(tmp)
        files = generate(images, labels, out, count=args.count, seed=args.seed)
        rows = evaluate_files(files, model)
    print(summary(rows))
    if args.out:
        print(f"photos kept in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
