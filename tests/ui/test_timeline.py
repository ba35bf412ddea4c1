"""The replay timeline in the window: every dock follows a moment of the drawing, Play runs
to the end, drawing on a moment cuts the later strokes, undo and redo move the timeline."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from mnistviz.drawing import Drawing, DrawnStroke
from mnistviz.model import load_model
from mnistviz.pipeline import analyse
from mnistviz.resources import bundled_model
from mnistviz.ui.stroke_painter import render_drawing
from pointer import drag, settled


def line(p0, p1, t0, t1, n=40) -> np.ndarray:
    t = np.linspace(0, 1, n)
    return np.column_stack([p0[0] + (p1[0] - p0[0]) * t, p0[1] + (p1[1] - p0[1]) * t, t0 + (t1 - t0) * t,
                            np.ones(n)])


ONE_THEN_SEVEN = Drawing(strokes=(DrawnStroke("pen", 18.0, line((175, 60), (125, 225), 0, 1200)),
                                  DrawnStroke("pen", 18.0, line((85, 62), (175, 60), 1800, 2600))))


@pytest.fixture(scope="module")
def model():
    return load_model(bundled_model())


@pytest.fixture
def replaying(qtbot, window):
    """The window with the 1-then-7 drawing on the canvas, its answer and its curves shown."""
    window.canvas.set_drawing(ONE_THEN_SEVEN)
    qtbot.waitUntil(lambda: settled(window) and window.replay.curves is not None, timeout=60_000)
    window.activateWindow()
    qtbot.waitActive(window)
    return window


def prediction(window) -> str:
    return window.last_result.classes[window.last_result.prediction]


def test_the_timeline_shows_for_a_drawing_and_hides_for_a_sample(qtbot, window):
    assert not window.replay.timeline.isVisible()
    window.canvas.set_drawing(ONE_THEN_SEVEN)
    assert window.replay.timeline.isVisible() and window.replay.live
    assert window.replay.timeline.slider.value() == window.replay.timeline.slider.maximum() == 2600
    window.canvas.show_sample(3)
    assert not window.replay.timeline.isVisible() and window.replay.drawing is None


def test_at_the_end_the_timeline_is_the_live_result(replaying, model):
    window = replaying
    curves = window.replay.curves
    assert curves.times[-1] == ONE_THEN_SEVEN.duration_ms and window.replay.live
    live = analyse(window.canvas.image_array(), model).probabilities
    assert np.array_equal(window.last_result.probabilities, live)
    assert np.allclose(curves.probabilities[-1], live, rtol=0, atol=1e-6)
    assert prediction(window) == "7"


def test_a_moment_shows_only_the_strokes_drawn_by_then_in_every_dock(qtbot, replaying, model):
    window = replaying
    QTest.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)  # back one stroke
    assert window.replay.position_ms == 1200 and window.canvas.previewing()
    assert window.replay.timeline.plot.caption == "1.2 s / 2.6 s"
    then = render_drawing(ONE_THEN_SEVEN.until(1200))
    assert np.array_equal(window.canvas.shown_array(), then)
    assert not np.array_equal(window.canvas.image_array(), then)  # the drawing itself is kept
    qtbot.waitUntil(lambda: settled(window), timeout=30_000)
    expected = analyse(then, model)
    assert np.array_equal(window.last_result.probabilities, expected.probabilities)
    for shown, wanted in zip(window.last_result.stages.values(), expected.stages.values()):
        assert np.array_equal(shown, wanted)  # the maps too, not only the bars
    curves = window.replay.curves
    assert np.allclose(curves.probabilities[curves.index_at(1200)], expected.probabilities, rtol=0, atol=1e-6)
    assert prediction(window) == "1"
    assert window.input_dock.isVisible()  # the docks are the window's own, showing that moment
    QTest.keyClick(window, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # back to live
    assert window.replay.live and not window.canvas.previewing()
    assert window.replay.timeline.plot.caption == "2.6 s / 2.6 s  live"
    qtbot.waitUntil(lambda: settled(window), timeout=30_000)
    assert prediction(window) == "7"


def test_clicking_the_plot_scrubs_and_the_slider_follows(qtbot, replaying):
    window = replaying
    plot = window.replay.timeline.plot
    x = round(plot.x_of(600))
    QTest.mouseClick(plot, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, plot.height() // 2))
    t = window.replay.position_ms
    assert abs(t - 600) < 2600 / plot.width() * 2  # within two pixels of the plot
    assert window.replay.timeline.slider.value() == round(t)
    assert np.array_equal(window.canvas.shown_array(), render_drawing(ONE_THEN_SEVEN.until(t)))


def test_play_replays_every_moment_up_to_the_end_and_the_canvas_is_live_again(qtbot, replaying):
    window = replaying
    window.replay.timeline.speed_buttons[2.0].click()
    QTest.keyClick(window, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)  # the first touch
    assert window.replay.position_ms == 0
    seen = []
    window.resultShown.connect(lambda result: seen.append(window.replay.position_ms))
    window.replay.timeline.play_button.click()
    assert window.replay.timeline.play_button.text().endswith("Pause")
    qtbot.waitUntil(lambda: window.replay.live and window.replay._clock is None, timeout=30_000)
    assert window.replay.timeline.play_button.text().endswith("Play")
    assert any(0 < t < 2600 for t in seen)  # the docks followed the replay on its way
    assert np.array_equal(window.canvas.shown_array(), render_drawing(ONE_THEN_SEVEN))
    qtbot.waitUntil(lambda: settled(window), timeout=30_000)
    assert prediction(window) == "7"


def test_drawing_on_a_moment_cuts_the_later_strokes_as_one_undo_step(qtbot, replaying):
    window = replaying
    QTest.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)  # the 1 alone
    drag(window.canvas, [(0.3, 0.7), (0.7, 0.7)])  # a different second stroke
    drawing = window.canvas.drawing()
    assert len(drawing.strokes) == 2 and drawing.strokes[0] == ONE_THEN_SEVEN.strokes[0]
    assert drawing.strokes[1].points[0, 2] >= 1200  # it goes on after the moment it was drawn on
    assert window.replay.live and window.replay.drawing.strokes == drawing.strokes
    window.canvas.undo()  # the new stroke
    assert window.canvas.drawing().strokes == ONE_THEN_SEVEN.strokes[:1]
    window.canvas.undo()  # the cut
    assert window.canvas.drawing() == ONE_THEN_SEVEN
    assert window.replay.drawing == ONE_THEN_SEVEN and window.replay.position_ms == 2600
    assert np.array_equal(window.canvas.shown_array(), render_drawing(ONE_THEN_SEVEN))


def test_undo_and_redo_move_the_timeline_with_the_drawing(qtbot, replaying):
    window = replaying
    slider = window.replay.timeline.slider
    drag(window.canvas, [(0.2, 0.9), (0.8, 0.9)])  # a third stroke
    longer = window.canvas.drawing().duration_ms
    assert longer > 2600 and window.replay.drawing.duration_ms == longer and slider.maximum() == round(longer)
    window.canvas.undo()
    assert window.replay.drawing == ONE_THEN_SEVEN and slider.maximum() == 2600 and window.replay.live
    QTest.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert window.canvas.previewing()
    window.canvas.redo()  # while scrubbed back: the canvas is live again, the timeline at its end
    assert not window.canvas.previewing() and window.replay.position_ms == longer
    assert slider.value() == slider.maximum() == round(longer)
    assert np.array_equal(window.canvas.shown_array(), window.canvas.image_array())
    window.canvas.clear()
    assert not window.replay.timeline.isVisible()


def test_the_plot_shows_where_the_1_turned_into_a_7(replaying):
    turns = replaying.replay.curves.turns()
    classes = replaying.replay.curves.classes
    last = turns[-1]
    assert classes[last.before] == "1" and classes[last.after] == "7"
    assert 1800 <= last.t_ms <= 2600  # while the bar was drawn


def test_the_plot_follows_the_theme_and_the_presentation_type_size(qtbot, replaying):
    from mnistviz.ui import theme as themes

    window = replaying
    plot = window.replay.timeline.plot
    window.set_theme("light")
    assert plot._theme == themes.LIGHT
    window.set_theme("dark")
    assert plot._theme == themes.DARK
    windowed = plot.minimumHeight()
    window.set_presentation(True)
    qtbot.waitUntil(lambda: plot.minimumHeight() > windowed)
    window.set_presentation(False)
    qtbot.waitUntil(lambda: plot.minimumHeight() == windowed)


def test_closing_the_window_with_curves_still_to_come_is_quiet(qtbot, open_window):
    window = open_window()
    window.canvas.set_drawing(ONE_THEN_SEVEN)  # asks for the curves a moment later
    window.close()
    qtbot.wait(400)  # past that moment: nothing may reach the stopped thread (pytest-qt fails on errors)
    assert not window.replay.job.thread.isRunning()
    window.canvas.clear()
    window.canvas.undo()  # still quiet after the close
    qtbot.wait(400)


def test_place_labels_keeps_a_gap_skips_what_does_not_fit_and_keeps_the_last():
    from mnistviz.ui.timeline import place_labels

    placed = place_labels([(10, 8), (12, 8), (14, 8), (100, 8)], room=120, gap=6)
    xs = dict(placed)
    assert list(xs) == [0, 1, 2, 3] and xs[1] >= xs[0] + 8 + 6 and xs[2] >= xs[1] + 14
    crowded = place_labels([(90, 8), (95, 8), (99, 8), (118, 8)], room=110, gap=6)
    assert crowded[-1] == (3, 102)  # the final leader stays, right before the caption
    for (a, xa), (b, xb) in zip(crowded, crowded[1:]):
        assert xb >= xa + 8 + 6


def test_the_digit_labels_never_touch_each_other_or_the_caption(qtbot):
    from PySide6.QtGui import QFont, QFontMetrics

    from mnistviz.replay import ProbabilityCurves
    from mnistviz.ui.timeline import CAPTION_MARGIN, ProbabilityPlot

    leaders = [0, 5, 7, 2, 7, 0, 5, 8, 5, 8, 9, 8]  # a leader change every few frames, two close at the end
    times = np.arange(len(leaders) * 4, dtype=np.float64) * 50
    rows = np.full((len(times), 10), 0.02)
    for i, leader in enumerate(leaders):
        rows[4 * i:4 * i + 4, leader] = 0.8
    rows[-1, 8], rows[-1, 9] = 0.0, 0.9  # the very last frame: 9 leads
    curves = ProbabilityCurves(times, rows, tuple(str(c) for c in range(10)))
    plot = ProbabilityPlot()
    qtbot.addWidget(plot)
    plot.resize(460, 80)
    plot.set_span(0, times[-1], [])
    plot.set_curves(curves)
    caption = f"{times[-1] / 1000:.1f} s / {times[-1] / 1000:.1f} s  live"
    plot.set_position(times[-1], caption)
    plot.grab()
    rects = plot.label_rects
    font = QFont(plot.font())
    font.setBold(True)
    metrics = QFontMetrics(font)
    gap = metrics.horizontalAdvance("0")
    caption_left = plot.width() - CAPTION_MARGIN - metrics.horizontalAdvance(caption)
    assert len(rects) >= 4 and rects[-1][0] == "9"  # the leader at the end is always named
    for (_, a), (_, b) in zip(rects, rects[1:]):
        assert b.left() >= a.right() + gap - 0.5
    assert rects[-1][1].right() <= caption_left - gap + 0.5
    assert plot.x_of(times[-1]) - (plot.width() - CAPTION_MARGIN) >= 6  # the "now" line clears "live"


def test_the_curves_wait_while_the_pen_is_down_and_follow_when_it_rests(qtbot, window):
    # Computed while drawing, the curves (a second of inference) competed with the live answer.
    from pointer import LEFT, NO_BUTTON, line as pointer_line, mouse_stroke, send_mouse
    from PySide6.QtCore import QEvent

    arrived = []
    window.replay.job.ready.connect(lambda *args: arrived.append(args))
    canvas = window.canvas
    w, h = canvas.width(), canvas.height()
    mouse_stroke(canvas, pointer_line((0.6 * w, 0.2 * h), (0.45 * w, 0.8 * h)))  # a first stroke ends...
    second = pointer_line((0.3 * w, 0.2 * h), (0.6 * w, 0.2 * h))
    send_mouse(canvas, QEvent.Type.MouseButtonPress, second[0], LEFT, LEFT)  # ...and a second begins
    for point in second[1:10]:
        send_mouse(canvas, QEvent.Type.MouseMove, point, NO_BUTTON, LEFT)
    qtbot.wait(2500)  # the pen stays down: well past the delay and a whole computation
    assert arrived == [] and window.replay.curves is None
    for point in second[10:]:
        send_mouse(canvas, QEvent.Type.MouseMove, point, NO_BUTTON, LEFT)
    send_mouse(canvas, QEvent.Type.MouseButtonRelease, second[-1], LEFT, NO_BUTTON)
    qtbot.waitUntil(lambda: window.replay.curves is not None, timeout=60_000)
    assert len(window.replay.drawing.strokes) == 2
    assert window.replay.curves.times[-1] == pytest.approx(window.replay.drawing.duration_ms)
