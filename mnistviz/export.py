"""Export one Result as PNG files and JSON, with Pillow: no Qt, no torch.

``export_result(result, folder)`` writes into `folder`:

* ``featuremaps.png``: a contact sheet (white background, prints and projects well):
  the prediction, the 28x28 input, the probabilities as bars with the predicted class
  highlighted, the evidence for the predicted class (a diverging map over the last
  stage with its sum written out: bias + evidence = logit), and each stage as a labelled
  grid of its maps (filter numbers 1..C) with its own colour bar and min/max numbers;
* ``filters.png``: the kernels recovered from the model file (conv1's, and conv2's as a
  grid: row = its map, column = the conv1 map it reads), one shared diverging scale;
  only when the model's convolutions were recovered (`Result.network`);
* one PNG per map, ``conv1_01.png`` ... ``conv2_10.png`` ... ``pool_10.png`` (prefix by
  stage position, see `STAGE_PREFIXES`), upscaled by an integer factor to at least
  `MAP_PNG_MIN_SIZE` px with nearest neighbour, in the same colour map and levels as
  the sheet;
* ``result.json``: prediction, class label, probabilities, model name, timings, stage
  names and shapes, colour map, scale mode, app version, and ``evidence`` (the
  predicted class's, as `explain.evidence_payload`; null when there is none).

An export either fully replaces the earlier one in `folder` or leaves it untouched:
everything is written into a hidden staging folder inside `folder`; then the earlier
export's files (the names its result.json lists: only files mnistviz wrote) are moved
aside, the new ones moved in, and the old ones deleted. On any failure the new files
are removed and the old ones moved back. Other files in `folder` are never touched.
A missing or unwritable folder, or a full disk, raises `ExportError` with a message
meant for the user. `progress(done, total)` is called after each file is written; it
may raise `ExportCancelled` to stop (the earlier export then stays as it was).
"""

from __future__ import annotations

import errno
import json
import math
import os
import shutil
import tempfile
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from mnistviz import __version__, colormaps
from mnistviz.explain import Evidence, evidence_payload
from mnistviz.formatting import WIDEST_PROBABILITY_TEXTS, format_probability
from mnistviz.mosaic import DEFAULT_SCALE_MODE, SCALE_MODES, Levels, StageScale, grid_shape
from mnistviz.result import Result

SHEET_NAME = "featuremaps.png"
FILTERS_NAME = "filters.png"
JSON_NAME = "result.json"
STAGE_PREFIXES = ("conv1", "conv2", "pool")  # by stage position; more stages: stage4, stage5, ...
MAP_PNG_MIN_SIZE = 224  # per-map PNGs: the longer side is at least this many pixels
SHEET_CELL = 112  # contact sheet: each map is upscaled by an integer factor to at most this
INPUT_SCALE = 9  # contact sheet: the 28x28 input at 9x = 252 px

# Shared look: the prediction dock uses the same highlight colour for the winning class.
WINNER_COLOUR = "#E8743B"
BAR_COLOUR = "#B4BEC9"
INK = "#1F2328"
MUTED = "#5F6B7A"
RULE = "#D5DAE0"
BACKGROUND = "#FFFFFF"


class ExportError(Exception):
    """The export could not be written; the message says why, for the user."""


class ExportCancelled(ExportError):
    """The user stopped the export (raised from a `progress` callback)."""


Progress = Callable[[int, int], None]  # (files written, files in all)
_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def stage_prefix(position: int) -> str:
    """File-name prefix of the stage at `position` (0-based): conv1, conv2, pool, stage4..."""
    return STAGE_PREFIXES[position] if position < len(STAGE_PREFIXES) else f"stage{position + 1}"


def map_filename(position: int, index: int) -> str:
    """``conv1_01.png`` for map `index` (0-based) of the stage at `position`."""
    return f"{stage_prefix(position)}_{index + 1:02d}.png"


def upscale_factor(height: int, width: int, minimum: int = MAP_PNG_MIN_SIZE) -> int:
    """The integer factor that brings the longer side to at least `minimum` px."""
    return max(1, math.ceil(minimum / max(height, width)))


def stage_levels(result: Result, scale_mode: str = DEFAULT_SCALE_MODE,
                 levels: Mapping[str, tuple[float, float]] | None = None
                 ) -> list[tuple[str, np.ndarray, Levels]]:
    """Per stage: (name, values to colour, levels), as the docks show them.

    "fixed" has no history here, so it equals "stage" unless `levels` gives the range
    (e.g. the docks' current fixed ranges, by stage name). "map" normalises each map."""
    out = []
    for name, maps in result.stages.items():
        scale = StageScale(scale_mode)
        values, lv = scale.prepare(maps)
        if levels is not None and name in levels and not lv.relative:
            lo, hi = (float(v) for v in levels[name])
            lv = Levels(lo, hi if hi > lo else lo + 1.0, False)
        out.append((name, values, lv))
    return out


def render_map(values: np.ndarray, lv: Levels, colormap: str = colormaps.DEFAULT, factor: int = 1) -> Image.Image:
    """One (H, W) map as an RGB image, each pixel a `factor` x `factor` block."""
    rgb = colormaps.apply(values, lv.lo, lv.hi, colormap)
    if factor > 1:
        rgb = np.repeat(np.repeat(rgb, factor, axis=0), factor, axis=1)
    return Image.fromarray(np.ascontiguousarray(rgb), "RGB")


def export_result(result: Result, folder: str | os.PathLike, colormap: str = colormaps.DEFAULT,
                  scale_mode: str = DEFAULT_SCALE_MODE,
                  levels: Mapping[str, tuple[float, float]] | None = None,
                  progress: Progress | None = None) -> list[Path]:
    """Write the contact sheet, one PNG per map and result.json into `folder`.

    Returns the written paths (sheet, maps in stage order, JSON). The files of an earlier
    export in `folder` are replaced as a whole (stale map files of a bigger model go too).
    Raises `ExportError` if `folder` is missing or cannot be written; then the folder is
    as it was before.
    """
    colormaps.lut(colormap)  # KeyError for an unknown colour map, before touching the disk
    if scale_mode not in SCALE_MODES:
        raise ValueError(f"unknown scale mode {scale_mode!r}; known: {', '.join(SCALE_MODES)}")
    folder = Path(folder)
    if not folder.exists():
        raise ExportError(f"Cannot export to {folder}: the folder does not exist.")
    if not folder.is_dir():
        raise ExportError(f"Cannot export to {folder}: it is not a folder.")
    try:
        staging = Path(tempfile.mkdtemp(prefix=".mnistviz-export-", dir=folder))
    except OSError as exc:
        raise ExportError(f"Cannot export to {folder}: the folder cannot be written "
                          f"({exc.strerror or exc}).") from exc
    try:
        try:
            names = _write_all(result, staging, colormap, scale_mode, levels, progress)
            _swap_in(folder, staging, names)
        except OSError as exc:
            raise ExportError(_failure_message(folder, exc)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in names]


def _failure_message(folder: Path, exc: OSError) -> str:
    detail = exc.strerror or str(exc)
    if exc.errno in _DISK_FULL:
        why = f"there is not enough space on the disk ({detail})"
    else:
        why = f"writing the files failed ({detail})"
    return f"Cannot export to {folder}: {why}. Nothing was changed: any earlier export there is as it was."


def previous_export(folder: Path) -> list[str]:
    """The files an earlier mnistviz export in `folder` wrote, by its result.json; [] if none.

    Only plain names of files that exist: a hand-edited result.json cannot point elsewhere."""
    try:
        summary = json.loads((folder / JSON_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(summary, dict) or summary.get("app") != "mnistviz" or not isinstance(summary.get("files"), list):
        return []
    return [name for name in dict.fromkeys(summary["files"])
            if isinstance(name, str) and name == Path(name).name and name not in ("", ".", "..")
            and (folder / name).is_file()]


def _swap_in(folder: Path, staging: Path, names: list[str]) -> None:
    """Old export aside, new one in, old one deleted; on failure, back to the old one."""
    old = previous_export(folder)
    # A new name may also exist without being in the old list: replaced, as a save over a file is.
    aside = list(dict.fromkeys(old + [n for n in names if (folder / n).is_file() and n not in old]))
    backup = Path(tempfile.mkdtemp(prefix=".mnistviz-previous-", dir=folder))
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        for name in aside:
            os.replace(folder / name, backup / name)
            moved_aside.append(name)
        # result.json last: until it is in place, the folder never claims a half export.
        for name in names:
            os.replace(staging / name, folder / name)
            moved_in.append(name)
    except OSError:
        for name in moved_in:
            try:
                (folder / name).unlink()
            except OSError:
                pass
        for name in moved_aside:
            try:
                os.replace(backup / name, folder / name)
            except OSError:  # pragma: no cover - renames within one folder do not fail twice
                pass
        if not os.listdir(backup):
            shutil.rmtree(backup, ignore_errors=True)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _write_all(result: Result, staging: Path, colormap: str, scale_mode: str,
               levels: Mapping[str, tuple[float, float]] | None, progress: Progress | None = None) -> list[str]:
    stages = stage_levels(result, scale_mode, levels)
    maps = sum(values.shape[0] for _, values, _ in stages)
    # Steps: each tile of the sheet, the sheet file, each map file, result.json. A step per
    # tile too, so that progress moves (and a cancel is heard) while a big sheet is drawn.
    filters = render_filters(result.network, result.model_name)
    total, done = 2 * maps + 2 + (filters is not None), 0
    tell = progress or (lambda done, total: None)

    def step() -> None:
        nonlocal done
        done += 1
        tell(done, total)

    tell(0, total)
    names = [SHEET_NAME]
    _Sheet(result, stages, colormap, scale_mode, tick=step).render().save(staging / SHEET_NAME, optimize=True)
    step()
    if filters is not None:
        filters.save(staging / FILTERS_NAME, optimize=True)
        names.append(FILTERS_NAME)
        step()
    for position, (_, values, lv) in enumerate(stages):
        factor = upscale_factor(*values.shape[1:])
        for index in range(values.shape[0]):
            name = map_filename(position, index)
            render_map(values[index], lv, colormap, factor).save(staging / name)
            names.append(name)
            step()
    summary = result_summary(result, stages, colormap, scale_mode, names + [JSON_NAME])
    (staging / JSON_NAME).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    names.append(JSON_NAME)
    step()
    return names


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def result_summary(result: Result, stages, colormap: str, scale_mode: str, files: list[str]) -> dict:
    """The content of result.json."""
    return {
        "app": "mnistviz",
        "app_version": __version__,
        "created": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
        "model_name": result.model_name,
        "prediction": result.prediction,
        "label": result.classes[result.prediction],
        "confidence": _finite(result.confidence),
        "classes": list(result.classes),
        "probabilities": [_finite(p) for p in result.probabilities],
        "logits": [_finite(v) for v in result.logits],
        "timings": {k: _finite(v) for k, v in result.timings.items()},
        "colormap": colormap,
        "scale_mode": scale_mode,
        "stages": [
            {
                "name": name,
                "prefix": stage_prefix(position),
                "shape": [int(d) for d in maps.shape],
                "min": _finite(maps.min()),
                "max": _finite(maps.max()),
                "levels": None if lv.relative else [_finite(lv.lo), _finite(lv.hi)],
                "relative": lv.relative,
            }
            for position, ((name, _, lv), maps) in enumerate(zip(stages, result.stages.values()))
        ],
        "evidence": evidence_payload(result.evidence, result.prediction) if result.evidence is not None else None,
        "files": files,
    }


# ---------------------------------------------------------------------------------------
# Contact sheet

def drawable(text: str) -> str:
    """The bundled font has no minus sign or arrow: their ASCII stand-ins."""
    return text.replace("\u2212", "-").replace("\u2192", "->")


@lru_cache(maxsize=None)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled scalable font (Pillow >= 10.1), so the sheet looks the same everywhere."""
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # pragma: no cover - an old Pillow without sizes
        return ImageFont.load_default()


def format_value(value: float) -> str:
    """Short, readable numbers for scale bars: 0, 0.53, 12.4, 1.2e+03."""
    value = float(value)
    if value == 0:
        return "0"
    if 0.01 <= abs(value) < 1000:
        return f"{value:.3g}"
    return f"{value:.2g}"


_SCALE_CAPTIONS = {
    "stage": "one colour scale for the stage",
    "fixed": "fixed colour scale",
    "map": "each map scaled on its own",
}


class _Sheet:
    margin = 36
    left_width = 270
    column_gap = 56
    number_height = 22  # filter numbers above each tile
    tile_gap_x = 14
    tile_gap_y = 8
    bar_width = 22
    bar_text = 90  # room for the colour bar's numbers
    title_height = 104
    stage_header = 62
    stage_after = 30
    evidence_size = 168  # px of the evidence map's longer side
    evidence_height = 36 + 24 + evidence_size + 44 + 3 * 24 + 24

    def __init__(self, result: Result, stages, colormap: str, scale_mode: str, tick=None):
        self.result = result
        self.tick = tick or (lambda: None)  # after each tile: export progress and cancel
        self.stages = stages
        self.colormap = colormap
        self.scale_mode = scale_mode
        self.geometry = []
        for _, values, _ in stages:
            channels, h, w = values.shape
            factor = max(1, SHEET_CELL // max(h, w))
            rows, cols = grid_shape(channels)
            cell_w, cell_h = w * factor, h * factor
            grid_w = cols * cell_w + (cols - 1) * self.tile_gap_x
            grid_h = rows * (self.number_height + cell_h) + (rows - 1) * self.tile_gap_y
            self.geometry.append((factor, rows, cols, cell_w, cell_h, grid_w, grid_h))
        grids_w = max(g[5] for g in self.geometry)
        self.right_x = self.margin + self.left_width + self.column_gap
        self.width = self.right_x + grids_w + 18 + self.bar_width + self.bar_text + self.margin
        stages_h = sum(self.stage_header + g[6] + self.stage_after for g in self.geometry)
        self.height = max(self.title_height + stages_h, self.title_height + self._left_height()) + self.margin

    def _left_height(self) -> int:
        evidence = self.evidence_height if self.result.evidence is not None else 0
        return 40 + 28 * INPUT_SCALE + 36 + 40 + 32 * len(self.result.probabilities) + 30 + evidence + 4 * 24

    def render(self) -> Image.Image:
        image = Image.new("RGB", (self.width, self.height), BACKGROUND)
        draw = ImageDraw.Draw(image)
        self._title(draw)
        self._left(image, draw)
        y = self.title_height
        for (name, values, lv), geometry in zip(self.stages, self.geometry):
            y = self._stage(image, draw, y, name, values, lv, geometry)
        return image

    def _text(self, draw, xy, text, size, fill=INK, anchor="la", bold=False):
        text = drawable(text)
        # The bundled font has no bold face: bold is the text drawn twice, 1 px apart.
        draw.text(xy, text, font=font(size), fill=fill, anchor=anchor)
        if bold:
            draw.text((xy[0] + 1, xy[1]), text, font=font(size), fill=fill, anchor=anchor)

    def _title(self, draw):
        r = self.result
        label = r.classes[r.prediction]
        m = self.margin
        self._text(draw, (m, m), "Prediction:", 30, MUTED, "lt")
        x = m + draw.textlength("Prediction: ", font=font(30))
        self._text(draw, (x, m - 6), label, 40, WINNER_COLOUR, "lt", bold=True)
        x += draw.textlength(label + " ", font=font(40)) + 6
        self._text(draw, (x, m), f"{format_probability(r.confidence)} sure", 30, INK, "lt")
        when = datetime.now().strftime("%Y-%m-%d %H:%M")
        self._text(draw, (self.width - m, m - 2), f"model: {r.model_name or 'unnamed'}", 18, MUTED, "rt")
        self._text(draw, (self.width - m, m + 24), f"mnistviz {__version__} · {when}", 16, MUTED, "rt")
        draw.line([(m, self.title_height - 28), (self.width - m, self.title_height - 28)], fill=RULE, width=2)

    def _left(self, image, draw):
        r = self.result
        x, y = self.margin, self.title_height
        self._text(draw, (x, y), "Input (28 x 28)", 22, INK, "lt", bold=True)
        y += 36
        grey = np.clip(np.asarray(r.input_28, dtype=np.float32), 0, 1)
        pixels = (grey * 255 + 0.5).astype(np.uint8)
        size = pixels.shape[0] * INPUT_SCALE
        inp = Image.fromarray(pixels, "L").resize((pixels.shape[1] * INPUT_SCALE, size), Image.NEAREST)
        image.paste(inp, (x, y))
        draw.rectangle([x - 1, y - 1, x + inp.width, y + inp.height], outline=MUTED, width=1)
        y += inp.height + 36

        self._text(draw, (x, y), "Probabilities", 22, INK, "lt", bold=True)
        y += 40
        # Room for the widest percentage ("> 99.9 %") and a gap, so no text runs into a bar.
        label_w = 30
        pct_w = 12 + max(round(draw.textlength(t, font=font(18))) + 1 for t in WIDEST_PROBABILITY_TEXTS)
        bar_max = self.left_width - label_w - pct_w
        for k, (cls, p) in enumerate(zip(r.classes, r.probabilities)):
            winner = k == r.prediction
            colour = WINNER_COLOUR if winner else BAR_COLOUR
            cy = y + 12
            self._text(draw, (x + label_w - 10, cy), str(cls), 20, INK, "rm", bold=winner)
            draw.rectangle([x + label_w, y + 2, x + label_w + bar_max, y + 22], fill="#F1F3F5")
            length = int(round(float(np.clip(p, 0, 1)) * bar_max))
            if length > 0:
                draw.rectangle([x + label_w, y + 2, x + label_w + length - 1, y + 22], fill=colour)
            self._text(draw, (x + self.left_width, cy), format_probability(p), 18,
                       WINNER_COLOUR if winner else MUTED, "rm", bold=winner)
            y += 32
        y += 30
        if r.evidence is not None:
            y = self._evidence(image, draw, x, y, r.evidence)
        for line in (f"Colour map: {self.colormap}", f"Scale: {SCALE_MODES[self.scale_mode].lower()}",
                     "Map files: conv1_01.png …", f"… {map_filename(len(self.stages) - 1, self.stages[-1][1].shape[0] - 1)}"):
            self._text(draw, (x, y), line, 16, MUTED, "lt")
            y += 24

    def _evidence(self, image, draw, x, y, evidence: Evidence) -> int:
        """Why the predicted class: its evidence map (blue against, red for, white 0) and the
        sum written out as a column of figures."""
        r = self.result
        k = r.prediction
        label = r.classes[k]
        title = f"Why {label}?" + ("" if evidence.exact else " (approximate)")
        self._text(draw, (x, y), title, 22, INK, "lt", bold=True)
        self._text(draw, (x, y + 30), evidence.method, 14, MUTED, "lt")
        y += 36 + 24
        values = evidence.maps[k]
        factor = max(1, self.evidence_size // max(values.shape))
        limit = colormaps.signed_limit(values)
        rgb = np.repeat(np.repeat(colormaps.apply_signed(values, limit), factor, 0), factor, 1)
        tile = Image.fromarray(np.ascontiguousarray(rgb), "RGB")
        image.paste(tile, (x, y))
        draw.rectangle([x - 1, y - 1, x + tile.width, y + tile.height], outline=MUTED, width=1)
        y += tile.height + 8
        bar = colormaps.apply_signed(np.linspace(-limit, limit, tile.width)[None].repeat(10, 0), limit)
        image.paste(Image.fromarray(np.ascontiguousarray(bar), "RGB"), (x, y))
        self._text(draw, (x, y + 14), signed_text(-limit), 14, MUTED, "lt")
        self._text(draw, (x + tile.width // 2, y + 14), "0", 14, MUTED, "mt")
        self._text(draw, (x + tile.width, y + 14), signed_text(limit, plus=True), 14, MUTED, "rt")
        self._text(draw, (x + tile.width + 10, y + 5), "red: for", 14, MUTED, "lm")
        self._text(draw, (x + tile.width + 10, y + 23), "blue: against", 14, MUTED, "lm")
        y += 44
        right = x + self.left_width
        if evidence.exact:
            lines = [("bias", signed_text(evidence.bias[k]), False),
                     ("+ evidence (sum)", signed_text(evidence.total(k)), False),
                     (f"= logit {label}", signed_text(evidence.logits[k]), True)]
        else:
            lines = [("logit drops (sum)", signed_text(evidence.total(k)), False),
                     (f"logit {label}", signed_text(evidence.logits[k]), True),
                     ("drops do not add up to it", "", False)]
        for text, number, bold in lines:
            self._text(draw, (x, y), text, 17, INK, "lt", bold=bold)
            self._text(draw, (right, y), number, 17, INK, "rt", bold=bold)
            y += 24
        return y + 24

    def _stage(self, image, draw, y, name, values, lv, geometry) -> int:
        factor, rows, cols, cell_w, cell_h, grid_w, grid_h = geometry
        channels, h, w = values.shape
        x0 = self.right_x
        self._text(draw, (x0, y), name, 24, INK, "lt", bold=True)
        sub = f"{channels} map{'s' if channels != 1 else ''} @ {h} x {w} · {_SCALE_CAPTIONS[self.scale_mode]}"
        self._text(draw, (x0, y + 32), sub, 16, MUTED, "lt")
        y += self.stage_header
        for index in range(channels):
            r, c = divmod(index, cols)
            tx = x0 + c * (cell_w + self.tile_gap_x)
            ty = y + r * (self.number_height + cell_h + self.tile_gap_y)
            self._text(draw, (tx + cell_w // 2, ty + self.number_height - 4), str(index + 1), 16, MUTED, "ms")
            tile = render_map(values[index], lv, self.colormap, factor)
            image.paste(tile, (tx, ty + self.number_height))
            self.tick()
        self._colour_bar(image, draw, x0 + grid_w + 18, y + self.number_height,
                         grid_h - self.number_height, lv)
        return y + grid_h + self.stage_after

    def _colour_bar(self, image, draw, x, y, height, lv: Levels):
        index = np.linspace(255, 0, height).round().astype(np.intp)
        column = colormaps.lut(self.colormap)[index]  # (height, 3), top = high
        bar = np.repeat(column[:, None, :], self.bar_width, axis=1)
        image.paste(Image.fromarray(np.ascontiguousarray(bar), "RGB"), (x, y))
        draw.rectangle([x - 1, y - 1, x + self.bar_width, y + height], outline=MUTED, width=1)
        tx = x + self.bar_width + 6
        if lv.relative:
            ticks = [(y, "max"), (y + height - 1, "min")]
            self._text(draw, (tx, y + height // 2), "relative", 14, MUTED, "lm")
        else:
            mid = (lv.lo + lv.hi) / 2
            ticks = [(y, format_value(lv.hi)), (y + height // 2, format_value(mid)),
                     (y + height - 1, format_value(lv.lo))]
        for ty, text in ticks:
            draw.line([(x + self.bar_width, ty), (x + self.bar_width + 4, ty)], fill=MUTED, width=1)
            self._text(draw, (tx + 2, ty), text, 16, INK, "lm")


def signed_text(value: float, plus: bool = False) -> str:
    """2 decimals with a real minus sign ("−0.41"); "+" only when asked."""
    value = float(value)
    if not math.isfinite(value):
        return "–"
    text = f"{abs(value):.2f}"
    if value < 0 and text != "0.00":
        return "−" + text
    return ("+" if plus and text != "0.00" else "") + text


def evidence_sentence(evidence: Evidence, class_index: int, label: str) -> str:
    """"logit 7 = bias −0.41 + evidence 9.87 = 9.46" (exact), or the approximate equivalent."""
    k = class_index
    if evidence.exact:
        total = evidence.total(k)
        joint = "+" if total >= 0 else "−"
        return (f"logit {label} = bias {signed_text(evidence.bias[k])} {joint} evidence "
                f"{signed_text(abs(total))} = {signed_text(evidence.logits[k])}")
    return (f"logit {label} = {signed_text(evidence.logits[k])}; blanking patches lowers it by "
            f"{signed_text(evidence.total(k))} in all ({evidence.method})")


# ---------------------------------------------------------------------------------------
# Filters sheet

def render_filters(network, model_name: str = "") -> Image.Image | None:
    """conv1's kernels (one row) and conv2's (a grid: row = its map, column = the map it
    reads), on one diverging scale centred on 0; None when neither was recovered."""
    if network is None or (network.conv1 is None and network.conv2 is None):
        return None
    return _FiltersSheet(network, model_name).render()


class _FiltersSheet:
    margin = 36
    weight_px = 20  # one kernel weight, as a square
    gap = 10
    number_height = 20
    header = 64
    bar_width = 22

    def __init__(self, network, model_name: str):
        self.model_name = model_name
        self.sections = []
        if network.conv1 is not None:
            w = network.conv1.weight
            self.sections.append((f"Conv1 kernels: {w.shape[0]} filters, {w.shape[2]}x{w.shape[3]}",
                                  "one kernel per Conv1 map; it slides over the normalised input",
                                  w.reshape(1, -1, *w.shape[2:]) if w.shape[1] == 1 else w))
        if network.conv2 is not None:
            w = network.conv2.weight
            self.sections.append((f"Conv2 kernels: {w.shape[0]} x {w.shape[1]}, {w.shape[2]}x{w.shape[3]}",
                                  "row: the Conv2 map it makes · column: the Conv1 map it reads", w))
        self.limit = colormaps.signed_limit(*(kernels for _, _, kernels in self.sections))
        kh, kw = self.sections[0][2].shape[2:]
        self.tile = (kh * self.weight_px, kw * self.weight_px)
        cols = max(k.shape[1] for _, _, k in self.sections)
        self.grid_w = 30 + cols * (self.tile[1] + self.gap)
        self.width = self.margin * 2 + self.grid_w + 18 + self.bar_width + 80
        self.height = self.margin + 60 + sum(self._section_height(k) for _, _, k in self.sections) + self.margin

    def _section_height(self, kernels: np.ndarray) -> int:
        return self.header + self.number_height + kernels.shape[0] * (self.tile[0] + self.gap) + 20

    def render(self) -> Image.Image:
        image = Image.new("RGB", (self.width, self.height), BACKGROUND)
        draw = ImageDraw.Draw(image)
        m = self.margin
        draw.text((m, m), "Filters (kernel weights)", font=font(28), fill=INK, anchor="lt")
        draw.text((self.width - m, m + 4), f"model: {self.model_name or 'unnamed'} · mnistviz {__version__}",
                  font=font(16), fill=MUTED, anchor="rt")
        y = m + 60
        for title, caption, kernels in self.sections:
            y = self._section(image, draw, y, title, caption, kernels)
        self._colour_bar(image, draw, m + self.grid_w + 18, m + 60 + self.header, 240)
        return image

    def _section(self, image, draw, y, title, caption, kernels) -> int:
        x0 = self.margin + 30
        draw.text((self.margin, y), title, font=font(22), fill=INK, anchor="lt")
        draw.text((self.margin, y + 30), caption, font=font(15), fill=MUTED, anchor="lt")
        y += self.header
        th, tw = self.tile
        rows, cols = kernels.shape[:2]
        for c in range(cols):
            draw.text((x0 + c * (tw + self.gap) + tw // 2, y + self.number_height - 4), str(c + 1),
                      font=font(14), fill=MUTED, anchor="ms")
        y += self.number_height
        for r in range(rows):
            ty = y + r * (th + self.gap)
            if rows > 1:
                draw.text((x0 - 8, ty + th // 2), str(r + 1), font=font(14), fill=MUTED, anchor="rm")
            for c in range(cols):
                rgb = colormaps.apply_signed(kernels[r, c], self.limit)
                rgb = np.repeat(np.repeat(rgb, self.weight_px, 0), self.weight_px, 1)
                tx = x0 + c * (tw + self.gap)
                image.paste(Image.fromarray(np.ascontiguousarray(rgb), "RGB"), (tx, ty))
                # a thin frame: near-zero kernels are near-white, like the page
                draw.rectangle([tx - 1, ty - 1, tx + tw, ty + th], outline=RULE, width=1)
        return y + rows * (th + self.gap) + 20

    def _colour_bar(self, image, draw, x, y, height):
        column = colormaps.apply_signed(np.linspace(self.limit, -self.limit, height), self.limit)
        bar = np.repeat(column[:, None, :], self.bar_width, axis=1)
        image.paste(Image.fromarray(np.ascontiguousarray(bar), "RGB"), (x, y))
        draw.rectangle([x - 1, y - 1, x + self.bar_width, y + height], outline=MUTED, width=1)
        for ty, text in ((y, signed_text(self.limit, plus=True)), (y + height // 2, "0"),
                         (y + height - 1, signed_text(-self.limit))):
            draw.text((x + self.bar_width + 8, ty), drawable(text), font=font(16), fill=INK, anchor="lm")


def render_sheet(result: Result, stages=None, colormap: str = colormaps.DEFAULT,
                 scale_mode: str = DEFAULT_SCALE_MODE) -> Image.Image:
    """The contact sheet as a Pillow image (`stages` from `stage_levels`)."""
    if stages is None:
        stages = stage_levels(result, scale_mode)
    return _Sheet(result, stages, colormap, scale_mode).render()


__all__ = [
    "ExportError", "ExportCancelled", "export_result", "previous_export", "render_sheet", "render_map", "stage_levels", "stage_prefix",
    "map_filename", "upscale_factor", "SHEET_NAME", "JSON_NAME", "FILTERS_NAME", "render_filters", "evidence_sentence",
]
