"""Fast checks of the packaging files (no build here: scripts/build.sh builds and runs the
frozen self-test). build.spec is executed with stand-ins for PyInstaller's classes, so
these tests see exactly the data files, exclusions and options a build would use."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"


class Recorder:
    """Stands in for Analysis, PYZ, EXE, COLLECT and BUNDLE: keeps the arguments."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        self.datas = list(kwargs.get("datas", []))
        self.binaries, self.pure, self.scripts = [], [], []


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> dict:
    namespace = {name: type(name, (Recorder,), {}) for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")}
    namespace.update(SPECPATH=str(ROOT), workpath=str(tmp_path_factory.mktemp("work")), __file__=str(SPEC))
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)  # noqa: S102
    return namespace


def test_spec_is_valid_python():
    ast.parse(SPEC.read_text(encoding="utf-8"))


def test_one_folder_build(spec):
    exe = spec["exe"].kwargs
    assert exe["exclude_binaries"] is True, "one-folder: binaries go to COLLECT, not into the executable"
    assert spec["coll"].kwargs["name"] == "mnistviz"
    assert spec["a"].args[0] == [str(ROOT / "mnistviz" / "__main__.py")]


def test_windowed_on_windows_and_macos(spec):
    assert spec["exe"].kwargs["console"] is sys.platform.startswith("linux")


def test_models_and_assets_at_source_relative_paths(spec):
    datas = {(Path(src).name, dest) for src, dest in spec["a"].kwargs["datas"]}
    for model in ("readout.pt", "gap.pt"):
        assert (model, "models") in datas
    for asset in ("samples.npz", "colormaps.npz", "icon.png"):
        assert (asset, "assets") in datas
    assert not any(name.endswith((".ico", ".icns")) for name, _ in datas), "build-time icons are not app data"


def test_every_asset_the_code_names_is_bundled(spec):
    """resource("assets", "x") in mnistviz/ must find x in the bundle too."""
    bundled = {Path(src).name for src, dest in spec["a"].kwargs["datas"] if dest == "assets"}
    named = set()
    for path in (ROOT / "mnistviz").rglob("*.py"):
        named |= set(re.findall(r'"assets",\s*"([^"]+)"', path.read_text(encoding="utf-8")))
    assert named, "expected the code to name some assets"
    assert named <= bundled, f"named in code but not bundled: {sorted(named - bundled)}"


def test_icons_exist_for_each_platform():
    from PIL import Image

    assert Image.open(ROOT / "assets" / "icon.png").size == (512, 512)
    ico = Image.open(ROOT / "assets" / "icon.ico")
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    assert Image.open(ROOT / "assets" / "icon.icns").size == (1024, 1024)


def test_every_exclusion_has_a_reason(spec):
    excluded = spec["EXCLUDED_MODULES"]
    for module in ("sympy", "mpmath", "networkx", "jinja2", "tkinter", "torch._dynamo", "torch._inductor",
                   "torch.utils.tensorboard", "torch.onnx", "pyqtgraph.opengl"):
        assert module in excluded
    assert all(isinstance(reason, str) and reason.strip() for reason in excluded.values())
    assert sorted(excluded) == spec["a"].kwargs["excludes"]
    for _pattern, reason in spec["DROPPED_FILES"]:
        assert reason.strip()


def test_what_import_torch_needs_is_not_excluded(spec):
    """torch.utils.checkpoint imports these at `import torch` time (torch 2.13)."""
    excluded = spec["EXCLUDED_MODULES"]
    for needed in ("torch.testing", "torch.testing._internal", "torch.testing._internal.logging_tensor",
                   "torch.testing._internal.common_dtype", "torch.distributed", "torch.fx", "torch.export"):
        assert needed not in excluded
    assert "torch.testing._internal.common_utils" in excluded


@pytest.mark.parametrize(
    ("path", "dropped"),
    [
        ("torch/bin/torch_shm_manager", False),  # import torch needs it
        ("torch/bin/test_api", True),
        ("torch/test/Dict_test", True),
        ("torch/lib/libtorch_cpu.so", False),
        ("torch/lib/libtorchbind_test.so", True),
        ("torch/include/ATen/ATen.h", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),  # the self-test renders offscreen
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
        ("PySide6/Qt/plugins/imageformats/libqico.so", False),
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("PySide6/Qt/lib/libQt6DBus.so.6", False),  # QtGui links it
        ("PySide6/Qt/lib/libQt6Gui.so.6", False),
        ("models/readout.pt", False),
        ("assets/samples.npz", False),
    ],
)
def test_drop_rules(spec, path, dropped):
    assert (spec["drop_reason"](path) is not None) is dropped


def test_macos_bundle_only_on_macos_and_with_the_icns(spec):
    if sys.platform == "darwin":
        assert spec["app"].kwargs["icon"].endswith("icon.icns")
    else:
        assert spec.get("app") is None  # no .app bundle where it cannot run


def test_make_icons_check_passes():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_icons.py"), "--check"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_build_script_syntax():
    out = subprocess.run(["bash", "-n", str(ROOT / "scripts" / "build.sh")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_python_sources_are_never_dropped(spec):
    """torch's config modules read their own source at import (inspect.getsource): the .py
    copies the torch hook collects next to the archive must survive the file filters."""
    for path in ("torch/testing/_internal/logging_tensor.py", "torch/distributed/config.py",
                 "torch/_inductor/config.py"):
        assert spec["drop_reason"](path) is None
