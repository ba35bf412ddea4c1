"""File ▸ Open and File ▸ Save drawing for drawing files (strokes, not pixels; see
mnistviz.drawing). Images go to the window's image opener; drawing files are read here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from mnistviz.drawing import DrawingFileError, is_drawing_file, read_drawing, write_drawing

IMAGE_PATTERNS = "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp *.ppm *.pgm"
OPEN_FILTER = (f"Images and drawings ({IMAGE_PATTERNS} *.json);;Images ({IMAGE_PATTERNS});;"
               "Drawings (*.json);;All files (*)")
SAVE_FILTER = "Drawings (*.mnistviz.json)"
SAVE_SUFFIX = ".mnistviz.json"


def open_path(window, path: str | Path) -> None:
    """File ▸ Open and dropped files: a drawing replays on the canvas, an image is read in the background."""
    if is_drawing_file(path):
        if open_drawing(window, path):
            window.recent_files.add(path)
    else:
        window.recent_files.image_requested(path)  # listed once it has opened
        window.open_image_in_background(path)


def open_dialog(window) -> None:
    path, _ = QFileDialog.getOpenFileName(window, "Open an image or a drawing",
                                          window.settings.get("last_image_folder"), OPEN_FILTER)
    if path:
        window.settings.set("last_image_folder", str(Path(path).parent))
        open_path(window, path)


def open_drawing(window, path: str | Path) -> bool:
    """Replay a drawing file on the canvas (one undo step). False if refused; the user is told why."""
    try:
        drawing = read_drawing(path)
    except DrawingFileError as exc:
        window.tell_user("Cannot open the drawing", str(exc))
        return False
    window.canvas.set_drawing(drawing)
    window.statusBar().showMessage(f"Opened the drawing {Path(path).name} "
                                   f"({len(drawing.strokes)} strokes, {drawing.duration_ms / 1000:.1f} s)", 5000)
    return True


def save_dialog(window) -> None:
    if not _can_save(window):
        return
    path, _ = QFileDialog.getSaveFileName(window, "Save the drawing", _suggested_path(window), SAVE_FILTER)
    if path:
        save_drawing(window, path)


def save_drawing(window, path: str | Path) -> bool:
    """Write the canvas's strokes to `path` (a drawing file suffix is added if missing)."""
    if not _can_save(window):
        return False
    path = Path(path)
    if not is_drawing_file(path):
        path = path.with_name(path.name + SAVE_SUFFIX)
    try:
        write_drawing(window.canvas.drawing(), path)
    except OSError as exc:
        window.tell_user("Cannot save the drawing",
                         f"{path.name} could not be written in {path.parent} ({exc.strerror or exc}). "
                         "Nothing was changed there; try another folder.")
        return False
    window.settings.set("last_drawing_folder", str(path.parent))
    window.recent_files.add(path)
    # The answer for the whole drawing: while the timeline shows an earlier moment, the docks show that one.
    window.gallery.add(window.canvas.drawing(), window.last_result if not window.canvas.previewing() else None)
    window.statusBar().showMessage(f"Saved the drawing as {path.name}", 5000)
    return True


def _can_save(window) -> bool:
    drawing = window.canvas.drawing()
    if drawing is None:
        window.tell_user("Nothing to save as a drawing",
                         "This picture came from an image file or a sample, so it has no strokes to replay. "
                         "Clear the canvas and draw, or use File ▸ Export feature maps to keep its pictures.")
        return False
    if not drawing.strokes:
        window.tell_user("Nothing to save yet", "The canvas is empty: draw a digit first.")
        return False
    return True


def _suggested_path(window) -> str:
    folder = window.settings.get("last_drawing_folder") or window.settings.get("last_image_folder")
    name = "drawing" + SAVE_SUFFIX
    if window.last_result is not None:
        name = f"drawing-{window.last_result.classes[window.last_result.prediction]}{SAVE_SUFFIX}"
    return str(Path(folder) / name) if folder else name
