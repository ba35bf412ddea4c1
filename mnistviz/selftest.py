"""`mnistviz selftest`: the checks a teacher (or CI, or the packaged build) can run to
know the installation works. One line per check; exit 0 only if all pass."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


SAMPLE_ACCURACY_FLOOR = 0.98


class Checks:
    def __init__(self) -> None:
        self.failures = 0

    def report(self, ok: bool, name: str, detail: str) -> bool:
        self.failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)
        return ok


def check_models(checks: Checks) -> None:
    from mnistviz.model import ModelError, configure_threads, load_model
    from mnistviz.pipeline import analyse
    from mnistviz.resources import BUNDLED_MODELS, bundled_model
    from mnistviz.samples import as_canvas, bundled_samples

    configure_threads()
    images, labels = bundled_samples()
    for name in BUNDLED_MODELS:
        try:
            model = load_model(bundled_model(name))
        except ModelError as exc:
            checks.report(False, f"model {name}", str(exc))
            continue
        checks.report(True, f"model {name}", f"loaded, stages {model.stage_shapes}")
        if name != "readout":
            continue
        correct = sum(analyse(as_canvas(img), model).prediction == lab for img, lab in zip(images, labels))
        share = correct / len(labels)
        checks.report(share >= SAMPLE_ACCURACY_FLOOR, f"samples with {name}",
                      f"{correct}/{len(labels)} correct (needs {SAMPLE_ACCURACY_FLOOR:.0%})")


def check_window(checks: Checks, export_folder: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from mnistviz.app import build_window

    window = build_window()
    window.show()
    app = QApplication.instance()
    shown = []
    window.resultShown.connect(shown.append)

    def wait_for(predicate, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not predicate() and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.005)
        return predicate()

    try:
        ok = wait_for(lambda: window.model_info is not None, 60)
        checks.report(ok, "window", "built offscreen, model loaded" if ok else "model did not load in 60 s")
        if not ok:
            return
        canvas = window.canvas
        # A vertical stroke: a "1", with real mouse events.
        points = [QPointF(140, 50 + 6 * i) for i in range(31)]

        def send(kind, point, buttons):
            event = QMouseEvent(kind, point, canvas.mapToGlobal(point), Qt.MouseButton.LeftButton,
                                buttons, Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(canvas, event)

        send(QMouseEvent.Type.MouseButtonPress, points[0], Qt.MouseButton.LeftButton)
        for point in points[1:]:
            send(QMouseEvent.Type.MouseMove, point, Qt.MouseButton.LeftButton)
        send(QMouseEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton)
        ok = wait_for(lambda: any(r is not None for r in shown) and window.last_result is not None, 30)
        result = window.last_result
        checks.report(ok, "live result", f"stroke drawn, docks show digit {result.prediction} "
                      f"({result.confidence:.0%})" if ok else "no result reached the docks in 30 s")
        if not ok:
            return
        written = window.export_to(export_folder)
        pngs = [p for p in written if p.suffix == ".png"]
        checks.report(len(pngs) >= 31 and all(p.stat().st_size > 0 for p in pngs), "export",
                      f"{len(pngs)} PNG files in {export_folder}")
    finally:
        window.close()
        app.processEvents()


def run_selftest(keep: str | None = None) -> int:
    checks = Checks()
    started = time.perf_counter()
    try:
        check_models(checks)
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            check_window(checks, Path(keep))
        else:
            with tempfile.TemporaryDirectory(prefix="mnistviz-selftest-") as folder:
                check_window(checks, Path(folder))
    except Exception as exc:  # a self-test reports, it does not crash
        checks.report(False, "unexpected error", f"{type(exc).__name__}: {exc}")
    verdict = "all checks passed" if checks.failures == 0 else f"{checks.failures} check(s) failed"
    print(f"selftest: {verdict} in {time.perf_counter() - started:.1f} s", flush=True)
    return 0 if checks.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(run_selftest())
