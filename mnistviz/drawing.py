"""Drawing files: what was drawn (strokes, times, pressure), not its pixels, so it replays.

```json
{"format": "mnistviz-drawing", "version": 1, "size": [280, 280],
 "strokes": [{"tool": "pen", "width": 18, "points": [[x, y, t_ms, pressure], ...]}]}
```

Core module: no Qt. The one renderer that turns strokes into pixels is the canvas's own
painting code (`mnistviz.ui.stroke_painter.render_drawing`), so a file replays exactly.
Every way a file can be wrong raises `DrawingFileError` with a sentence for the user.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FORMAT = "mnistviz-drawing"
VERSION = 1
CANVAS_SIZE = (280, 280)
TOOLS = ("pen", "eraser")
SUFFIXES = (".json",)  # ".mnistviz.json" ends in ".json" too

# Limits far above any real drawing (a minute of 1 kHz tablet input is 60,000 points),
# low enough that a hostile or broken file cannot exhaust memory or stall the window.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_STROKES = 10_000
MAX_POINTS = 2_000_000
MAX_WIDTH = 280.0
MAX_DURATION_MS = 24 * 3600 * 1000.0
# A stroke may leave the canvas while the button is held (the canvas records where the
# pointer went and paint is clipped); points further than this from the centre are absurd.
POINTER_REACH = 10.0


class DrawingFileError(Exception):
    """A drawing file that cannot be used; the message is for the user."""


@dataclass(frozen=True, eq=False)
class DrawnStroke:
    tool: str  # "pen" or "eraser"
    width: float  # brush width in canvas pixels, before pressure
    points: np.ndarray = field(repr=False)  # (n, 4) float64: x, y, t_ms, pressure

    @property
    def erase(self) -> bool:
        return self.tool == "eraser"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, DrawnStroke) and self.tool == other.tool and self.width == other.width
                and np.array_equal(self.points, other.points))


@dataclass(frozen=True)
class Drawing:
    size: tuple[int, int] = CANVAS_SIZE
    strokes: tuple[DrawnStroke, ...] = ()

    @property
    def duration_ms(self) -> float:
        return max((float(s.points[-1, 2]) for s in self.strokes), default=0.0)

    def until(self, t_ms: float) -> "Drawing":
        """The drawing as it was at time t_ms: later points (and strokes) left out."""
        kept = []
        for stroke in self.strokes:
            count = int(np.searchsorted(stroke.points[:, 2], t_ms, side="right"))
            if count == 0:
                break
            kept.append(stroke if count == len(stroke.points)
                        else DrawnStroke(stroke.tool, stroke.width, stroke.points[:count]))
        return Drawing(self.size, tuple(kept))

    def to_json(self) -> str:
        def number(value: float) -> float | int:
            value = float(value)  # full precision: JSON floats read back exactly, so replay is exact
            return int(value) if value.is_integer() else value

        strokes = [{"tool": s.tool, "width": number(s.width),
                    "points": [[number(v) for v in point] for point in s.points]} for s in self.strokes]
        return json.dumps({"format": FORMAT, "version": VERSION, "size": list(self.size), "strokes": strokes},
                          separators=(",", ":"), allow_nan=False)


def is_drawing_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def parse_drawing(text: str, name: str = "The file") -> Drawing:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise DrawingFileError(f"{name} is not a drawing: it is not valid JSON ({_json_reason(exc)}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DrawingFileError(f"{name} is JSON but not an mnistviz drawing "
                               f"(it should say \"format\": \"{FORMAT}\").")
    version = data.get("version")
    if version != VERSION:
        raise DrawingFileError(f"{name} is an mnistviz drawing of version {version!r}; this version of "
                               f"mnistviz reads version {VERSION}.")
    size = _size(data.get("size"), name)
    raw_strokes = data.get("strokes")
    if not isinstance(raw_strokes, list):
        raise DrawingFileError(f"{name} has no list of strokes.")
    if len(raw_strokes) > MAX_STROKES:
        raise DrawingFileError(f"{name} has {len(raw_strokes):,} strokes; at most {MAX_STROKES:,} are read.")
    strokes: list[DrawnStroke] = []
    total_points = 0
    last_t = 0.0
    for number, raw in enumerate(raw_strokes, 1):
        stroke = _stroke(raw, number, size, name)
        total_points += len(stroke.points)
        if total_points > MAX_POINTS:
            raise DrawingFileError(f"{name} has more than {MAX_POINTS:,} points; it is too large to replay.")
        if stroke.points[0, 2] < last_t:
            raise DrawingFileError(f"{name}: stroke {number} starts before the stroke above it ended "
                                   f"(times must rise through the drawing).")
        last_t = float(stroke.points[-1, 2])
        strokes.append(stroke)
    return Drawing(size, tuple(strokes))


def read_drawing(path: str | Path) -> Drawing:
    path = Path(path)
    name = path.name
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DrawingFileError(f"{name} is {path.stat().st_size / 1e6:.0f} MB; a drawing file is at most "
                                   f"{MAX_FILE_BYTES // (1024 * 1024)} MB.")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DrawingFileError(f"{name} was not found.") from None
    except IsADirectoryError:
        raise DrawingFileError(f"{name} is a folder, not a drawing file.") from None
    except OSError as exc:
        raise DrawingFileError(f"{name} could not be read ({exc.strerror or exc}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DrawingFileError(f"{name} is not a drawing: it is not a text file.") from None
    return parse_drawing(text, name)


def write_drawing(drawing: Drawing, path: str | Path) -> None:
    """Atomic: a temporary file in the same folder, then renamed over the target."""
    path = Path(path)
    text = drawing.to_json()
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _json_reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno}, column {exc.colno}: {exc.msg.lower()}"
    return "it is nested too deeply"


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _size(raw: object, name: str) -> tuple[int, int]:
    if (not isinstance(raw, list) or len(raw) != 2 or not all(_finite(v) and float(v).is_integer() for v in raw)):
        raise DrawingFileError(f"{name} has no valid \"size\" (expected [width, height] in pixels, such as [280, 280]).")
    width, height = int(raw[0]), int(raw[1])
    if (width, height) != CANVAS_SIZE:
        raise DrawingFileError(f"{name} was drawn on a {width}×{height} canvas; mnistviz draws on "
                               f"{CANVAS_SIZE[0]}×{CANVAS_SIZE[1]}.")
    return width, height


def _stroke(raw: object, number: int, size: tuple[int, int], name: str) -> DrawnStroke:
    where = f"{name}: stroke {number}"
    if not isinstance(raw, dict):
        raise DrawingFileError(f"{where} is not a stroke (expected {{\"tool\", \"width\", \"points\"}}).")
    tool = raw.get("tool")
    if tool not in TOOLS:
        raise DrawingFileError(f"{where} has the tool {tool!r}; the tools are \"pen\" and \"eraser\".")
    width = raw.get("width")
    if not _finite(width) or not 0 < width <= MAX_WIDTH:
        raise DrawingFileError(f"{where} has the brush width {width!r}; it must be a number above 0 "
                               f"and at most {MAX_WIDTH:g} pixels.")
    points = raw.get("points")
    if not isinstance(points, list) or not points:
        raise DrawingFileError(f"{where} has no points.")
    if len(points) > MAX_POINTS:
        raise DrawingFileError(f"{where} has more than {MAX_POINTS:,} points; it is too large to replay.")
    if not all(isinstance(p, list) and len(p) == 4 and all(_finite(v) for v in p) for p in points):
        raise DrawingFileError(f"{where} has a point that is not four numbers [x, y, t_ms, pressure].")
    array = np.asarray(points, dtype=np.float64)
    x, y, t, pressure = array.T
    reach = POINTER_REACH * max(size)
    if (np.abs(x - size[0] / 2) > reach).any() or (np.abs(y - size[1] / 2) > reach).any():
        raise DrawingFileError(f"{where} has a point far outside the {size[0]}×{size[1]} canvas.")
    if (t < 0).any() or (np.diff(t) < 0).any() or (t > MAX_DURATION_MS).any():
        raise DrawingFileError(f"{where} has times that go backwards or are negative "
                               f"(t_ms counts milliseconds from the start of the drawing).")
    if (pressure < 0).any() or (pressure > 1).any():
        raise DrawingFileError(f"{where} has a pressure outside 0–1.")
    array.setflags(write=False)
    return DrawnStroke(tool, float(width), array)
