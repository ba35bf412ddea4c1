#!/bin/bash
# docs/screenshots/replay.png: the real window on its own Xvfb 1280x800 + openbox, a 1 and then
# the bar that makes it a 7 drawn with xdotool, Ctrl+Left back to the moment the 1 was
# finished, the screen read back with ImageMagick's `import` and cropped to the window.
#   PYTHON=.venv/bin/python scripts/replay_screenshot.sh [out.png]
set -e
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
OUT=${1:-docs/screenshots/replay.png}
WORK=$(mktemp -d)
N=140; while [ -e /tmp/.X11-unix/X$N ] || [ -e /tmp/.X$N-lock ]; do N=$((N+1)); done
D=:$N  # a display nobody else uses
Xvfb $D -screen 0 1280x800x24 -nolisten tcp -br >/dev/null 2>&1 & XPID=$!
for i in $(seq 40); do [ -e /tmp/.X11-unix/X$N ] && break; sleep 0.25; done
DISPLAY=$D openbox >/dev/null 2>&1 & OPID=$!
sleep 1
cat > "$WORK/driver.py" <<'PY'
"""The real window; every 200 ms it writes where the canvas is (for xdotool) and its state."""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from mnistviz.app import build_window
app = QApplication(sys.argv)
w = build_window()
w.show()
def report():
    view = w.canvas._view_rect()
    corner = w.canvas.mapToGlobal(view.topLeft().toPoint())
    frame = w.frameGeometry()
    json.dump({"x": corner.x(), "y": corner.y(), "side": view.width(), "model": w.model_info is not None,
               "curves": w.replay.curves is not None, "window": [frame.x(), frame.y(), frame.width(), frame.height()],
               "prediction": None if w.last_result is None else w.last_result.classes[w.last_result.prediction]},
              open(sys.argv[1], "w"))
timer = QTimer(); timer.timeout.connect(report); timer.start(200)
app.exec()
PY
INFO=$WORK/info.json
DISPLAY=$D QT_QPA_PLATFORM=xcb XDG_CONFIG_HOME=$WORK/config $PYTHON "$WORK/driver.py" "$INFO" >"$WORK/app.log" 2>&1 & APID=$!
cleanup() { kill $APID 2>/dev/null || true; sleep 0.5; kill $OPID $XPID 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for i in $(seq 120); do [ -f "$INFO" ] && grep -q '"model": true' "$INFO" && break; sleep 0.5; done
sleep 2
read X Y S <<<"$(python3 -c "import json;d=json.load(open('$INFO'));print(d['x'],d['y'],d['side'])")"
at() { python3 -c "print(round($X + ($1) * $S / 280), round($Y + ($2) * $S / 280))"; }  # canvas px -> screen
stroke() {  # x0 y0 x1 y1 steps, in canvas pixels
  read a b <<<"$(at "$1" "$2")"; DISPLAY=$D xdotool mousemove "$a" "$b" mousedown 1
  for k in $(seq 1 "$5"); do
    read a b <<<"$(at "$1+($3-$1)*$k/$5" "$2+($4-$2)*$k/$5")"; DISPLAY=$D xdotool mousemove "$a" "$b"; sleep 0.03
  done
  DISPLAY=$D xdotool mouseup 1
}
stroke 175 60 125 225 30   # a 1
sleep 0.6
stroke 85 62 175 60 20     # the bar that makes it a 7
for i in $(seq 60); do grep -q '"curves": true' "$INFO" && break; sleep 0.5; done
sleep 1
DISPLAY=$D xdotool key ctrl+Left   # back to the moment the 1 was finished
sleep 2
cat "$INFO"; echo
DISPLAY=$D import -window root "$WORK/screen.png"
read WX WY WW WH <<<"$(python3 -c "import json;print(*json.load(open('$INFO'))['window'])")"
convert "$WORK/screen.png" -crop "${WW}x$((WH < 800 - WY ? WH : 800 - WY))+$WX+$WY" +repage "$OUT"
echo "wrote $OUT"
