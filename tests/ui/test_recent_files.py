"""File ▸ Open recent: what was opened or saved, newest first, kept in the settings; a file
that is gone is refused in words and taken off the list."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtWidgets import QFileDialog

from mnistviz.drawing import Drawing, DrawnStroke, write_drawing
from mnistviz.ui.recent_files import MAX_RECENT
from mnistviz.ui.settings import Settings


def drawing_file(path, y: float = 140.0):
    points = np.column_stack([np.linspace(60, 220, 20), np.full(20, y), np.linspace(0, 500, 20), np.ones(20)])
    drawing = Drawing(strokes=(DrawnStroke("pen", 18.0, points),))
    write_drawing(drawing, path)
    return drawing


def recent_entries(window) -> list[str]:
    """The submenu as the user sees it when it opens."""
    window.recent_menu.aboutToShow.emit()
    return [a.text() for a in window.recent_menu.actions() if not a.isSeparator()]


def choose_recent(window, index: int) -> None:
    window.recent_menu.aboutToShow.emit()
    window.recent_menu.actions()[index].trigger()


def test_opened_and_saved_drawings_are_listed_newest_first_and_remembered(qtbot, window, tmp_path, monkeypatch):
    assert recent_entries(window) == ["No recent files"]
    drawing_file(tmp_path / "one.json")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "one.json"), ""))
    window.open_image_action.trigger()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "two"), ""))
    window.save_drawing_action.trigger()
    assert recent_entries(window) == ["&1 two.mnistviz.json", "&2 one.json", "Clear this list"]
    assert Settings().get("recent_files").split("\n") == [str(tmp_path / "two.mnistviz.json"),
                                                          str(tmp_path / "one.json")]


def test_choosing_a_recent_drawing_opens_it(qtbot, window, tmp_path):
    drawing = drawing_file(tmp_path / "line.json")
    window.recent_files.add(tmp_path / "line.json")
    window.canvas.show_sample(5)
    choose_recent(window, 0)
    assert window.canvas.drawing() == drawing


def test_a_missing_file_is_refused_in_words_and_dropped(qtbot, window, tmp_path):
    drawing_file(tmp_path / "gone.json")
    drawing_file(tmp_path / "kept.json")
    window.recent_files.add(tmp_path / "kept.json")
    window.recent_files.add(tmp_path / "gone.json")
    (tmp_path / "gone.json").unlink()
    window.canvas.show_sample(5)
    before = window.canvas.image_array()
    choose_recent(window, 0)
    assert "gone.json is no longer in" in window.last_error and "taken off" in window.last_error
    assert recent_entries(window) == ["&1 kept.json", "Clear this list"]
    assert np.array_equal(window.canvas.image_array(), before)


def test_an_image_is_listed_once_it_has_opened(qtbot, window, tmp_path, samples, monkeypatch):
    images, _ = samples
    Image.fromarray(255 - images[0]).resize((140, 140)).save(tmp_path / "digit.png")
    (tmp_path / "notes.png").write_text("not a picture")
    for name in ("notes.png", "digit.png"):
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, n=name, **k: (str(tmp_path / n), ""))
        window.open_image_action.trigger()
        qtbot.waitUntil(lambda: not window.image_opener.job.busy(), timeout=30_000)
    assert recent_entries(window) == ["&1 digit.png", "Clear this list"]


def test_the_list_keeps_the_newest_eight_once_each(window, tmp_path):
    for number in range(MAX_RECENT + 3):
        window.recent_files.add(tmp_path / f"d{number}.json")
    window.recent_files.add(tmp_path / "d5.json")
    paths = window.recent_files.paths()
    assert len(paths) == MAX_RECENT and paths[0].endswith("d5.json") and len(set(paths)) == MAX_RECENT
    choose_recent(window, MAX_RECENT + 1)  # "Clear this list" (after the separator)
    assert window.recent_files.paths() == []
