"""The main window: builds menus, places the docks and wires them to the worker.

Data flows one way: canvas -> InferenceService (worker thread) -> Result -> docks.
The docks only read Results; this class owns no drawing or inference logic.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
)

from mnistviz import colormaps
from mnistviz.ui.canvas_panel import CanvasPanel
from mnistviz.ui.explain_docks import ExplainDocks
from mnistviz.ui.featuremap_dock import FeatureMapDock, SharedGrid
from mnistviz.ui import drawing_files
from mnistviz.ui.image_open_job import WindowImageOpener
from mnistviz.ui.input_dock import InputDock
from mnistviz.ui.map_viewer import MapViewer
from mnistviz.ui.prediction_dock import PredictionDock
from mnistviz.ui.gallery import GalleryDock
from mnistviz.ui.recent_files import RecentFiles
from mnistviz.ui.replay_controller import ReplayController
from mnistviz.mosaic import SCALE_MODES
from mnistviz.ui import theme as themes
from mnistviz.ui import window_layout
from mnistviz.ui.menus import build_menus
from mnistviz.ui.compare_dock import CompareTools
from mnistviz.ui.dock_notes import install_dock_notes
from mnistviz.ui.quiz import QuizMode
from mnistviz.ui.settings import Settings
from mnistviz.ui.model_loading import ModelLoading
from mnistviz.ui.pacing import AnalysisPacer
from mnistviz.ui.worker import InferenceService, ModelInfo


class MainWindow(QMainWindow):
    resultShown = Signal(object)  # the Result (or None) after every dock shows it
    analysisSubmitted = Signal(int)  # a request id: the canvas as it is now went to the worker
    modelChanged = Signal(object)  # ModelInfo, after the docks were configured for it
    modelRefused = Signal(str)  # why a model file was refused (the previous one stays)

    def __init__(self, model_path: str | Path | None = None, service: InferenceService | None = None,
                 log_path: Path | None = None) -> None:
        super().__init__()
        # Qt adds " — mnistviz" (the display name) to a title unless it already ends with it.
        self.setWindowTitle("What a neural network sees — mnistviz")
        self.setObjectName("mainWindow")
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.settings = Settings()
        self.log_path = log_path
        self.model_info: ModelInfo | None = None
        self.last_result = None
        self.last_error = ""  # the newest message shown to the user (tests read it)
        self._submitted_at: dict[int, float] = {}
        self._shown_id = 0
        self._shown_before = False
        self.export_job = None  # File ▸ Export's background job (mnistviz.ui.export_job)

        self.panel = CanvasPanel(self)
        self.canvas = self.panel.canvas
        self.setCentralWidget(self.panel)
        self.input_dock = InputDock(self)
        self.prediction_dock = PredictionDock(self)
        self.stage_docks = [FeatureMapDock(index, self) for index in range(3)]
        self.stage_grid = SharedGrid(self.stage_docks, self)  # one grid for the three stages
        self.map_viewer = MapViewer(self.stage_docks, self)  # one enlarged map for every stage
        self._place_docks()
        self.explain = ExplainDocks(self)  # self.view_state, Evidence / arithmetic / Filters / Network docks
        self.dock_share = window_layout.RightColumnShare(self, self._right_docks())
        # The plots set their own fonts; the rest follows the application font.
        self.presentation = window_layout.PresentationMode(self, self._right_docks(), [self.input_dock],
                                                           others=(self.panel, *self.explain.docks))
        self._build_status_bar()
        self.image_opener = WindowImageOpener(self)  # File ▸ Open and dropped images, read off the GUI thread
        self._photo_for_request: dict = {}  # request id -> the photo the canvas showed (Input dock's steps)
        self.replay = ReplayController(self)  # the replay timeline under the canvas
        self.gallery = GalleryDock(self)  # saved and pinned drawings: add(picture, result)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.gallery, Qt.Orientation.Vertical)
        self.gallery.hide()  # until something is saved or pinned
        self.recent_files = RecentFiles(self)
        build_menus(self)
        self.compare = CompareTools(self)  # Edit ▸ Pin: A | B | B − A (ui/compare_dock.py)
        self.quiz = QuizMode(self)  # View ▸ Quiz mode: guess, then Space reveals (ui/quiz.py)
        install_dock_notes(self)  # a "?" with a teaching note on every dock's title bar
        # Reset layout's target: captured before the saved layout is applied, or docks hidden
        # in an earlier session would stay hidden after a reset.
        self._default_state = self.saveState()
        self._restore_settings()
        self.compare.dock.hide()  # a pin does not outlive a session (the layout saved it shown)
        self.gallery.hide()  # nor do the gallery's drawings
        if self.settings.problem_message():  # said once the window is up, not before it
            QTimer.singleShot(0, self, lambda: self.tell_user("Settings reset", self.settings.problem_message()))

        self.service = service or InferenceService(parent=self)
        self.pacer = AnalysisPacer(self._submit_canvas)
        self.service.worker.resultReady.connect(self._on_result)
        self.service.worker.failed.connect(self.show_error_in_status)
        self.service.worker.failed.connect(lambda _message: self.pacer.failed())
        self.model_loading = ModelLoading(self)
        # strokeChanged covers every change, a stroke's last one included: strokeFinished
        # would only submit the same image twice.
        self.canvas.strokeChanged.connect(self.request_analysis)
        for dock in self.stage_docks:
            dock.hovered.connect(self._show_hover)
        self.map_viewer.hovered.connect(self._show_hover)
        self.canvas.loadFailed.connect(lambda message: self.tell_user("Cannot open the image", message))
        self.canvas.open_dropped_file = lambda path: drawing_files.open_path(self, path)  # images and drawings
        self.input_dock.centringToggled.connect(self._on_centring_toggled)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_colours_changed)
        self.service.start()
        self.model_loading.load_first(model_path or self.model_loading.initial_path())
        self._show_empty()

    # --- layout -------------------------------------------------------------------------
    def _place_docks(self) -> None:
        """DESIGN.md's picture: canvas with the Input dock under it on the left; prediction
        and the three stages stacked on the right, which owns both right-hand corners."""
        self.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.input_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.prediction_dock)
        for dock in self.stage_docks:
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        window_layout.place_first_window(self, self._right_docks(), [self.input_dock])

    def _right_docks(self) -> list:
        return [self.prediction_dock, *self.stage_docks]

    def _build_status_bar(self) -> None:
        self.model_label = QLabel("Loading model…")
        self.model_label.setTextFormat(Qt.TextFormat.PlainText)  # a model's name is text, never markup
        self.timing_label = QLabel("")
        self.timing_label.setToolTip("preprocessing · inference · stroke to screen, in milliseconds")
        # Permanent (right-hand) widgets are never covered by, nor painted over, a status message.
        self.statusBar().addPermanentWidget(self.model_label)
        self.statusBar().addPermanentWidget(self.timing_label)

    # --- settings -------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry, state = self.settings.layout()
        window_layout.restore_or_fit(self, geometry, self._right_docks(), [self.input_dock])
        if state is not None:
            self.restoreState(state)
        self.set_colormap(self.settings.get("colormap"))
        self.set_theme(self.settings.get("theme"))
        self.set_scale_mode(self.settings.get("scale_mode"))
        if self.settings.get("brush_size"):
            self.canvas.set_brush_size(self.settings.get("brush_size"))
        self.panel.grid_action.setChecked(self.settings.get("grid"))
        self.input_dock.set_centring(self.settings.get("centre"))
        self.input_dock.set_showing_steps(self.settings.get("show_steps"))

    def save_settings(self) -> None:
        self.settings.set_layout(*self.presentation.windowed_layout())
        self.settings.set("brush_size", self.canvas.brush_size)
        self.settings.set("grid", self.panel.grid_action.isChecked())
        self.settings.set("centre", self.input_dock.centring())
        self.settings.set("show_steps", self.input_dock.showing_steps())
        self.settings.sync()

    def reset_layout(self) -> None:
        """Every dock shown and docked where it started, at the first window's shares of the
        window as it is now."""
        for dock in (self.input_dock, self.prediction_dock, *self.stage_docks):
            dock.setFloating(False)
            dock.show()
        self.gallery.hide()  # shown untabbed on its way to hidden, it grew the window past the screen
        self.restoreState(self._default_state)
        window_layout.share_dock_space(self, self._right_docks(), [self.input_dock], self.size())
        self.explain.place()  # tabbed in again at those shares (the default state has them hidden)
        if self.gallery.entries:
            self.gallery.appear()  # tabbed with the Input dock again
        self.dock_share.share = window_layout.RIGHT_COLUMN_SHARE

    # --- choices --------------------------------------------------------------------------
    def set_colormap(self, name: str) -> None:
        """Set on the view state: the docks, the menu's check mark and the export follow it."""
        self.view_state.colormap = name if name in colormaps.CHOICES else colormaps.DEFAULT
        self.settings.set("colormap", self.view_state.colormap)

    def set_theme(self, choice: str) -> None:
        """View ▸ Theme: "system", "light" or "dark"; one palette for the whole window."""
        if choice not in themes.CHOICES:
            choice = themes.DEFAULT
        self.theme = themes.resolve(choice)
        QApplication.setPalette(themes.palette(self.theme))
        for dock in (self.prediction_dock, *self.stage_docks):
            dock.set_theme(self.theme)
        self.explain.set_theme(self.theme)
        self.map_viewer.set_theme(self.theme)
        self.panel.set_theme(self.theme)
        self.theme_actions[choice].setChecked(True)
        self.settings.set("theme", choice)

    def _on_system_colours_changed(self) -> None:
        if self.settings.get("theme") == "system":
            self.set_theme("system")

    def set_scale_mode(self, mode: str) -> None:
        self.view_state.scale_mode = mode if mode in SCALE_MODES else "stage"
        self.settings.set("scale_mode", self.view_state.scale_mode)

    def _reset_fixed_range(self) -> None:
        self.view_state.reset_fixed_ranges()

    def set_presentation(self, on: bool) -> None:
        """Full screen with larger type, for a projector at the back of a classroom."""
        self.presentation.set_active(on)
        self.presentation_action.setChecked(on)

    def leave_or_close(self) -> None:
        """Esc: close the enlarged map if it is open, else leave quiz mode, else presentation mode.
        Never clears."""
        if self.map_viewer.isVisible():
            self.map_viewer.hide()
        elif self.quiz.active:
            self.quiz.set_active(False)
        elif self.presentation.active:
            self.set_presentation(False)

    # --- model (ui/model_loading.py) ---------------------------------------------------------
    def load_model(self, path: str | Path) -> None:
        self.model_loading.load(path)

    def load_model_dialog(self) -> None:
        self.model_loading.ask_and_load()

    # --- drawing -> analysis -> docks -------------------------------------------------------
    @Slot()
    def request_analysis(self) -> None:
        """Analyse what the canvas shows: now, or as soon as the answer in flight is shown."""
        self.pacer.request()

    def _submit_canvas(self) -> int:
        image = self.canvas.shown_array()  # the replay's moment while the timeline is scrubbed back
        request_id = self.service.submit(image, self.input_dock.centring())
        self._submitted_at = {request_id: time.perf_counter()}  # only the newest can still be shown
        self._photo_for_request = {request_id: self.image_opener.photo_for(image)}
        self.analysisSubmitted.emit(request_id)
        return request_id

    def analysis_settled(self) -> bool:
        """The docks show the canvas as it is now: no analysis in flight, no change waiting."""
        return self.pacer.in_flight is None

    def _on_centring_toggled(self, on: bool) -> None:
        self.settings.set("centre", on)
        self.request_analysis()

    @Slot(int, object)
    def _on_result(self, request_id: int, result) -> None:
        # Show the newest answer there is: a newer one may have been computed while this one
        # waited for the GUI thread (its own signal, still queued, is then skipped). Never the
        # older one first: that would paint a stale answer and fall behind a moving pen.
        newest_id, newest = self.service.worker.newest_answer
        if newest_id > request_id:
            request_id, result = newest_id, newest
        if request_id <= self._shown_id:
            return
        try:
            self._show_result(request_id, result)
        finally:
            # The newest canvas goes to the worker once this answer is painted: the timer runs
            # after the repaint Qt has queued. Sent at once, the worker's analysis competed with
            # that paint for the interpreter lock (paired bench runs in the README).
            QTimer.singleShot(0, self, lambda: self.pacer.answered(request_id))

    def _show_result(self, request_id: int, result) -> None:
        self._shown_id = request_id
        started = time.perf_counter()
        if result is None:
            self._show_empty()
        else:
            self.input_dock.set_photo(self._photo_for_request.get(request_id))
            self.input_dock.show_result(result)
            self.prediction_dock.show_result(result)
            for dock in self.stage_docks:
                dock.show_result(result)  # each dock picks its own stage by position
            self.last_result = result
            self.explain.show_result(result)  # after last_result: the outline reads it
            self.export_action.setEnabled(True)
            render_ms = (time.perf_counter() - started) * 1000
            submitted = self._submitted_at.get(request_id)
            frame = f" · frame {(time.perf_counter() - submitted) * 1000:.1f}" if submitted else ""
            self.timing_label.setText(
                f"preprocess {result.timings.get('preprocess_ms', 0):.1f} · "
                f"inference {result.timings.get('inference_ms', 0):.1f} · render {render_ms:.1f}{frame} ms"
            )
        self.resultShown.emit(result)

    def _show_empty(self) -> None:
        self.last_result = None
        self.export_action.setEnabled(False)
        self.input_dock.show_result(None)
        self.prediction_dock.show_result(None)
        for dock in self.stage_docks:
            dock.show_result(None)
        self.explain.show_result(None)
        self.timing_label.setText("")

    # --- files ------------------------------------------------------------------------------
    def open_image_dialog(self) -> None:
        """File ▸ Open: images and photos, or drawing files (which replay their strokes)."""
        drawing_files.open_dialog(self)

    def save_drawing_dialog(self) -> None:
        drawing_files.save_dialog(self)

    def ask_for_file(self, title: str, folder_key: str, name_filter: str) -> str:
        """A file dialog that starts in, and remembers, the folder last used for this kind of file."""
        path, _ = QFileDialog.getOpenFileName(self, title, self.settings.get(folder_key), name_filter)
        if path:
            self.settings.set(folder_key, str(Path(path).parent))
        return path

    def open_image_in_background(self, path: str | Path) -> None:
        """File ▸ Open and dropped image files: read on a worker thread, the newest file wins;
        the digit lands on the canvas when found, else the user is told why."""
        self.image_opener.open(path)

    def open_image(self, path: str | Path) -> bool:
        """The same, waited for (scripts, the self-test). False if refused (the user was told)."""
        return self.image_opener.open_now(path)

    def export_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export feature maps to folder",
                                                  self.settings.get("last_export_folder"))
        if folder:
            self.settings.set("last_export_folder", folder)
            self.export_in_background(folder)

    def export_in_background(self, folder: str | Path):
        """File ▸ Export: written in a thread (big models take a minute), progress if it is slow."""
        from mnistviz.ui.export_job import start_window_export

        return start_window_export(self, folder)

    def export_to(self, folder: str | Path) -> list[Path]:
        """The same export, waited for (scripts and the self-test)."""
        from mnistviz.ui.export_job import export_now

        return export_now(self, folder)

    # --- messages ---------------------------------------------------------------------------
    def tell_user(self, title: str, message: str, details: str = "") -> None:
        """A non-blocking message box: the window (and a test) keeps running. `details`, the
        technical reason, sits behind the box's "Show Details…" button."""
        self.last_error = message
        self.statusBar().showMessage(f"{title}: {message.splitlines()[0]}", 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # file and model names are text, never markup
        box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    @Slot(str)
    def _show_hover(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    @Slot(str)
    def show_error_in_status(self, message: str) -> None:
        # The worker logged the exception in full; the status bar gets plain words. The docks go
        # empty: the previous answer must not stay on screen under this model's name.
        self._show_empty()
        model = f"The model “{self.model_info.name}”" if self.model_info else "The model"
        self.last_error = (f"{model} could not analyse this drawing, so nothing is shown. "
                           "Try another model; the details are in the log file.")
        self.statusBar().showMessage(self.last_error, 10000)

    # --- closing ----------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._shown_before:
            self.dock_share.window_resized()
            # A dock that appears (the gallery, Compare) may grow the window past the screen's edge.
            QTimer.singleShot(0, self, lambda: window_layout.keep_on_screen(self))

    def event(self, event) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.MouseButtonRelease:  # a dragged separator ends here
            self.dock_share.remember()
        return handled

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown_before:
            self._shown_before = True
            # The window manager adds its frame after the first show: then make it fit.
            for delay in window_layout.FRAME_SETTLE_MS:
                QTimer.singleShot(delay, self, lambda: window_layout.keep_on_screen(self))  # dies with self
            QTimer.singleShot(max(window_layout.FRAME_SETTLE_MS), self, self.dock_share.remember)

    def closeEvent(self, event) -> None:
        if self.export_job is not None:  # no thread outlives the window; the earlier export stays
            self.export_job.stop()
        self.image_opener.stop()  # waits for a file being read (about a second at most)
        self.save_settings()
        self.service.stop()  # returns promptly: a long load or analysis is abandoned, emits nothing
        super().closeEvent(event)
