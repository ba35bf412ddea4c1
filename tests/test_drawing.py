"""Drawing files: the format of DESIGN.md, read back exactly, every bad file refused in words."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mnistviz.drawing import (
    MAX_STROKES,
    Drawing,
    DrawingFileError,
    DrawnStroke,
    is_drawing_file,
    parse_drawing,
    read_drawing,
    write_drawing,
)


def stroke(points, tool="pen", width=18.0) -> DrawnStroke:
    return DrawnStroke(tool, width, np.asarray(points, dtype=np.float64))


def two_strokes() -> Drawing:
    return Drawing(strokes=(
        stroke([[10.25, 20.5, 0, 1.0], [100.125, 120.0, 16.7, 0.5], [140, 150, 33.3, 0.0]]),
        stroke([[50, 60, 400, 1.0], [51, 61, 416, 1.0]], tool="eraser", width=24),
    ))


def document(**changes) -> dict:
    doc = json.loads(two_strokes().to_json())
    doc.update(changes)
    return doc


def test_written_file_reads_back_equal_and_in_the_documented_format(tmp_path):
    path = tmp_path / "seven.mnistviz.json"
    write_drawing(two_strokes(), path)
    raw = json.loads(path.read_text())
    assert raw["format"] == "mnistviz-drawing" and raw["version"] == 1 and raw["size"] == [280, 280]
    assert raw["strokes"][1]["tool"] == "eraser" and raw["strokes"][1]["width"] == 24
    assert raw["strokes"][0]["points"][1] == [100.125, 120, 16.7, 0.5]
    assert read_drawing(path) == two_strokes()
    assert [p.name for p in tmp_path.iterdir()] == ["seven.mnistviz.json"]  # no temporary left behind


def test_floats_survive_the_round_trip_bit_for_bit():
    rng = np.random.default_rng(1)
    points = np.column_stack([rng.uniform(0, 280, 50), rng.uniform(0, 280, 50), np.cumsum(rng.uniform(0, 9, 50)),
                              rng.uniform(0, 1, 50)])
    drawing = Drawing(strokes=(stroke(points),))
    assert np.array_equal(parse_drawing(drawing.to_json()).strokes[0].points, points)


def test_until_keeps_the_strokes_drawn_by_then():
    drawing = two_strokes()
    assert drawing.duration_ms == 416
    assert drawing.until(-1).strokes == ()
    partial = drawing.until(20)
    assert len(partial.strokes) == 1 and len(partial.strokes[0].points) == 2
    assert drawing.until(400).strokes[1].points.shape == (1, 4)
    assert drawing.until(10_000) == drawing


def test_suffixes():
    assert is_drawing_file("a/b.json") and is_drawing_file("x.MNISTVIZ.JSON")
    assert not is_drawing_file("digit.png")


@pytest.mark.parametrize(("text", "words"), [
    ("not json at all", "not valid JSON"),
    ("[1, 2]", "not an mnistviz drawing"),
    (json.dumps({"format": "something-else"}), "not an mnistviz drawing"),
    (json.dumps(document(version=2)), "version 2"),
    (json.dumps(document(size=[280])), "size"),
    (json.dumps(document(size=[10_000, 10_000])), "10000×10000 canvas"),
    (json.dumps(document(strokes="many")), "no list of strokes"),
    (json.dumps(document(strokes=[{"tool": "spray", "width": 5, "points": [[1, 1, 0, 1]]}])), "tool 'spray'"),
    (json.dumps(document(strokes=[{"tool": "pen", "width": 0, "points": [[1, 1, 0, 1]]}])), "brush width"),
    (json.dumps(document(strokes=[{"tool": "pen", "width": 1e9, "points": [[1, 1, 0, 1]]}])), "brush width"),
    (json.dumps(document(strokes=[{"tool": "pen", "width": 5, "points": []}])), "no points"),
    (json.dumps(document(strokes=[{"tool": "pen", "width": 5, "points": [[1, 1, 0]]}])), "four numbers"),
    (json.dumps(document(strokes=[{"tool": "pen", "width": 5, "points": [[1, "a", 0, 1]]}])), "four numbers"),
    ('{"format": "mnistviz-drawing", "version": 1, "size": [280, 280], "strokes": '
     '[{"tool": "pen", "width": 5, "points": [[1, NaN, 0, 1]]}]}', "four numbers"),
    (json.dumps(document(strokes=[{"tool": "pen", "width": 5, "points": [[1e7, 1, 0, 1]]}])), "far outside"),
    (json.dumps(document(strokes=[{"tool": "pen", "width": 5, "points": [[1, 1, 5, 1], [2, 2, 4, 1]]}])),
     "times that go backwards"),
    (json.dumps(document(strokes=[{"tool": "pen", "width": 5, "points": [[1, 1, 0, 1.5]]}])), "pressure"),
    (json.dumps(document(strokes=[{"tool": "pen", "width": 5, "points": [[1, 1, 50, 1]]},
                                  {"tool": "pen", "width": 5, "points": [[1, 1, 10, 1]]}])), "starts before"),
    (json.dumps(document(strokes=[{"tool": "pen", "width": 5, "points": [[1, 1, 0, 1]]}] * (MAX_STROKES + 1))),
     "at most"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
])
def test_bad_drawings_are_refused_with_a_sentence(text, words):
    with pytest.raises(DrawingFileError) as caught:
        parse_drawing(text, "lesson.json")
    message = str(caught.value)
    assert words in message and message.startswith("lesson.json")
    assert "Traceback" not in message


def test_unreadable_files_are_refused_with_a_sentence(tmp_path):
    with pytest.raises(DrawingFileError, match="was not found"):
        read_drawing(tmp_path / "missing.json")
    with pytest.raises(DrawingFileError, match="is a folder"):
        read_drawing(tmp_path)
    binary = tmp_path / "photo.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(DrawingFileError, match="not a text file"):
        read_drawing(binary)


def test_a_failed_write_leaves_the_earlier_file(tmp_path, monkeypatch):
    path = tmp_path / "keep.json"
    write_drawing(two_strokes(), path)
    before = path.read_bytes()

    def broken_replace(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("mnistviz.drawing.os.replace", broken_replace)
    with pytest.raises(OSError):
        write_drawing(Drawing(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]
