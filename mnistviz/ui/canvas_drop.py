"""Files dropped on the canvas: an event filter, so the canvas class keeps to drawing."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

from mnistviz.preprocess import ImageInputError


class FileDrops(QObject):
    """Accepts local files dragged over `canvas`; a drop goes to `canvas.open_dropped_file`
    (set by the window: read in the background, images and drawing files) or, without one,
    is read at once as an image. Problems go to `canvas.loadFailed`."""

    def __init__(self, canvas):
        super().__init__(canvas)
        self._canvas = canvas
        canvas.setAcceptDrops(True)
        canvas.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if any(url.isLocalFile() for url in event.mimeData().urls()):
                event.acceptProposedAction()
            return True
        if kind == QEvent.Type.Drop:
            self._drop(event)
            return True
        return False

    def _drop(self, event) -> None:
        canvas = self._canvas
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if not files:
            canvas.loadFailed.emit("Only image files from this computer can be dropped here.")
            return
        event.acceptProposedAction()
        if canvas.open_dropped_file is not None:
            canvas.open_dropped_file(files[0])
            return
        try:
            canvas.load_image_file(files[0])
        except ImageInputError as exc:
            canvas.loadFailed.emit(str(exc))
