"""`mnistviz` command line: no sub-command opens the window.

Heavy imports (torch, Qt) happen inside the sub-commands so that each pays only for
what it uses and the window can appear before torch is loaded.
"""

from __future__ import annotations

import argparse
import os
import sys

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

    predict = commands.add_parser(
        "predict", help="classify images, photos, drawing files or folders of them",
        description="Classify each PATH: an image (photos and scans of paper too), a drawing file (.json) "
        "or a folder of them (sorted, not recursive). The model loads once. One input prints as before; "
        "several inputs or a folder print one line per file (JSON Lines with --json, errors as their "
        "own lines); the exit status is 1 if any input failed.")
    predict.add_argument("paths", nargs="+", metavar="PATH", help="image, drawing file or folder")
    predict.add_argument("--model", dest="predict_model", help="TorchScript model (default: bundled readout)")
    predict.add_argument("--json", action="store_true", help="print the reference service's /predict fields")
    predict.add_argument("--explain", action="store_true",
                         help="with --json: add the class evidence (logit = bias + sum of the evidence map)")
    predict.add_argument("--explain-class", metavar="C", help="explain class C instead of the predicted one")
    predict.add_argument("--export", metavar="DIR",
                         help="also write featuremaps.png, one PNG per map, result.json (a folder per input "
                         "when there are several)")
    predict.add_argument("--no-centre", action="store_true", help="skip MNIST centring (shows why it matters)")

    selftest = commands.add_parser("selftest", help="check the bundled models, samples, window and export")
    selftest.add_argument("--keep", metavar="DIR", help="keep the exported files in DIR")

    bench = commands.add_parser("bench", help="measure preprocessing, inference, rendering and latency")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.add_argument("--model", dest="bench_model", help="TorchScript model (default: bundled readout)")
    bench.add_argument("--repeat", type=int, default=500, help="timed repetitions per figure (default 500)")
    bench.add_argument("--updates", type=int, default=2000, help="live updates for the memory figure")
    bench.add_argument("--cores", type=int, help="pin the process to this many cores first (as taskset -c)")
    bench.add_argument("--display", action="store_true",
                       help="draw the window on the X server in $DISPLAY (e.g. Xvfb) instead of offscreen")
    return parser


def main(argv: list[str] | None = None) -> int:
    # Windowed builds have no console: send output to the log before anything prints.
    from mnistviz.logfile import redirect_missing_streams

    redirect_missing_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "predict":
        if (args.explain or args.explain_class) and not args.json:
            parser.error("--explain and --explain-class add to the --json output: add --json")
        if args.explain_class is not None:
            args.explain = True
        from mnistviz.batch import run_predict

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
