"""Drawing files in the window: File ▸ Save drawing, File ▸ Open and drag-and-drop replay them."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from mnistviz.drawing import read_drawing
from pointer import SEVEN, drag, drop_files, settled


@pytest.fixture
def drawn(qtbot, window):
    drag(window.canvas, SEVEN)
    qtbot.waitUntil(lambda: settled(window), timeout=30_000)
    return window


def choose_save(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))


def choose_open(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))


def test_save_then_open_restores_the_exact_canvas_and_answer(qtbot, drawn, tmp_path, monkeypatch):
    window = drawn
    pixels, answer = window.canvas.image_array(), window.last_result.probabilities.copy()
    choose_save(monkeypatch, tmp_path / "lesson")
    window.save_drawing_action.trigger()  # File ▸ Save drawing…, Ctrl+S
    saved = tmp_path / "lesson.mnistviz.json"
    assert json.loads(saved.read_text())["format"] == "mnistviz-drawing"
    assert len(read_drawing(saved).strokes) == 1
    window.canvas.clear()
    qtbot.waitUntil(lambda: window.last_result is None)
    choose_open(monkeypatch, saved)
    window.open_image_action.trigger()
    qtbot.waitUntil(lambda: settled(window), timeout=30_000)
    assert np.array_equal(window.canvas.image_array(), pixels)
    assert np.allclose(window.last_result.probabilities, answer, atol=1e-6)
    assert "lesson.mnistviz.json" in window.statusBar().currentMessage()


def test_dropping_a_drawing_file_replays_it(qtbot, drawn, tmp_path, monkeypatch):
    window = drawn
    pixels = window.canvas.image_array()
    choose_save(monkeypatch, tmp_path / "dropped.json")
    window.save_drawing_action.trigger()
    window.canvas.clear()
    drop_files(window.canvas, [tmp_path / "dropped.json"])
    qtbot.waitUntil(lambda: np.array_equal(window.canvas.image_array(), pixels), timeout=10_000)


def test_a_bad_drawing_file_is_refused_in_words_and_the_canvas_kept(qtbot, drawn, tmp_path, monkeypatch):
    window = drawn
    pixels = window.canvas.image_array()
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "mnistviz-drawing", "version": 1, "size": [280, 280], "strokes": [{"tool": "pen"')
    choose_open(monkeypatch, bad)
    window.open_image_action.trigger()
    assert "broken.json is not a drawing" in window.last_error and "not valid JSON" in window.last_error
    assert np.array_equal(window.canvas.image_array(), pixels)


def test_a_sample_cannot_be_saved_as_a_drawing_and_the_user_is_told_why(window, tmp_path, monkeypatch):
    window.canvas.show_sample(4)
    choose_save(monkeypatch, tmp_path / "sample.json")
    window.save_drawing_action.trigger()
    assert "no strokes to replay" in window.last_error
    assert not (tmp_path / "sample.json").exists()


def test_saving_into_a_missing_folder_says_so(drawn, tmp_path, monkeypatch):
    choose_save(monkeypatch, tmp_path / "gone" / "seven.json")
    drawn.save_drawing_action.trigger()
    assert "could not be written" in drawn.last_error
