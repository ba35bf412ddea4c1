"""The window on a real X server, read back from the X framebuffer (not widget.grab()).

Offscreen rendering and ``widget.grab()`` paint the widget afresh, so they cannot see
stale paint; these tests can. Each runs `screen_driver.py` in its own process on Xvfb
with openbox, driven by xdotool. Run them alone with ``pytest -m screen``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.screen

DRIVER = Path(__file__).with_name("screen_driver.py")


def drive(x_screens, tmp_path, scenario: str, size=(1920, 1080), *args) -> dict:
    server = x_screens(*size)
    done = server.run([sys.executable, str(DRIVER), scenario, *map(str, args)], tmp_path / "config")
    lines = [line for line in done.stdout.splitlines() if line.startswith("REPORT ")]
    assert done.returncode == 0 and lines, f"driver failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return json.loads(lines[-1][len("REPORT "):])


def test_probability_bars_on_screen_follow_every_change(x_screens, tmp_path):
    steps = drive(x_screens, tmp_path, "bars")["steps"]
    # The scenario really shrinks the winning bar and ends empty, or it proves nothing.
    assert steps[0]["top"] > 0.9
    assert min(s["top"] for s in steps[1:-1]) < steps[0]["top"] - 0.1
    assert steps[-1]["empty"] and max(steps[-1]["heights"]) == 0
    for step in steps:
        assert step["stale_pixels"] == 0, f"stale bar paint after '{step['step']}': {step}"
        assert step["missing_pixels"] == 0, f"a bar is not painted after '{step['step']}': {step}"
        assert step["stale_dock_pixels"] == 0, f"the dock differs from a fresh paint after '{step['step']}'"


def test_feature_maps_on_screen_follow_every_change(x_screens, tmp_path):
    steps = drive(x_screens, tmp_path, "maps")["steps"]
    assert steps[-1]["empty"]
    for step in steps:
        assert step["checked_cells"] > 500, step  # most cells are big enough to read
        assert step["mismatched_cells"] == 0, f"stale map paint after '{step['step']}': {step}"
        assert not any(step["stale_dock_pixels"].values()), f"a dock differs from a fresh paint: {step}"


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800), (1920, 1080)])
def test_window_fits_the_screen_and_presentation_mode_makes_it_bigger(x_screens, tmp_path, size):
    facts = drive(x_screens, tmp_path, "layout", size)
    windowed, full, back = facts["windowed"], facts["presentation"], facts["after_escape"]
    assert windowed["frame_inside_screen"] and not windowed["outside"], windowed
    assert not windowed["clipped"], windowed["clipped"]
    assert full["full_screen"] and not full["outside"], full
    assert full["font_pt"] >= 1.5 * windowed["font_pt"] - 0.01
    assert full["smallest_panel_font_pt"] >= 1.5 * windowed["smallest_panel_font_pt"] - 0.01
    assert not full["clipped"], full["clipped"]
    for windowed_px, full_px in zip(windowed["tile_px"], full["tile_px"]):
        # (half a pixel: the image's edges are read back from a mapped, rounded rectangle)
        assert full_px >= windowed_px - 0.5, (windowed["tile_px"], full["tile_px"])
    # The larger type needs room: full screen never gives the Evidence or Network dock less height.
    for name, height in windowed["explain_heights"].items():
        assert full["explain_heights"][name] >= height, (windowed["explain_heights"], full["explain_heights"])
    # Esc left full screen, kept the drawing, and gave back the windowed layout exactly.
    assert not back["full_screen"] and not back["canvas_empty"]
    assert back["geometry"] == windowed["geometry"] and back["dock_heights"] == windowed["dock_heights"]
    assert back["tile_px"] == windowed["tile_px"]


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800), (1920, 1080)])
def test_gallery_and_compare_keep_the_window_on_the_screen(x_screens, tmp_path, size):
    facts = drive(x_screens, tmp_path, "gallery_compare", size, tmp_path)
    for step, seen in facts.items():
        # Whatever the app shows by itself, the window can still be as small as the screen.
        assert seen["min_frame"][0] <= seen["available"][0] and seen["min_frame"][1] <= seen["available"][1], (step, seen)
        assert seen["frame_inside_screen"] and seen["status_on_screen"], (step, seen)
    assert facts["saved"]["gallery_entries"] == 1 and facts["saved"]["gallery_shown"]
    # Pinning shows the Compare column; A is the drawing just saved, so the gallery keeps it once
    # (tests/ui/test_gallery.py: pinning another drawing adds it).
    assert facts["pinned"]["compare_shown"] and facts["pinned"]["gallery_entries"] == 1
    # Unpinning gives the columns back as they were before pinning.
    unpinned, saved = facts["unpinned"], facts["saved"]
    assert not unpinned["compare_shown"] and unpinned["gallery_shown"]
    assert abs(unpinned["canvas_x"] - saved["canvas_x"]) <= 2, (saved, unpinned)
    for before, after in zip(saved["right_docks"], unpinned["right_docks"]):
        assert abs(before[0] - after[0]) <= 2 and abs(before[1] - after[1]) <= 2, (saved, unpinned)


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_the_stage_docks_show_their_maps_in_one_grid(x_screens, tmp_path, size):
    facts = drive(x_screens, tmp_path, "gallery_compare", size, tmp_path)
    for step, seen in facts.items():
        # One grid for the three stages, so a 14x14 map is never drawn larger than a 28x28 one.
        assert len({tuple(g) for g in seen["grids"]}) == 1, (step, seen["grids"])
        conv_tiles, pooled_tile = seen["tile_px"][:2], seen["tile_px"][2]
        assert pooled_tile <= max(conv_tiles) + 1, (step, seen["tile_px"])
    assert facts["reset"]["grids"] == facts["first"]["grids"]
