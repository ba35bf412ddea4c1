"""`mnistviz` command line: no sub-command opens the window.

Heavy imports (torch, Qt) happen inside the sub-commands so that each pays only for
what it uses and the window can appear before torch is loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from mnistviz import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mnistviz",
        description="Draw a digit and watch a small CNN's feature maps and probabilities live. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"mnistviz {__version__}")
    parser.add_argument("--model", help="TorchScript model file for the window (default: bundled readout)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    predict = commands.add_parser("predict", help="classify an image file")
    predict.add_argument("image", help="any image Pillow reads; dark ink on light paper is inverted")
    predict.add_argument("--model", dest="predict_model", help="TorchScript model (default: bundled readout)")
    predict.add_argument("--json", action="store_true", help="print the reference service's /predict fields")
    predict.add_argument("--export", metavar="DIR", help="also write featuremaps.png, one PNG per map, result.json")
    predict.add_argument("--no-centre", action="store_true", help="skip MNIST centring (shows why it matters)")

    selftest = commands.add_parser("selftest", help="check the bundled models, samples, window and export")
    selftest.add_argument("--keep", metavar="DIR", help="keep the exported files in DIR")

    bench = commands.add_parser("bench", help="measure preprocessing, inference, rendering and latency")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--model", dest="bench_model", help="TorchScript model (default: bundled readout)")
    bench.add_argument("--repeat", type=int, default=500, help="timed repetitions per figure (default 500)")
    bench.add_argument("--updates", type=int, default=2000, help="live updates for the memory figure")
    return parser


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


def run_predict(args: argparse.Namespace) -> int:
    started = time.perf_counter()

    def fail(message: str, code: int = 1) -> int:
        if args.json:
            print(json.dumps({"status": "error", "message": message}, allow_nan=False))
        else:
            print(f"error: {message}", file=sys.stderr)
        return code

    from mnistviz.model import ModelError, configure_threads, load_model
    from mnistviz.pipeline import analyse
    from mnistviz.preprocess import ImageInputError, load_drawing
    from mnistviz.resources import bundled_model

    configure_threads()
    try:
        model = load_model(args.predict_model or bundled_model())
    except ModelError as exc:
        return fail(str(exc))
    try:
        drawing = load_drawing(args.image)
    except ImageInputError as exc:
        return fail(str(exc))
    analysis_started = time.perf_counter()
    try:
        result = analyse(drawing, model, centre=not args.no_centre)
    except ModelError as exc:  # NaN, infinity or other shapes on this drawing: an error, never a number
        return fail(str(exc))
    except Exception as exc:  # the model's own code raised on this drawing
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return fail(f"the model “{model.name}” failed on {Path(args.image).name} ({reason})")
    if result is None:
        return fail(f"{Path(args.image).name}: no ink found (the image is blank)")
    latency_ms = (time.perf_counter() - analysis_started) * 1000

    if args.export:
        from mnistviz.export import ExportError, export_result

        try:
            Path(args.export).mkdir(parents=True, exist_ok=True)  # a script names a new folder
        except OSError as exc:
            return fail(f"cannot create the folder {args.export} ({exc.strerror or exc})")
        try:
            written = export_result(result, args.export)
        except ExportError as exc:
            return fail(str(exc))
    if args.json:
        try:
            # Last guard: NaN or Infinity is not JSON; analyse() should already have refused it.
            text = json.dumps(predict_payload(result, latency_ms), allow_nan=False)
        except ValueError:
            return fail(f"the model “{model.name}” gave values that are not numbers for {Path(args.image).name}")
        print(text)
        return 0
    ranked = sorted(range(len(result.probabilities)), key=lambda i: -result.probabilities[i])
    print(f"{Path(args.image).name}: {result.classes[result.prediction]} "
          f"({result.confidence * 100:.1f} %, model {result.model_name})")
    print("  then: " + ", ".join(f"{result.classes[i]} {result.probabilities[i] * 100:.1f} %" for i in ranked[1:4]))
    print(f"  {latency_ms:.1f} ms to analyse, {(time.perf_counter() - started) * 1000:.0f} ms in all")
    if args.export:
        print(f"  wrote {len(written)} files to {args.export}")
    return 0


def main(argv: list[str] | None = None) -> int:
    # Windowed builds have no console: send output to the log before anything prints.
    from mnistviz.logfile import redirect_missing_streams

    redirect_missing_streams()
    args = build_parser().parse_args(argv)
    if args.command == "predict":
        try:
            code = run_predict(args)
            sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
            return code
        except BrokenPipeError:
            # `mnistviz predict … --json | head -c 100`: the reader left. Python's documented recipe:
            # point stdout at devnull so the exit-time flush cannot raise again, and exit quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 1
    if args.command == "selftest":
        from mnistviz.selftest import run_selftest

        return run_selftest(keep=args.keep)
    if args.command == "bench":
        from mnistviz.bench import run_bench

        return run_bench(args)
    from mnistviz.app import run_app

    return run_app(model_path=args.model)


if __name__ == "__main__":
    raise SystemExit(main())
