#!/usr/bin/env bash
# Build the packaged app (one folder, PyInstaller), run its self-test, check its size,
# and make the release archive.
#
#     scripts/build.sh              # build, self-test, size check, archive
#     scripts/build.sh --no-build   # check and archive an existing dist/ (after a build)
#     scripts/build.sh --startup    # also time 5 starts (scripts/bench_startup.sh)
#
# Output: dist/mnistviz/ (dist/mnistviz.app on macOS) and
#         dist/mnistviz-<version>-<platform>.tar.gz
# Exits non-zero if the build or the frozen self-test fails, if the frozen app started
# from another folder through a path with spaces cannot find its models and assets, or if
# the bundle is over MAX_BUNDLE_MB (650) or the archive over MAX_ARCHIVE_MB (260).
#
# The build environment needs the CPU-only torch wheel: a CUDA torch makes the bundle
# several GB larger. Python: $PYTHON, else .venv/bin/python, else python3.
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_BUNDLE_MB=${MAX_BUNDLE_MB:-650}
MAX_ARCHIVE_MB=${MAX_ARCHIVE_MB:-260}
build=1
startup=0
for arg in "$@"; do
    case "$arg" in
        --no-build) build=0 ;;
        --startup) startup=1 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done

if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python
    elif [ -x .venv/Scripts/python.exe ]; then PYTHON=.venv/Scripts/python.exe
    else PYTHON=python3; fi
fi

version=$("$PYTHON" -c "import re,pathlib; print(re.search(r'__version__ = \"([^\"]+)\"', pathlib.Path('mnistviz/__init__.py').read_text()).group(1))")
case "$(uname -s)" in
    Linux*) os=linux; bundle=dist/mnistviz; exe_rel=mnistviz ;;
    Darwin*) os=macos; bundle=dist/mnistviz.app; exe_rel=Contents/MacOS/mnistviz ;;
    MINGW*|MSYS*|CYGWIN*) os=windows; bundle=dist/mnistviz; exe_rel=mnistviz.exe ;;
    *) os=$(uname -s | tr '[:upper:]' '[:lower:]'); bundle=dist/mnistviz; exe_rel=mnistviz ;;
esac
arch=$(uname -m); [ "$arch" = "amd64" ] && arch=x86_64; [ "$arch" = "aarch64" ] && arch=arm64
archive=dist/mnistviz-$version-$os-$arch.tar.gz
failures=()

step() { printf '\n== %s\n' "$*"; }
mb() { du -sm "$1" | cut -f1; }            # disk usage, MB (MiB), as `du -sm`
bytes_mb() { echo $(( ($(wc -c < "$1") + 524288) / 1048576 )); }

if [ "$build" = 1 ]; then
    step "check the build environment"
    "$PYTHON" - <<'EOF'
import sys
import torch
if torch.version.cuda or torch.version.hip:
    sys.exit(f"torch {torch.__version__} is a GPU build: the bundle would be several GB. Install the CPU wheel:\n"
             f"  pip install torch=={torch.__version__.split('+')[0]}  (the +cpu wheel, from PyTorch's CPU-only wheel index)")
print(f"torch {torch.__version__} (CPU build), Python {sys.version.split()[0]}")
EOF
    "$PYTHON" scripts/make_icons.py --check
    step "build (pyinstaller --noconfirm --clean build.spec)"
    started=$SECONDS
    "$PYTHON" -m PyInstaller --noconfirm --clean build.spec
    echo "built in $(( SECONDS - started )) s"
fi
[ -x "$bundle/$exe_rel" ] || { echo "no executable at $bundle/$exe_rel" >&2; exit 1; }

# On Windows the executable is windowed (no console): bash waits for it and gets its exit
# code, but its lines go to the log file (cmd.exe would not even wait: use
# start "" /wait dist\mnistviz\mnistviz.exe selftest there).
step "frozen self-test ($bundle/$exe_rel selftest, QT_QPA_PLATFORM=offscreen)"
if QT_QPA_PLATFORM=offscreen "$bundle/$exe_rel" selftest; then
    echo "self-test passed"
else
    failures+=("frozen selftest failed (exit $?)")
fi
if [ "$os" = windows ] && [ -n "${LOCALAPPDATA:-}" ]; then
    log="$(cygpath -u "$LOCALAPPDATA" 2>/dev/null || echo "$LOCALAPPDATA")/mnistviz/Logs/mnistviz.log"
    [ -f "$log" ] && { echo "(from $log)"; tail -n 8 "$log"; }
fi

if [ "$os" = linux ] && command -v ldd >/dev/null; then
    # PyInstaller bundles the X11 libraries it finds on the build machine; the ones it did not
    # find must be installed where the app runs. A warning, not a failure (offscreen needs none).
    missing=$(ldd "$bundle"/_internal/PySide6/Qt/plugins/platforms/libqxcb.so 2>/dev/null \
        | awk '/not found/ {print $1}' | sort -u | tr '\n' ' ')
    if [ -n "$missing" ]; then
        step "warning: the window on X11 needs these libraries on the target machine"
        echo "$missing(not on this build machine, so not bundled; e.g. apt-get install libxcb-icccm4 libxcb-keysyms1)"
    fi
fi

step "frozen app from another folder, through a path with spaces"
work=$(mktemp -d "${TMPDIR:-/tmp}/mnistviz build check.XXXXXX")
trap 'rm -rf "$work"' EXIT
moved="$work/with space/$(basename "$bundle")"
mkdir -p "$work/with space" "$work/cwd" "$work/export to"
# Hard links when the file system allows (fast, no extra space), a real copy otherwise.
cp -al "$bundle" "$moved" 2>/dev/null || cp -R "$bundle" "$moved"
"$PYTHON" - "$work/cwd/digit seven.png" <<'EOF'
import sys
import numpy as np
from PIL import Image
with np.load("assets/samples.npz") as data:
    image = data["images"][data["labels"] == 7][0]
# Dark ink on light paper, as a scanned drawing: the app inverts it.
Image.fromarray(255 - image).resize((280, 280), Image.Resampling.BILINEAR).save(sys.argv[1])
EOF
if (cd "$work/cwd" && QT_QPA_PLATFORM=offscreen "$moved/$exe_rel" predict "digit seven.png" --json \
        --export "$work/export to" > "$work/predict.json"); then
    if "$PYTHON" - "$work/predict.json" "$work/export to" <<'EOF'
import json, pathlib, sys
out = json.loads(pathlib.Path(sys.argv[1]).read_text())
pngs = list(pathlib.Path(sys.argv[2]).glob("*.png"))
print(f"status {out['status']}, prediction {out['prediction']} (sample is a 7), model {out.get('model')}, "
      f"{len(pngs)} PNGs exported")
sys.exit(0 if out["status"] == "success" and len(pngs) >= 31 else 1)
EOF
    then echo "models and assets found from '$moved'"
    else failures+=("predict from a path with spaces gave an unexpected answer"); fi
else
    failures+=("predict from a path with spaces failed: $(head -c 300 "$work/predict.json")")
fi
rm -rf "$work/with space"

if [ "$startup" = 1 ]; then
    # scripts/bench_startup.sh: launch -> first painted window and -> first prediction on
    # screen (the app's MNISTVIZ_STARTUP_PROBE), median of 5, source install and this bundle.
    step "start-up time (scripts/bench_startup.sh, median of 5)"
    PYTHON="$PYTHON" MNISTVIZ_PACKAGED="$PWD/$bundle/$exe_rel" bash scripts/bench_startup.sh \
        || failures+=("start-up measurement failed")
fi

step "size"
bundle_mb=$(mb "$bundle")
echo "bundle: $bundle_mb MB unpacked (du -sm $bundle; goal <= $MAX_BUNDLE_MB MB)"
[ "$bundle_mb" -le "$MAX_BUNDLE_MB" ] || failures+=("bundle is $bundle_mb MB, over $MAX_BUNDLE_MB MB")

step "archive"
rm -f "$archive"
tar -C "$(dirname "$bundle")" -czf "$archive" "$(basename "$bundle")"  # gzip -9 would save 1 MB in 2.5x the time
archive_mb=$(bytes_mb "$archive")
echo "archive: $archive_mb MB ($archive; goal <= $MAX_ARCHIVE_MB MB)"
[ "$archive_mb" -le "$MAX_ARCHIVE_MB" ] || failures+=("archive is $archive_mb MB, over $MAX_ARCHIVE_MB MB")

echo
if [ "${#failures[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failures[@]}" >&2
    exit 1
fi
echo "OK: $bundle ($bundle_mb MB), $archive ($archive_mb MB), self-test passed"
