"""File ▸ Export off the GUI thread: a model with thousands of maps takes a minute to
write, and the window must keep drawing and painting meanwhile.

`ExportJob` runs `export_result` in its own QThread and reports back through queued
signals; `start_window_export(window, folder)` adds the user side: a progress dialog
(shown only if the export takes longer than half a second, with a Cancel button), the
status-bar message when done, and a message box if it failed. Cancelling stops after
the file being written; the earlier export in the folder then stays as it was.
"""

from __future__ import annotations

import logging
import threading
import weakref
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QProgressDialog

SHOW_PROGRESS_AFTER_MS = 500  # quicker exports never flash a dialog


_threads: "weakref.WeakSet[QThread]" = weakref.WeakSet()


def live_export_threads() -> list[QThread]:
    """Every export thread still alive (the soak test reports any left running)."""
    return list(_threads)


class _ExportThread(QThread):
    progressed = Signal(int, int)  # emitted in the export thread, received queued

    def __init__(self, result, folder, options: dict, cancel: threading.Event) -> None:
        super().__init__()
        self.setObjectName("ExportThread")
        self._args = (result, folder, options)
        self._cancel = cancel
        self.outcome: tuple = ("failed", "The export did not run.", False)
        _threads.add(self)

    def run(self) -> None:
        from mnistviz.export import ExportCancelled, ExportError, export_result

        result, folder, options = self._args

        def progress(done: int, total: int) -> None:
            if self._cancel.is_set():
                raise ExportCancelled("The export was cancelled: nothing was changed.")
            self.progressed.emit(done, total)

        try:
            self.outcome = ("finished", export_result(result, folder, progress=progress, **options))
        except ExportCancelled as exc:
            self.outcome = ("failed", str(exc), True)
        except ExportError as exc:
            self.outcome = ("failed", str(exc), False)
        except Exception as exc:  # a bug must not end the thread without a word
            logging.getLogger(__name__).exception("export to %s failed", folder)
            self.outcome = ("failed", f"Cannot export to {folder}: something unexpected went wrong ({exc}). "
                                      "The details are in the log file.", False)


class ExportJob(QObject):
    """One export in a background thread. Connect to the signals, then `start()`.

    `finished` or `failed` comes only after the thread has ended, so a receiver may delete
    the job."""

    progressed = Signal(int, int)  # files written, files in all
    finished = Signal(list)  # the written paths
    failed = Signal(str, bool)  # a message for the user; True if the user cancelled

    def __init__(self, result, folder: str | Path, options: dict | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.folder = Path(folder)
        self._cancel = threading.Event()
        self._thread = _ExportThread(result, self.folder, dict(options or {}), self._cancel)
        self._thread.progressed.connect(self.progressed)
        self._thread.finished.connect(self._on_thread_finished)  # queued: emitted by the thread

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self) -> None:
        """Block until the thread has ended (closing the window: no thread outlives it)."""
        self._thread.wait()

    def stop(self) -> None:
        """Cancel and wait: it stops after the tile or file being written (milliseconds), and
        the earlier export in the folder stays as it was."""
        self.cancel()
        self.wait()

    def _on_thread_finished(self) -> None:
        self._thread.wait()  # "finished" is emitted just before the thread really ends
        kind, *args = self._thread.outcome
        (self.finished if kind == "finished" else self.failed).emit(*args)


def window_export_options(window) -> dict:
    """The export as the window shows it, read from the view state: colour map, scale and
    (for "fixed") the ranges on screen (the docks grow them across drawings)."""
    state = window.view_state
    levels = state.fixed_ranges if state.scale_mode == "fixed" else None
    return {"colormap": state.colormap, "scale_mode": state.scale_mode, "levels": levels or None}


def _nothing_to_export(window) -> bool:
    if window.last_result is None:
        window.tell_user("Nothing to export", "Draw a digit first: there are no feature maps yet.")
        return True
    return False


def export_now(window, folder: str | Path) -> list[Path]:
    """Export on the calling thread and wait (scripts, the self-test); [] after a message if it failed."""
    from mnistviz.export import ExportError, export_result

    if _nothing_to_export(window):
        return []
    try:
        written = export_result(window.last_result, folder, **window_export_options(window))
    except ExportError as exc:
        window.tell_user("Export failed", str(exc))
        return []
    window.statusBar().showMessage(f"Exported {len(written)} files to {folder}", 8000)
    return written


def start_window_export(window, folder: str | Path) -> ExportJob | None:
    """Export `window.last_result` to `folder` in the background, with the user-facing parts.
    Sets and returns `window.export_job` (None if there is nothing to export or one is running)."""
    if _nothing_to_export(window):
        return None
    if window.export_job is not None and window.export_job.is_running():
        window.statusBar().showMessage("An export is still being written; try again when it is done.", 8000)
        return None
    job = ExportJob(window.last_result, folder, window_export_options(window), parent=window)
    dialog = QProgressDialog(f"Exporting the feature maps to {Path(folder).name}…", "Cancel", 0, 0, window)
    dialog.setWindowTitle("Export feature maps")
    dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(job.cancel)

    def on_progress(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)

    def finish() -> None:
        dialog.canceled.disconnect(job.cancel)
        dialog.reset()  # also stops the timer that would show it later
        dialog.deleteLater()
        window.export_action.setEnabled(window.last_result is not None)
        if window.export_job is job:
            window.export_job = None
        job.deleteLater()  # the thread has ended (see ExportJob): nothing piles up over a lesson

    def on_finished(written: list) -> None:
        finish()
        window.statusBar().showMessage(f"Exported {len(written)} files to {folder}", 8000)

    def on_failed(message: str, cancelled: bool) -> None:
        finish()
        if cancelled:
            window.statusBar().showMessage(message, 8000)
        else:
            window.tell_user("Export failed", message)

    job.progressed.connect(on_progress)
    job.finished.connect(on_finished)
    job.failed.connect(on_failed)
    window.export_action.setEnabled(False)  # one export at a time
    window.export_job = job
    job.start()
    return job
