"""Accuracy on photographed digits, through the real loading path.

    python -m mnistviz.evaluate photos [--count 200] [--seed 0] [--model models/readout.pt]
                                       [--data data/mnist] [--out DIR]

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mnistviz.evaluate")
    commands = parser.add_subparsers(dest="command", required=True)
    photos = commands.add_parser("photos", help="accuracy on generated photos of MNIST training digits")
    photos.add_argument("--count", type=int, default=200)
    photos.add_argument("--seed", type=int, default=0)
    photos.add_argument("--model", default=None, help="TorchScript model (default: bundled readout)")
    photos.add_argument("--data", default="data/mnist", help="folder with the MNIST IDX files")
    photos.add_argument("--out", default=None, help="keep the photos in this folder")
    args = parser.parse_args(argv)

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
