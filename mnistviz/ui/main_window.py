"""The main window: builds menus, places the docks and wires them to the worker.

Data flows one way: canvas -> InferenceService (worker thread) -> Result -> docks.
The docks only read Results; this class owns no drawing or inference logic.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
)

from mnistviz import __version__, colormaps
from mnistviz.resources import BUNDLED_MODELS, bundled_model
from mnistviz.ui.canvas_panel import CanvasPanel
from mnistviz.ui.featuremap_dock import FeatureMapDock
from mnistviz.ui.input_dock import InputDock
from mnistviz.ui.prediction_dock import PredictionDock
from mnistviz.mosaic import SCALE_MODES
from mnistviz.ui.settings import Settings
from mnistviz.ui.worker import InferenceService, ModelInfo

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp *.ppm *.pgm);;All files (*)"
MODEL_FILTER = "TorchScript models (*.pt *.pth *.ts *.ptl);;All files (*)"
MNIST_ATTRIBUTION = (
    "Sample digits and training data: the MNIST database of handwritten digits, "
    "Yann LeCun, Corinna Cortes and Christopher J. C. Burges (CC BY-SA 3.0)."
)


class MainWindow(QMainWindow):
    resultShown = Signal(object)  # the Result (or None) after every dock shows it
    modelChanged = Signal(object)  # ModelInfo, after the docks were configured for it
    modelRefused = Signal(str)  # why a model file was refused (the previous one stays)

    def __init__(self, model_path: str | Path | None = None, service: InferenceService | None = None,
                 log_path: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("mnistviz — what a neural network sees")
        self.setObjectName("mainWindow")
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.settings = Settings()
        self.log_path = log_path
        self.model_info: ModelInfo | None = None
        self.last_result = None
        self.last_error = ""  # the newest message shown to the user (tests read it)
        self._submitted_at: dict[int, float] = {}
        self._shown_id = 0
        self._base_font = QApplication.font()

        self.panel = CanvasPanel(self)
        self.canvas = self.panel.canvas
        self.setCentralWidget(self.panel)
        self.input_dock = InputDock(self)
        self.prediction_dock = PredictionDock(self)
        self.stage_docks = [FeatureMapDock(index, self) for index in range(3)]
        self._place_docks()
        self._build_status_bar()
        self._build_menus()
        self._restore_settings()
        self._default_state = self.saveState()

        self.service = service or InferenceService(parent=self)
        self.service.worker.resultReady.connect(self._on_result)
        self.service.worker.failed.connect(self.show_error_in_status)
        self.service.worker.modelLoaded.connect(self._on_model_loaded)
        self.service.worker.modelFailed.connect(self._on_model_failed)
        # strokeChanged covers every change, a stroke's last one included: strokeFinished
        # would only submit the same image twice.
        self.canvas.strokeChanged.connect(self.request_analysis)
        for dock in self.stage_docks:
            dock.hovered.connect(self._show_hover)
        self.canvas.loadFailed.connect(lambda message: self.tell_user("Cannot open the image", message))
        self.input_dock.centringToggled.connect(self._on_centring_toggled)
        self.service.start()
        self.load_model(model_path or self._initial_model())
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
        self.resize(1600, 1000)
        self.resizeDocks([self.prediction_dock], [1000], Qt.Orientation.Horizontal)
        self.resizeDocks([self.prediction_dock, *self.stage_docks], [190, 270, 270, 230], Qt.Orientation.Vertical)
        self.resizeDocks([self.input_dock], [300], Qt.Orientation.Vertical)

    def _build_status_bar(self) -> None:
        self.model_label = QLabel("Loading model…")
        self.timing_label = QLabel("")
        self.timing_label.setToolTip("preprocessing · inference · stroke to screen, in milliseconds")
        self.statusBar().addWidget(self.model_label, 1)
        self.statusBar().addPermanentWidget(self.timing_label)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.open_image_action = self._action(file_menu, "&Open image…", self.open_image_dialog, QKeySequence.StandardKey.Open)
        self.load_model_action = self._action(file_menu, "&Load model…", self.load_model_dialog, "Ctrl+M")
        self.export_action = self._action(file_menu, "&Export feature maps…", self.export_dialog, "Ctrl+E")
        self.export_action.setEnabled(False)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Edit")
        for action in self.panel.edit_actions():
            if action is None:
                edit_menu.addSeparator()
            else:
                edit_menu.addAction(action)

        view_menu = bar.addMenu("&View")
        for dock in (self.input_dock, self.prediction_dock, *self.stage_docks):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.panel.grid_action)
        scale_menu = view_menu.addMenu("Heatmap &scale")
        self.scale_actions = self._choice_group(scale_menu, SCALE_MODES, self.settings.get("scale_mode"),
                                                self.set_scale_mode)
        self._action(scale_menu, "Reset fixed scale", self._reset_fixed_range)
        colour_menu = view_menu.addMenu("&Colour map")
        self.colormap_actions = self._choice_group(colour_menu, colormaps.CHOICES, self.settings.get("colormap"),
                                                   self.set_colormap)
        view_menu.addSeparator()
        self.presentation_action = self._action(view_menu, "&Presentation mode", self.set_presentation, "F11")
        self.presentation_action.setCheckable(True)
        self._action(view_menu, "&Reset layout", self.reset_layout)

        model_menu = bar.addMenu("&Model")
        self.model_group = QActionGroup(self)
        self.model_actions: dict[str, QAction] = {}
        for name in BUNDLED_MODELS:
            action = model_menu.addAction(f"Bundled: {name}")
            action.setCheckable(True)
            action.setData(str(bundled_model(name)))
            action.triggered.connect(lambda _=False, n=name: self.load_model(bundled_model(n)))
            self.model_group.addAction(action)
            self.model_actions[name] = action
        model_menu.addSeparator()
        model_menu.addAction(self.load_model_action)

        samples_menu = bar.addMenu("&Samples")
        for digit in range(10):
            self._action(samples_menu, f"Digit {digit}", lambda _=False, d=digit: self.canvas.show_sample(d),
                         f"Ctrl+{digit}")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About mnistviz", self.show_about)

    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _choice_group(self, menu, choices: dict[str, str], current: str, on_choose) -> dict[str, QAction]:
        group = QActionGroup(self)
        actions = {}
        for key, label in choices.items():
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(key == current)
            action.triggered.connect(lambda _=False, k=key: on_choose(k))
            group.addAction(action)
            actions[key] = action
        return actions

    # --- settings -------------------------------------------------------------------------
    def _initial_model(self) -> Path:
        saved = self.settings.get("model")
        if saved in BUNDLED_MODELS:
            return bundled_model(saved)
        return Path(saved) if Path(saved).is_file() else bundled_model()

    def _restore_settings(self) -> None:
        geometry, state = self.settings.layout()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        self.set_colormap(self.settings.get("colormap"))
        self.set_scale_mode(self.settings.get("scale_mode"))
        if self.settings.get("brush_size"):
            self.canvas.set_brush_size(self.settings.get("brush_size"))
        self.panel.grid_action.setChecked(self.settings.get("grid"))
        self.input_dock.set_centring(self.settings.get("centre"))

    def save_settings(self) -> None:
        self.settings.set_layout(self.saveGeometry(), self.saveState())
        self.settings.set("brush_size", self.canvas.brush_size)
        self.settings.set("grid", self.panel.grid_action.isChecked())
        self.settings.set("centre", self.input_dock.centring())
        self.settings.sync()

    def reset_layout(self) -> None:
        for dock in (self.input_dock, self.prediction_dock, *self.stage_docks):
            dock.setFloating(False)
            dock.show()
        self.restoreState(self._default_state)

    # --- choices --------------------------------------------------------------------------
    def set_colormap(self, name: str) -> None:
        if name not in colormaps.CHOICES:
            name = colormaps.DEFAULT
        for dock in self.stage_docks:
            dock.set_colormap(name)
        self.colormap_actions[name].setChecked(True)
        self.settings.set("colormap", name)

    def set_scale_mode(self, mode: str) -> None:
        if mode not in SCALE_MODES:
            mode = "stage"
        for dock in self.stage_docks:
            dock.set_scale_mode(mode)
        self.scale_actions[mode].setChecked(True)
        self.settings.set("scale_mode", mode)

    def _reset_fixed_range(self) -> None:
        for dock in self.stage_docks:
            dock.reset_fixed_range()

    def set_presentation(self, on: bool) -> None:
        """Full screen with larger type, for a projector at the back of a classroom."""
        font = QFont(self._base_font)
        if on:
            font.setPointSizeF(self._base_font.pointSizeF() * 1.5)
        QApplication.setFont(font)
        # The canvas panel and Input dock follow the application font; the plots have their own.
        for dock in (self.prediction_dock, *self.stage_docks):
            dock.set_presentation(on)
        self.presentation_action.setChecked(on)
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    # --- model ----------------------------------------------------------------------------
    def load_model(self, path: str | Path) -> None:
        self.model_label.setText(f"Loading model {Path(path).name}…")
        self.service.load_model(path)

    def load_model_dialog(self) -> None:
        path = self._ask_for_file("Load a TorchScript model", "last_model_folder", MODEL_FILTER)
        if path:
            self.load_model(path)

    @Slot(object)
    def _on_model_loaded(self, info: ModelInfo) -> None:
        self.model_info = info
        for dock, name, shape in zip(self.stage_docks, info.stage_names, info.stage_shapes):
            dock.configure(name, shape)
        bundled = {Path(a.data()).resolve(): n for n, a in self.model_actions.items()}
        name = bundled.get(info.path.resolve())
        if name:
            self.model_actions[name].setChecked(True)
            self.settings.set("model", name)
        else:
            checked = self.model_group.checkedAction()
            if checked:
                checked.setChecked(False)
            self.settings.set("model", str(info.path))
        accuracy = "" if info.test_accuracy is None else f" · test accuracy {info.test_accuracy * 100:.2f} %"
        self.model_label.setText(f"Model: {info.name}{accuracy}")
        self.modelChanged.emit(info)
        self.request_analysis()

    @Slot(str)
    def _on_model_failed(self, message: str) -> None:
        if self.model_info is not None:
            self.model_label.setText(f"Model: {self.model_info.name} (kept)")
            message += f"\n\nStill using the model “{self.model_info.name}”."
        else:
            self.model_label.setText("No model loaded")
        self.tell_user("Cannot load the model", message)
        self.modelRefused.emit(message)

    # --- drawing -> analysis -> docks -------------------------------------------------------
    @Slot()
    def request_analysis(self) -> None:
        request_id = self.service.submit(self.canvas.image_array(), self.input_dock.centring())
        self._submitted_at = {request_id: time.perf_counter()}  # only the newest can still be shown

    def _on_centring_toggled(self, on: bool) -> None:
        self.settings.set("centre", on)
        self.request_analysis()

    @Slot(int, object)
    def _on_result(self, request_id: int, result) -> None:
        if request_id < self._shown_id:
            return  # an answer overtaken by a newer one
        self._shown_id = request_id
        started = time.perf_counter()
        if result is None:
            self._show_empty()
        else:
            self.input_dock.show_result(result)
            self.prediction_dock.show_result(result)
            for dock in self.stage_docks:
                dock.show_result(result)  # each dock picks its own stage by position
            self.last_result = result
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
        self.timing_label.setText("")

    # --- files ------------------------------------------------------------------------------
    def open_image_dialog(self) -> None:
        path = self._ask_for_file("Open an image of a digit", "last_image_folder", IMAGE_FILTER)
        if path:
            self.open_image(path)

    def _ask_for_file(self, title: str, folder_key: str, name_filter: str) -> str:
        """A file dialog that starts in, and remembers, the folder last used for this kind of file."""
        path, _ = QFileDialog.getOpenFileName(self, title, self.settings.get(folder_key), name_filter)
        if path:
            self.settings.set(folder_key, str(Path(path).parent))
        return path

    def open_image(self, path: str | Path) -> bool:
        from mnistviz.preprocess import ImageInputError

        try:
            self.canvas.load_image_file(path)
        except ImageInputError as exc:
            self.tell_user("Cannot open the image", str(exc))
            return False
        return True

    def export_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export feature maps to folder",
                                                  self.settings.get("last_export_folder"))
        if folder:
            self.settings.set("last_export_folder", folder)
            self.export_to(folder)

    def export_to(self, folder: str | Path) -> list[Path]:
        from mnistviz.export import ExportError, export_result

        if self.last_result is None:
            self.tell_user("Nothing to export", "Draw a digit first: there are no feature maps yet.")
            return []
        mode = next(k for k, a in self.scale_actions.items() if a.isChecked())
        colormap = next(k for k, a in self.colormap_actions.items() if a.isChecked())
        # "fixed" ranges live in the docks (they grow across drawings): export what is on screen.
        levels = {dock.stage_name: (lv.lo, lv.hi) for dock in self.stage_docks if (lv := dock.levels())}
        try:
            written = export_result(self.last_result, folder, colormap=colormap, scale_mode=mode,
                                    levels=levels if mode == "fixed" else None)
        except ExportError as exc:
            self.tell_user("Export failed", str(exc))
            return []
        self.statusBar().showMessage(f"Exported {len(written)} files to {folder}", 8000)
        return written

    # --- messages ---------------------------------------------------------------------------
    def tell_user(self, title: str, message: str) -> None:
        """A non-blocking message box: the window (and a test) keeps running."""
        self.last_error = message
        self.statusBar().showMessage(f"{title}: {message.splitlines()[0]}", 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
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
        self.last_error = message
        self.statusBar().showMessage(message, 10000)

    def show_about(self) -> None:
        info = self.model_info
        model = "No model loaded." if info is None else (
            f"<b>Model:</b> {info.name}<br>{info.architecture or ''}<br>"
            + ("" if info.test_accuracy is None else f"Test accuracy: {info.test_accuracy * 100:.2f} %<br>")
            + f"Trained on: {info.trained_on or 'unknown'}<br>Temperature: {info.temperature:.3f}<br>"
            f"File: {info.path}"
        )
        log = f"<br><br>Log file: {self.log_path}" if self.log_path else ""
        QMessageBox.about(self, "About mnistviz",
                          f"<h3>mnistviz {__version__}</h3>"
                          "<p>Draw a digit and watch, live, what a small convolutional network "
                          "does with it: the 28×28 image it sees, its 30 feature maps and its answer.</p>"
                          f"<p>{model}</p><p>{MNIST_ATTRIBUTION}</p>{log}")

    # --- closing ----------------------------------------------------------------------------
    def closeEvent(self, event) -> None:
        self.save_settings()
        self.service.stop()  # waits for a running analysis: no thread outlives the window
        super().closeEvent(event)
