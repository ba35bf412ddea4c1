"""`mnistviz predict PATH…`: images, photos, drawing files and folders of them, one model load.

One input prints what it always printed. Several inputs (or a folder) print one line per
file; with `--json` these are JSON Lines, each with `"file"`, and a file that fails gives
its own `"status": "error"` line while the run goes on (exit status 1 if any failed).

An entry point, like cli.py: drawing files are rendered with the canvas's own renderer,
which needs QtGui (imported only when a drawing file is met; no window is made).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Input:
    path: Path
    problem: str | None = None  # set when the path itself cannot be used (missing, empty folder)


def image_suffixes() -> frozenset[str]:
    from PIL import Image

    return frozenset(Image.registered_extensions())


def expand(paths: list[str]) -> list[Input]:
    """Files as given; a folder gives its images and drawing files, sorted, not recursing."""
    from mnistviz.drawing import is_drawing_file

    usable = image_suffixes()
    inputs: list[Input] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            inputs.append(Input(path))
            continue
        try:
            entries = sorted(p for p in path.iterdir() if not p.name.startswith(".") and p.is_file()
                             and (p.suffix.lower() in usable or is_drawing_file(p)))
        except OSError as exc:
            inputs.append(Input(path, f"the folder {path} cannot be read ({exc.strerror or exc})"))
            continue
        if not entries:
            inputs.append(Input(path, f"the folder {path} holds no images or drawing files"))
        inputs.extend(Input(p) for p in entries)
    return inputs


def read_canvas(path: Path) -> np.ndarray:
    """The 280x280 canvas (ink high) for an image file or a drawing file.
    Raises ImageInputError or DrawingFileError with a message for the user."""
    from mnistviz.drawing import is_drawing_file, read_drawing
    from mnistviz.preprocess import load_drawing

    if is_drawing_file(path):
        from mnistviz.ui.stroke_painter import render_drawing

        return render_drawing(read_drawing(path))
    return load_drawing(path)


def read_canvas_or_fail(path: Path) -> np.ndarray:
    from mnistviz.drawing import DrawingFileError
    from mnistviz.preprocess import ImageInputError

    try:
        return read_canvas(path)
    except (ImageInputError, DrawingFileError) as exc:
        raise PredictionFailed(str(exc)) from None


def read_ahead(inputs: list["Input"]):
    """Each input's canvas (or the PredictionFailed saying why not), in order. Files are read
    on a few threads while the model works on the earlier ones: decoding a photo and finding
    its ink is most of a batch's time, and numpy and Pillow release the GIL for it."""
    from concurrent.futures import ThreadPoolExecutor

    def read(item: Input):
        if item.problem:
            return PredictionFailed(item.problem)
        try:
            return read_canvas_or_fail(item.path)
        except PredictionFailed as exc:
            return exc

    threads = max(1, min(READ_THREADS, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending = deque()  # a few files ahead, not all: a folder of 100,000 photos must not fill memory
        for item in inputs:
            pending.append(pool.submit(read, item))
            if len(pending) > 2 * threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def predict_payload(result, latency_ms: float) -> dict:
    """The reference service's /predict response: featuremap<stage><filter> as nested lists."""
    payload = {
        "status": "success",
        "prediction": result.prediction,
        "label": result.classes[result.prediction],
        "probabilities": [round(float(p), 6) for p in result.probabilities],
        "latency_ms": round(latency_ms, 3),
        "model": result.model_name,
    }
    for stage_number, maps in enumerate(result.stages.values(), start=1):
        for filter_number, fmap in enumerate(maps, start=1):
            payload[f"featuremap{stage_number}{filter_number}"] = fmap.round(6).tolist()
    return payload


class PredictionFailed(Exception):
    """One input could not be classified; the message is for the user."""


READ_THREADS = 4


class Predictor:
    """The loaded model and the run's options; classifies one input at a time."""

    def __init__(self, model, args: argparse.Namespace):
        self.model = model
        self.args = args
        self.explain_class = self._explain_class(args.explain_class)

    def _explain_class(self, wanted: str | None) -> int | None:
        if wanted is None:
            return None
        classes = list(self.model.meta.classes)
        if wanted in classes:
            return classes.index(wanted)
        raise PredictionFailed(f"--explain-class {wanted}: the model “{self.model.name}” has no such class "
                               f"(its classes are {', '.join(classes)})")

    def analyse(self, path: Path, canvas: np.ndarray | None = None):
        """(Result, latency_ms) or raises PredictionFailed. `canvas`: the file, already read."""
        from mnistviz.model import ModelError
        from mnistviz.pipeline import analyse

        if canvas is None:
            canvas = read_canvas_or_fail(path)
        started = time.perf_counter()
        try:
            result = analyse(canvas, self.model, centre=not self.args.no_centre)
        except ModelError as exc:  # NaN, infinity or other shapes on this input: an error, never a number
            raise PredictionFailed(str(exc)) from None
        except Exception as exc:  # the model's own code raised on this input
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise PredictionFailed(f"the model “{self.model.name}” failed on {path.name} ({reason})") from None
        if result is None:
            raise PredictionFailed(f"{path.name}: no ink found (the image is blank)")
        return result, (time.perf_counter() - started) * 1000

    def payload(self, result, latency_ms: float, path: Path) -> dict:
        payload = predict_payload(result, latency_ms)
        if self.args.explain:
            payload["evidence"] = self._evidence(result, path)
        try:
            json.dumps(payload, allow_nan=False)  # NaN or Infinity is not JSON: analyse() should have refused it
        except ValueError:
            raise PredictionFailed(f"the model “{self.model.name}” gave values that are not numbers "
                                   f"for {path.name}") from None
        return payload

    def _evidence(self, result, path: Path) -> dict:
        from mnistviz.explain import evidence_payload

        if result.evidence is None:
            raise PredictionFailed(f"the model “{self.model.name}” cannot be explained for {path.name}")
        chosen = result.prediction if self.explain_class is None else self.explain_class
        return evidence_payload(result.evidence, chosen)

    def export(self, result, folder: Path) -> int:
        from mnistviz.export import ExportError, export_result

        try:
            folder.mkdir(parents=True, exist_ok=True)  # a script names a new folder
        except OSError as exc:
            raise PredictionFailed(f"cannot create the folder {folder} ({exc.strerror or exc})") from None
        try:
            return len(export_result(result, folder))
        except ExportError as exc:
            raise PredictionFailed(str(exc)) from None


def run_predict(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from mnistviz.model import ModelError, configure_threads, load_model
    from mnistviz.resources import bundled_model

    inputs = expand(args.paths)
    batch = len(inputs) > 1 or any(Path(p).is_dir() for p in args.paths)
    configure_threads()
    try:
        predictor = Predictor(load_model(args.predict_model or bundled_model()), args)
    except (ModelError, PredictionFailed) as exc:
        return _fail_all(args, inputs if batch else [], str(exc))
    if not batch:
        return _predict_one(predictor, inputs[0], started)
    failed = 0
    export_names: set[str] = set()
    for item, canvas in zip(inputs, read_ahead(inputs)):
        try:
            if isinstance(canvas, PredictionFailed):
                raise canvas
            result, latency_ms = predictor.analyse(item.path, canvas)
            line = predictor.payload(result, latency_ms, item.path) if args.json else None
            if args.export:
                predictor.export(result, Path(args.export) / _unique(item.path.stem, export_names))
        except PredictionFailed as exc:
            failed += 1
            _print_error(args, str(exc), item.path)
            continue
        if args.json:
            print(json.dumps({"file": str(item.path), **line}, allow_nan=False), flush=True)
        else:
            print(f"{item.path}: {_summary(result)}", flush=True)
    if not args.json:
        print(f"{len(inputs)} inputs, {len(inputs) - failed} classified, {failed} failed, "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 1 if failed else 0


def _predict_one(predictor: Predictor, item: Input, started: float) -> int:
    """One input: the output it always had."""
    args = predictor.args
    try:
        if item.problem:
            raise PredictionFailed(item.problem)
        result, latency_ms = predictor.analyse(item.path)
        written = predictor.export(result, Path(args.export)) if args.export else 0
        payload = predictor.payload(result, latency_ms, item.path) if args.json else None
    except PredictionFailed as exc:
        _print_error(args, str(exc))
        return 1
    if args.json:
        print(json.dumps(payload, allow_nan=False))
        return 0
    ranked = sorted(range(len(result.probabilities)), key=lambda i: -result.probabilities[i])
    print(f"{item.path.name}: {_summary(result)}")
    print("  then: " + ", ".join(f"{result.classes[i]} {result.probabilities[i] * 100:.1f} %" for i in ranked[1:4]))
    print(f"  {latency_ms:.1f} ms to analyse, {(time.perf_counter() - started) * 1000:.0f} ms in all")
    if args.export:
        print(f"  wrote {written} files to {args.export}")
    return 0


def _summary(result) -> str:
    return f"{result.classes[result.prediction]} ({result.confidence * 100:.1f} %, model {result.model_name})"


def _unique(stem: str, taken: set[str]) -> str:
    name, number = stem, 2
    while name in taken:
        name, number = f"{stem}-{number}", number + 1
    taken.add(name)
    return name


def _print_error(args: argparse.Namespace, message: str, path: Path | None = None) -> None:
    if args.json:
        record = {"status": "error", "message": message}
        print(json.dumps(record if path is None else {"file": str(path), **record}), flush=True)
    else:
        print(f"error: {message}" if path is None else f"{path}: error: {message}", file=sys.stderr)


def _fail_all(args: argparse.Namespace, inputs: list[Input], message: str) -> int:
    """The model did not load: every input fails with the same reason."""
    if not inputs:
        _print_error(args, message)
    for item in inputs:
        _print_error(args, message, item.path)
    return 1
