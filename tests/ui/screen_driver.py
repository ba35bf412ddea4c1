"""Runs the real window on a real X server and checks what the X framebuffer shows.

Started by `test_main_window_screen.py` as its own process (Qt's platform is chosen
once per process: the test run itself is offscreen), with DISPLAY set and
``QT_QPA_PLATFORM=xcb``. Input comes from xdotool, as a person's would; pixels come
back from the X server with ``QScreen.grabWindow(0)`` - never ``widget.grab()``, which
paints the widget again and hides stale paint. Prints one JSON object on stdout.

    python screen_driver.py bars|maps|layout|gallery_compare [folder]
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from mnistviz.app import build_window

COLOUR_TOLERANCE = 12  # per channel, for "this pixel is bar-coloured" (the axis grey is 27 away)
EDGE_PX = 2  # anti-aliased bar edges may go either way
AXIS_PX = 8  # the plot's edge rows and columns where axis lines and tick marks are drawn


# --- input, as a person gives it ---------------------------------------------------------

def xdotool(*args) -> None:
    """Run xdotool while this process's event loop keeps running, as it would for a person
    (a blocked loop would get all motion at once, and Qt compresses it to the last point)."""
    app = QApplication.instance()
    process = subprocess.Popen(["xdotool", *map(str, args)])
    while process.poll() is None:
        app.processEvents()
        time.sleep(0.002)
    if process.returncode != 0:
        raise RuntimeError(f"xdotool {' '.join(map(str, args))} failed")


def stroke(widget, fractions, button: int = 1) -> None:
    """Drag across `widget` through points given as fractions of its size."""
    points = [widget.mapToGlobal(QPointF(fx * widget.width(), fy * widget.height())) for fx, fy in fractions]
    args = ["mousemove", int(points[0].x()), int(points[0].y()), "mousedown", button]
    for point in points[1:]:
        args += ["sleep", "0.03", "mousemove", int(point.x()), int(point.y())]
    args += ["sleep", "0.03", "mouseup", button]
    xdotool(*args)


def key(name: str) -> None:
    xdotool("key", "--clearmodifiers", name)


def settle(app, window, seconds: float = 0.6) -> None:
    """Let the newest request's result arrive and every repaint reach the screen."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        app.processEvents()
        if window.analysis_settled() and not window.canvas.is_drawing():
            break
        time.sleep(0.01)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


# --- reading the screen --------------------------------------------------------------------

def screen_pixels(app) -> np.ndarray:
    """The whole X screen as (H, W, 3) uint8, read back from the server."""
    image = app.primaryScreen().grabWindow(0).toImage().convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = image.height(), image.width(), image.bytesPerLine()
    return np.frombuffer(image.constBits(), np.uint8, h * stride).reshape(h, stride)[:, : w * 3].reshape(h, w, 3).copy()


def global_rect(view, scene_rect: QRectF) -> QRectF:
    """A rectangle in a QGraphicsView's scene, in global (screen) coordinates."""
    polygon = view.mapFromScene(scene_rect)
    rect = polygon.boundingRect()
    top_left = view.viewport().mapToGlobal(rect.topLeft())
    return QRectF(top_left.x(), top_left.y(), rect.width(), rect.height())


def check_bars(app, window) -> dict:
    """Compare the probability bars on screen with the data the dock holds.

    Every bar-coloured pixel inside the plot must lie in a bar the data asks for
    (stale tops and stripes fail), and every bar the data asks for must be painted."""
    dock = window.prediction_dock
    view_box = dock.plot.getViewBox()
    plot_rect = global_rect(dock.plot_widget, view_box.sceneBoundingRect())
    screen = screen_pixels(app)
    # Inside the axes: their lines and tick marks may share the bars' grey.
    x0, y0 = int(plot_rect.left()) + AXIS_PX, int(plot_rect.top()) + 1
    x1, y1 = int(plot_rect.right()) - 1, int(plot_rect.bottom()) - AXIS_PX
    region = screen[y0:y1, x0:x1].astype(int)
    colours = {QColor(b.color()).name() for b in dock.bar_brushes()} | {dock._brush.color().name(),
                                                                         dock._winner_brush.color().name()}
    coloured = np.zeros(region.shape[:2], bool)
    for name in colours:
        c = QColor(name)
        coloured |= (np.abs(region - [c.red(), c.green(), c.blue()]) <= COLOUR_TOLERANCE).all(axis=2)
    expected_outer = np.zeros_like(coloured)
    expected_inner = np.zeros_like(coloured)
    heights = dock.bar_heights()
    width = dock.bars.opts["width"]
    for index, height in enumerate(heights):
        if height <= 0:
            continue
        scene = view_box.mapViewToScene(QRectF(index - width / 2, 0.0, width, float(height))).boundingRect()
        rect = global_rect(dock.plot_widget, scene)
        left, right = int(rect.left()) - x0, int(rect.right()) - x0
        top, bottom = int(rect.top()) - y0, int(rect.bottom()) - y0
        expected_outer[max(top - EDGE_PX, 0):max(bottom + EDGE_PX, 0), max(left - EDGE_PX, 0):max(right + EDGE_PX, 0)] = True
        if bottom - top > 2 * EDGE_PX and right - left > 2 * EDGE_PX:
            expected_inner[top + EDGE_PX:bottom - EDGE_PX, left + EDGE_PX:right - EDGE_PX] = True
    return {
        "stale_dock_pixels": differs_from_fresh_paint(screen, dock.widget()),
        "heights": [round(float(h), 4) for h in heights],
        "stale_pixels": int((coloured & ~expected_outer).sum()),
        "missing_pixels": int((expected_inner & ~coloured).sum()),
        "plot_pixels": int(coloured.size),
    }


def covering_rects(view) -> list[QRectF]:
    """Global rectangles of what a HeatmapView draws over its image (filter numbers, the
    overlay), grown by a pixel."""
    boxes = [box for _, box in view.map_label_rects()]
    if view.overlay_text():
        boxes.append(view.overlay_rect())
    rects = []
    for box in boxes:
        top_left = view.mapToGlobal(box.topLeft())
        rects.append(QRectF(top_left.x() - 1, top_left.y() - 1, box.width() + 2, box.height() + 2))
    return rects


def global_image_rect(view, rect: QRectF) -> QRectF:
    """A rectangle in a HeatmapView's image pixels, in global (screen) coordinates."""
    shown = view.map_rect_from_image(rect)
    top_left = view.mapToGlobal(shown.topLeft())
    return QRectF(top_left.x(), top_left.y(), shown.width(), shown.height())


def differs_from_fresh_paint(screen: np.ndarray, widget, skip: list[QRectF] = ()) -> int:
    """How many of `widget`'s pixels on screen differ from painting it afresh now
    (``grab()`` paints it again from its current state: equal when nothing is stale).
    `skip`: global rectangles left out (text drawn at a fractional pixel position is
    anti-aliased a little differently into the grab's pixmap than on screen)."""
    fresh = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = fresh.height(), fresh.width(), fresh.bytesPerLine()
    painted = np.frombuffer(fresh.constBits(), np.uint8, h * stride).reshape(h, stride)[:, : w * 3].reshape(h, w, 3)
    origin = widget.mapToGlobal(QPointF(0, 0))
    x, y = int(origin.x()), int(origin.y())
    shown = screen[y:y + h, x:x + w]
    differs = np.abs(shown.astype(int) - painted[: shown.shape[0], : shown.shape[1]]).max(axis=2) > 12
    for rect in skip:
        left, top = max(int(rect.left()) - x, 0), max(int(rect.top()) - y, 0)
        differs[top:max(int(rect.bottom()) + 1 - y, 0), left:max(int(rect.right()) + 1 - x, 0)] = False
    return int(differs.sum())


def check_maps(app, window) -> dict:
    """Compare each feature-map cell's colour on screen with the image the dock shows, and
    each stage dock (colour bar numbers, filter numbers, overlay) with a fresh paint."""
    screen = screen_pixels(app).astype(int)
    stale = {dock.stage_name: differs_from_fresh_paint(screen, dock.widget(), covering_rects(dock.plot))
             for dock in window.stage_docks}
    mismatched = checked = 0
    for dock in window.stage_docks:
        image = dock.heatmap.qimage()
        if image is None or not dock.isVisible():
            continue
        view = dock.plot
        background = view.colours()["background"]
        opacity = dock.heatmap.opacity()
        covers = covering_rects(view)
        for row in range(image.height()):
            for col in range(image.width()):
                pixel = QColor.fromRgba(image.pixel(col, row))
                if pixel.alpha() == 0:
                    continue  # a gap between maps
                cell = global_image_rect(view, QRectF(col, row, 1, 1))
                if cell.width() < 3 or cell.height() < 3 or any(cell.intersects(c) for c in covers):
                    continue  # too small to read, or under a filter number or the "Draw a digit" overlay
                x, y = int(cell.center().x()), int(cell.center().y())
                expected = np.array([pixel.red(), pixel.green(), pixel.blue()]) * opacity + \
                    np.array([background.red(), background.green(), background.blue()]) * (1 - opacity)
                checked += 1
                if np.abs(screen[y, x] - expected).max() > 12:
                    mismatched += 1
    return {"checked_cells": checked, "mismatched_cells": mismatched, "stale_dock_pixels": stale}


# --- scenarios ------------------------------------------------------------------------------

EIGHT = [(0.5, 0.15), (0.35, 0.22), (0.36, 0.38), (0.5, 0.5), (0.64, 0.62), (0.64, 0.8), (0.5, 0.88),
         (0.36, 0.8), (0.36, 0.62), (0.5, 0.5), (0.64, 0.38), (0.65, 0.22), (0.5, 0.15)]
# Right-button strokes that wipe the 8 away piece by piece (the right button always erases).
ERASE_STEPS = [
    [(0.25, 0.55), (0.75, 0.55), (0.75, 0.6), (0.25, 0.6)],
    [(0.25, 0.65), (0.75, 0.65), (0.75, 0.75), (0.25, 0.75)],
    [(0.25, 0.78), (0.75, 0.78), (0.75, 0.92), (0.25, 0.92)],
    [(0.25, 0.3), (0.75, 0.3), (0.75, 0.35), (0.25, 0.35)],
]


def start(size: str | None = None):
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = build_window()
    window.show()
    deadline = time.monotonic() + 60
    while window.model_info is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    window.raise_()
    window.activateWindow()
    settle(app, window, 1.0)
    return app, window


def scenario_draw_erase_clear(check) -> dict:
    """Draw an 8, erase it piece by piece (confidence falls), clear: check the screen each time."""
    app, window = start()
    steps = []
    stroke(window.canvas, EIGHT)
    settle(app, window)
    steps.append({"step": "drawn 8", "top": float(window.last_result.probabilities.max()), **check(app, window)})
    for index, erase in enumerate(ERASE_STEPS):
        stroke(window.canvas, erase, button=3)
        settle(app, window)
        top = float(window.last_result.probabilities.max()) if window.last_result is not None else 0.0
        steps.append({"step": f"erased {index + 1}", "top": top, **check(app, window)})
    key("Delete")
    settle(app, window)
    steps.append({"step": "cleared", "empty": window.last_result is None, **check(app, window)})
    window.close()
    return {"steps": steps}


def clipped_texts(window) -> list[str]:
    """Visible one-line labels and dock titles whose text is wider than their room."""
    from PySide6.QtWidgets import QLabel

    clipped = []
    for label in window.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap() and label.text() and "<" not in label.text():
            if label.fontMetrics().horizontalAdvance(label.text()) > label.contentsRect().width():
                clipped.append(label.text())
    for dock in window.findChildren(QDockWidget):
        if dock.isVisible() and not dock.visibleRegion().isEmpty() and not dock.isFloating():
            title_room = dock.width() - 2 * dock.style().pixelMetric(dock.style().PixelMetric.PM_TitleBarHeight)
            if dock.fontMetrics().horizontalAdvance(dock.windowTitle()) > title_room:
                clipped.append(dock.windowTitle())
    return clipped


def tile_px(dock) -> float:
    """Screen pixels across one map of the dock's mosaic."""
    image = dock.plot.image_rect()
    return round(image.width() / dock.layout_.shape[1] * dock.layout_.width, 2)


def layout_facts(app, window) -> dict:
    screen = window.screen().geometry()
    on_screen = lambda r: screen.contains(r)  # noqa: E731
    # A dock behind another's tab is "visible" to Qt but moved off its parent: not on show.
    widgets = {d.objectName(): d for d in window.findChildren(QDockWidget)
               if d.isVisible() and not d.visibleRegion().isEmpty()}
    widgets.update(canvas=window.canvas, status=window.statusBar())
    outside = [name for name, w in widgets.items()
               if not on_screen(QRect(w.mapToGlobal(QPoint(0, 0)), w.size()))]
    return {
        "frame_inside_screen": window.screen().availableGeometry().adjusted(-2, -2, 2, 2).contains(window.frameGeometry()),
        "outside": outside,
        "tile_px": [tile_px(d) for d in window.stage_docks],
        "dock_heights": [d.height() for d in window.findChildren(QDockWidget)],
        "geometry": [window.geometry().x(), window.geometry().y(), window.width(), window.height()],
        "clipped": clipped_texts(window),
        "font_pt": app.font().pointSizeF(),
        # what a widget really paints with (a style sheet can pin a widget's old font)
        "smallest_panel_font_pt": min(w.font().pointSizeF() for w in window.panel.findChildren(QWidget)
                                      if w.isVisible() and w.font().pointSizeF() > 0),
        "canvas_empty": window.canvas.is_empty(),
        "full_screen": window.isFullScreen(),
        # the room of the tab groups the Evidence and Network docks share (read from the dock
        # in front: one behind a tab keeps a stale size)
        "explain_heights": {"evidence": window.stage_docks[-1].height(), "network": window.prediction_dock.height()},
    }


def scenario_layout() -> dict:
    """The first window, presentation mode (F11) and back (Esc), with a drawing on the canvas."""
    app, window = start()
    key("ctrl+3")
    settle(app, window)
    facts = {"windowed": layout_facts(app, window)}
    key("F11")
    settle(app, window, 1.5)
    facts["presentation"] = layout_facts(app, window)
    key("Escape")
    settle(app, window, 1.5)
    facts["after_escape"] = layout_facts(app, window)
    window.close()
    return facts


SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)]


def column_facts(app, window) -> dict:
    """Where the columns are, what the window may shrink to, and the stage docks' grids."""
    available = window.screen().availableGeometry()
    frame = window.frameGeometry()
    status = window.statusBar()
    status_rect = QRect(status.mapToGlobal(QPoint(0, 0)), status.size())
    return {
        "frame_inside_screen": available.adjusted(-2, -2, 2, 2).contains(frame),
        "status_on_screen": status.isVisible() and available.contains(status_rect),
        # the smallest frame the window allows: the client's minimum plus the window manager's frame
        "min_frame": [window.minimumSizeHint().width() + frame.width() - window.width(),
                      window.minimumSizeHint().height() + frame.height() - window.height()],
        "available": [available.width(), available.height()],
        "canvas_x": window.canvas.mapToGlobal(QPoint(0, 0)).x(),
        "right_docks": [[d.width(), d.height()] for d in window._right_docks()],
        "grids": [[d.layout_.rows, d.layout_.cols] for d in window.stage_docks],
        "tile_px": [tile_px(d) for d in window.stage_docks],
        "gallery_entries": len(window.gallery.entries),
        "gallery_shown": window.gallery.isVisible() and not window.gallery.visibleRegion().isEmpty(),
        "compare_shown": window.compare.dock.isVisible(),
    }


def scenario_gallery_compare(folder: str) -> dict:
    """Save a drawing (the gallery appears), pin it, draw B, unpin, reset the layout."""
    from pathlib import Path

    from mnistviz.ui import drawing_files

    app, window = start()
    stroke(window.canvas, EIGHT)
    settle(app, window)
    facts = {"first": column_facts(app, window)}
    drawing_files.save_drawing(window, Path(folder) / "eight")  # what File ▸ Save drawing ends in
    settle(app, window, 1.0)
    facts["saved"] = column_facts(app, window)
    key("ctrl+k")
    settle(app, window, 1.0)
    facts["pinned"] = column_facts(app, window)
    key("Delete")
    stroke(window.canvas, SEVEN)
    settle(app, window, 1.0)
    facts["compared"] = column_facts(app, window)
    key("ctrl+k")
    settle(app, window, 1.0)
    facts["unpinned"] = column_facts(app, window)
    window.reset_layout()
    settle(app, window, 1.0)
    facts["reset"] = column_facts(app, window)
    window.close()
    return facts


def main(argv: list[str]) -> int:
    name = argv[1]
    if name == "bars":
        report = scenario_draw_erase_clear(check_bars)
    elif name == "maps":
        report = scenario_draw_erase_clear(check_maps)
    elif name == "layout":
        report = scenario_layout()
    elif name == "gallery_compare":
        report = scenario_gallery_compare(argv[2])
    else:
        raise SystemExit(f"unknown scenario {name}")
    print("REPORT " + json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
