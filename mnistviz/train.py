"""Reproduce a shipped model from the MNIST IDX files.

    python -m mnistviz.train --data data/mnist --arch readout --out models/readout.pt --threads 2

Seeded and reproducible on a given machine and thread count (the shipped readout.pt: 2). Writes the TorchScript
archive (with meta.json), X.json (evaluation) and X_confusion.png next to it.

Besides MNIST itself (randomly shifted, turned, scaled, thickened), each batch can carry
canvas-like digits (`--drawn-batch`): training digits redrawn as round-brush strokes by
mnistviz.stroke_synth and run through the app's preprocessing, made once before training.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFont

from mnistviz import mnist_data, stroke_synth
from mnistviz.architectures import ARCHITECTURES
from mnistviz.model import DEFAULT_CLASSES, DEFAULT_STAGE_NAMES, MNIST_MEAN, MNIST_STD

HELD_OUT = 5000  # training images kept aside to fit the temperature
DRAWN_CHECK = 2000  # test digits redrawn as strokes for the report's canvas-like accuracy


def progress(prefix: str, done: int, total: int, extra: str = "") -> None:
    width = 30
    filled = int(width * done / total)
    bar = "█" * filled + "·" * (width - filled)
    end = "\n" if done == total else ""
    print(f"\r{prefix} |{bar}| {done}/{total} {extra}", end=end, file=sys.stderr, flush=True)


def augment(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random shift, rotation, scale, shear and stroke thickness on a batch in [0, 1].

    People draw thicker or thinner, slightly rotated and off-size digits than
    MNIST's writers; preprocessing fixes position and size only roughly.
    """
    n = x.shape[0]
    rand = lambda *shape: torch.rand(*shape, generator=generator)  # noqa: E731
    angle = (rand(n) - 0.5) * 2 * math.radians(12)
    scale = 1 + (rand(n) - 0.5) * 2 * 0.10
    shear = (rand(n) - 0.5) * 2 * 0.12
    shift = (rand(n, 2) - 0.5) * 2 * (2.0 / 14)  # ±2 px in normalised coordinates
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin + shear, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    )
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    # Stroke thickness: blend towards a dilated (thicker) or eroded (thinner) copy.
    amount = rand(n, 1, 1, 1)
    kind = rand(n, 1, 1, 1)
    thick = F.max_pool2d(x, 3, stride=1, padding=1)
    thin = -F.max_pool2d(-x, 3, stride=1, padding=1)
    x = torch.where(kind < 0.3, x + 0.6 * amount * (thick - x), x)
    x = torch.where(kind > 0.85, x + 0.5 * amount * (thin - x), x)
    return x.clamp(0, 1)


def normalise(x: torch.Tensor) -> torch.Tensor:
    return (x - MNIST_MEAN) / MNIST_STD


def evaluate_logits(model: torch.nn.Module, images: torch.Tensor, batch: int = 2000) -> torch.Tensor:
    model.eval()
    with torch.no_grad():
        return torch.cat([model(normalise(images[i : i + batch]))[0] for i in range(0, len(images), batch)])


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Minimise the held-out negative log-likelihood over T (Guo et al., 2017)."""
    log_t = torch.zeros(1, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure():
        optimiser.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(log_t.detach().exp())


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    confidence = probabilities.max(1)
    correct = probabilities.argmax(1) == labels
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(ece)


def confusion_png(confusion: np.ndarray, title: str, path: Path) -> None:
    """A labelled confusion matrix drawn with Pillow (no plotting library needed)."""
    font = ImageFont.load_default(size=15)
    small = ImageFont.load_default(size=13)
    cell, left, top = 46, 80, 80
    image = Image.new("RGB", (left + 10 * cell + 20, top + 10 * cell + 20), "white")
    draw = ImageDraw.Draw(image)
    draw.text((12, 10), title, fill="black", font=font)
    draw.text((left + 3 * cell, top - 48), "predicted digit", fill="black", font=font)
    draw.text((8, top - 26), "true digit", fill="black", font=small)
    row_totals = confusion.sum(1, keepdims=True).clip(min=1)
    for t in range(10):
        draw.text((left - 22, top + t * cell + cell // 2 - 8), str(t), fill="black", font=font)
        draw.text((left + t * cell + cell // 2 - 4, top - 24), str(t), fill="black", font=font)
        for p in range(10):
            share = confusion[t, p] / row_totals[t, 0]
            # Errors are rare: scale their shading up so a 1 % confusion is visible.
            strength = min(1.0, share if t == p else share * 20)
            shade = int(255 * (1 - strength))
            colour = (shade, int(shade * 0.9 + 25), 255) if t == p else (255, shade, shade)
            x0, y0 = left + p * cell, top + t * cell
            draw.rectangle([x0, y0, x0 + cell - 2, y0 + cell - 2], fill=colour)
            if confusion[t, p]:
                text_colour = "white" if shade < 110 else "black"
                draw.text((x0 + 5, y0 + cell // 2 - 8), str(int(confusion[t, p])), fill=text_colour, font=small)
    image.save(path)


def make_drawn_pool(images: np.ndarray, labels: torch.Tensor, variants: int, seed: int):
    """Canvas-like redrawings of the training digits: (inputs (M,1,28,28), labels (M,))."""
    if variants <= 0:
        return None, None
    report = lambda done, total: progress("drawing digits as strokes", done, total)  # noqa: E731
    pool = stroke_synth.canvas_pool(images, seed=seed, variants=variants, progress=report)
    return torch.from_numpy(pool).unsqueeze(1), labels.repeat(variants)


def drawn_accuracy(model: torch.nn.Module, images: np.ndarray, labels: np.ndarray, seed: int) -> float:
    """Accuracy on test digits redrawn as canvas-like strokes (numpy renderer, not the canvas's)."""
    inputs = torch.from_numpy(stroke_synth.canvas_pool(images, seed=seed)).unsqueeze(1)
    predicted = evaluate_logits(model, inputs).argmax(1).numpy()
    return float((predicted == labels).mean())


def train(args: argparse.Namespace) -> dict:
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(args.seed)

    train_images, train_labels = mnist_data.load_split(args.data, "train")
    test_images, test_labels = mnist_data.load_split(args.data, "t10k")
    to_tensor = lambda a: torch.from_numpy(a.astype(np.float32) / 255.0).unsqueeze(1)  # noqa: E731
    order = torch.randperm(len(train_images), generator=generator)
    fit_idx, held_idx = order[HELD_OUT:], order[:HELD_OUT]
    x_all, y_all = to_tensor(train_images), torch.from_numpy(train_labels.astype(np.int64))
    x_fit, y_fit = x_all[fit_idx], y_all[fit_idx]
    x_held, y_held = x_all[held_idx], y_all[held_idx]
    x_test, y_test = to_tensor(test_images), torch.from_numpy(test_labels.astype(np.int64))
    x_drawn, y_drawn = make_drawn_pool(train_images[fit_idx.numpy()], y_fit, args.drawn_variants, args.seed)
    use_drawn = x_drawn is not None and args.drawn_batch > 0

    cls, architecture = ARCHITECTURES[args.arch]
    model = cls()
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    steps_per_epoch = math.ceil(len(x_fit) / args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch, pct_start=0.2
    )
    started = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        perm = torch.randperm(len(x_fit), generator=generator)
        drawn_perm = torch.randperm(len(x_drawn), generator=generator) if use_drawn else None
        running, seen = 0.0, 0
        for step in range(steps_per_epoch):
            idx = perm[step * args.batch : (step + 1) * args.batch]
            x, y = x_fit[idx], y_fit[idx]
            if use_drawn:  # cycle through the pool: every step takes the next drawn_batch of it
                start = (step * args.drawn_batch) % len(x_drawn)
                extra = drawn_perm[start : start + args.drawn_batch]
                x, y = torch.cat([x, x_drawn[extra]]), torch.cat([y, y_drawn[extra]])
            if args.augment:
                x = augment(x, generator)
            loss = F.cross_entropy(model(normalise(x))[0], y, label_smoothing=0.0)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            running += loss.item() * len(y)
            seen += len(y)
            if step % 20 == 0 or step == steps_per_epoch - 1:
                progress(f"epoch {epoch:2d}/{args.epochs}", step + 1, steps_per_epoch, f"loss {running / seen:.4f}")
        held_acc = float((evaluate_logits(model, x_held).argmax(1) == y_held).float().mean())
        print(f"  held-out accuracy {held_acc * 100:.2f} %", file=sys.stderr)
    train_seconds = time.perf_counter() - started

    temperature = fit_temperature(evaluate_logits(model, x_held), y_held)
    test_logits = evaluate_logits(model, x_test)
    predicted = test_logits.argmax(1).numpy()
    labels = y_test.numpy()
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    accuracy = float((predicted == labels).mean())
    probs_raw = F.softmax(test_logits, 1).numpy()
    probs_cal = F.softmax(test_logits / temperature, 1).numpy()
    pick = np.random.default_rng(args.seed).choice(len(test_images), DRAWN_CHECK, replace=False)
    drawn = drawn_accuracy(model, test_images[pick], labels[pick], args.seed)

    meta = {
        "name": args.name or args.arch,
        "mean": MNIST_MEAN,
        "std": MNIST_STD,
        "stage_names": list(DEFAULT_STAGE_NAMES),
        "classes": list(DEFAULT_CLASSES),
        "temperature": round(temperature, 6),
        "test_accuracy": round(accuracy, 6),
        "trained_on": "MNIST (60,000 training images less 5,000 held out for calibration)",
        "architecture": architecture,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TorchScript's deprecation notice; scripting happens only here
        scripted = torch.jit.script(model)
        torch.jit.save(scripted, str(out), _extra_files={"meta.json": json.dumps(meta)})

    report = {
        "model": out.name,
        "test_accuracy": accuracy,
        "test_errors": int((predicted != labels).sum()),
        "drawn_test_accuracy": drawn,
        "drawn_test_note": f"{DRAWN_CHECK} test digits redrawn as round-brush strokes by mnistviz.stroke_synth; "
                           "for the canvas's own renderer run python -m mnistviz.evaluate strokes",
        "per_class_accuracy": {str(c): float(confusion[c, c] / confusion[c].sum()) for c in range(10)},
        "ece_before_calibration": expected_calibration_error(probs_raw, labels),
        "ece_after_calibration": expected_calibration_error(probs_cal, labels),
        "temperature": temperature,
        "parameters": sum(p.numel() for p in model.parameters()),
        "train_seconds": round(train_seconds, 1),
        "config": {k: v for k, v in vars(args).items() if k not in ("data", "out")},
        "data_sha256": mnist_data.checksums(),
        "torch": torch.__version__,
        "meta": meta,
    }
    out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    confusion_png(
        confusion,
        f"{meta['name']}: {accuracy * 100:.2f} % on the 10,000 MNIST test images",
        out.with_name(out.stem + "_confusion.png"),
    )
    return report


DEFAULTS = {
    "readout": {"epochs": 40, "lr": 0.01, "weight_decay": 1e-4, "drawn_variants": 1, "drawn_batch": 64},
    "gap": {"epochs": 40, "lr": 0.02, "weight_decay": 0.0, "drawn_variants": 0, "drawn_batch": 0},
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m mnistviz.train", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="folder with the four MNIST IDX files (raw or .gz)")
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="readout")
    parser.add_argument("--out", required=True, help="output TorchScript file, e.g. models/readout.pt")
    parser.add_argument("--name", help="model name shown in the app (default: the architecture)")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--weight-decay", type=float)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-augment", dest="augment", action="store_false")
    parser.add_argument("--drawn-variants", type=int,
                        help="canvas-like redrawings made of each training digit (0: none)")
    parser.add_argument("--drawn-batch", type=int, help="canvas-like digits added to every batch")
    args = parser.parse_args(argv)
    for key, value in DEFAULTS[args.arch].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        report = train(args)
    except mnist_data.DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"{report['model']}: test accuracy {report['test_accuracy'] * 100:.2f} %, "
        f"drawn (numpy strokes) {report['drawn_test_accuracy'] * 100:.2f} %, "
        f"ECE {report['ece_before_calibration']:.4f} → {report['ece_after_calibration']:.4f} "
        f"(T = {report['temperature']:.3f}), {report['train_seconds']:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
