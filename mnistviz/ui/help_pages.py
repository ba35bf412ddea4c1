"""Help ▸ How to use, Help ▸ Keyboard shortcuts and Help ▸ About.

The shortcuts table is made from the window's own QActions each time it opens, so it
lists exactly the keys that work; the mouse and pen have no QAction and are described
here. Both pages are non-modal (a teacher can keep one open while drawing), come
forward when asked for again, and close with Esc or their Close button.

Titles do not repeat the program's name: Qt adds " — mnistviz" (the application's
display name) to every window title an X or Windows window manager shows.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mnistviz import __version__

SHORTCUTS_NAME = "shortcutsDialog"
HOW_TO_NAME = "howToDialog"
FONT_SCALE = 1.2  # a little larger than the window's own type: read from a step away
MNIST_ATTRIBUTION = (
    "Sample digits and training data: the MNIST database of handwritten digits, "
    "Yann LeCun, Corinna Cortes and Christopher J. C. Burges (CC BY-SA 3.0)."
)

# What the mouse and pen do: no QAction carries these.
GESTURES = (
    ("Draw", "Left button, or the pen's tip"),
    ("Erase", "Right button, or the pen's eraser end"),
    ("Read a value in a feature map", "Hover over the map: the status bar shows the value"),
    ("Enlarge a feature map", "Click the map"),
    ("Open an image", "Drag the image file onto the canvas"),
)


def action_name(action: QAction) -> str:
    """The action's menu text without its mnemonic "&" and trailing "…"."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def on_a_keyboard(sequence: QKeySequence) -> bool:
    """False for bindings to keys few keyboards have (X11 binds Undo to F14 and to a
    dedicated Undo key): the table names only keys a person can find."""
    return not sequence.isEmpty() and all(
        sequence[i].key() < Qt.Key.Key_F13 for i in range(sequence.count()))


def key_text(action: QAction) -> str:
    """The keys that trigger `action`, as the platform writes them: "Del, Backspace"."""
    keys = [s for s in action.shortcuts() if on_a_keyboard(s)] or action.shortcuts()[:1]
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in keys)


def shortcut_sections(window: QWidget) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(section, [(action, keys), ...]), ...]: one section per menu, in menu order, then
    any action with a shortcut that no menu shows, then the mouse and pen."""
    listed: list[QAction] = []

    def walk(menu: QMenu, rows: list[tuple[str, str]]) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), rows)
            elif not action.shortcut().isEmpty() and action not in listed:
                listed.append(action)
                rows.append((action_name(action), key_text(action)))

    sections = []
    for top in window.menuBar().actions():
        rows: list[tuple[str, str]] = []
        if top.menu() is not None:
            walk(top.menu(), rows)
        if rows:
            sections.append((action_name(top), rows))
    others = [(action_name(a), key_text(a)) for a in window.findChildren(QAction)
              if not a.shortcut().isEmpty() and a not in listed and a.text()]
    if others:
        sections.append(("Other", others))
    sections.append(("Mouse and pen", list(GESTURES)))
    return sections


def _readable_font() -> QFont:
    font = QFont(QApplication.font())  # follows presentation mode's larger type
    font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
    return font


def _page(window: QWidget, name: str, title: str) -> tuple[QDialog, bool]:
    """The window's help page called `name`, made on first use: (dialog, is_new)."""
    dialog = window.findChild(QDialog, name)
    if dialog is not None:
        return dialog, False
    dialog = QDialog(window)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)  # Close and Esc both reject: the page hides
    layout.addWidget(buttons)
    return dialog, True


def _bring_forward(dialog: QDialog) -> QDialog:
    dialog.setFont(_readable_font())
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def show_shortcuts(window: QWidget) -> QDialog:
    """Help ▸ Keyboard shortcuts: a table of every key, rebuilt from the actions each time."""
    dialog, new = _page(window, SHORTCUTS_NAME, "Keyboard shortcuts")
    if new:
        table = QTableWidget(0, 2, dialog)
        table.setHorizontalHeaderLabels(["Action", "Keys, mouse or pen"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # scrolls with the arrow keys
        table.setShowGrid(False)
        table.setWordWrap(False)  # one line a row: every row the same height
        table.horizontalHeader().setStretchLastSection(True)
        dialog.layout().insertWidget(0, table)
    table = dialog.findChild(QTableWidget)
    dialog.setFont(_readable_font())  # before filling: rows and columns are sized for it
    _fill_shortcuts(table, shortcut_sections(window))
    if new:
        screen = window.screen().availableGeometry()
        margins = dialog.layout().contentsMargins()
        width = (table.horizontalHeader().length() + table.verticalScrollBar().sizeHint().width()
                 + 2 * table.frameWidth() + margins.left() + margins.right())
        height = table.verticalHeader().length() + table.horizontalHeader().height() + 120
        dialog.resize(min(width, int(screen.width() * 0.8)), min(height, int(screen.height() * 0.85)))
    return _bring_forward(dialog)


def _fill_shortcuts(table: QTableWidget, sections) -> None:
    table.clearContents()
    table.setRowCount(sum(len(rows) + 1 for _, rows in sections))
    heading_font = QFont(table.font())
    heading_font.setBold(True)
    row = 0
    for section, rows in sections:
        heading = QTableWidgetItem(section)
        heading.setFont(heading_font)
        heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
        table.setItem(row, 0, heading)
        table.setSpan(row, 0, 1, 2)
        row += 1
        for name, keys in rows:
            table.setItem(row, 0, QTableWidgetItem(name))
            table.setItem(row, 1, QTableWidgetItem(keys))
            row += 1
    gap = table.fontMetrics().horizontalAdvance("M") * 2  # air between the two columns
    for column in (0, 1):
        table.resizeColumnToContents(column)
        table.setColumnWidth(column, table.columnWidth(column) + gap)
    table.resizeRowsToContents()


def show_how_to(window: QWidget) -> QDialog:
    """Help ▸ How to use: one short page in plain words, with the window's real keys."""
    dialog, new = _page(window, HOW_TO_NAME, "How to use")
    if new:
        browser = QTextBrowser(dialog)
        browser.setOpenLinks(False)
        dialog.layout().insertWidget(0, browser)
        screen = window.screen().availableGeometry()
        dialog.resize(min(720, int(screen.width() * 0.8)), min(760, int(screen.height() * 0.85)))
    dialog.findChild(QTextBrowser).setHtml(how_to_html(window))
    return _bring_forward(dialog)


def _keys(action: QAction | None) -> str:
    text = key_text(action) if action is not None else ""
    return f" (<b>{html.escape(text)}</b>)" if text else ""


def _or(action: QAction | None) -> str:
    text = key_text(action) if action is not None else ""
    return f", or <b>{html.escape(text)}</b>," if text else ""


def _key_names(*actions: QAction | None) -> str:
    """"<b>Ctrl+Left</b> and <b>Ctrl+Right</b>": the keys as the actions really have them."""
    return " and ".join(f"<b>{html.escape(key_text(a))}</b>" for a in actions if a is not None and key_text(a))


def how_to_html(window) -> str:
    panel = window.panel
    stages = getattr(window.model_info, "stage_names", None) or ("Conv1 + ReLU", "Conv2 + ReLU", "MaxPool")
    stage_list = ", ".join(f"<b>{html.escape(s)}</b>" for s in stages)
    sample = getattr(window, "sample_actions", None)
    replay = getattr(window, "replay", None)
    sample_keys = " (<b>Ctrl+0</b> … <b>Ctrl+9</b>)" if sample is None else (
        f" (<b>{html.escape(key_text(sample[0]))}</b> … <b>{html.escape(key_text(sample[-1]))}</b>)")
    return f"""
<h2>How to use mnistviz</h2>
<p>mnistviz shows, while you draw, what a small neural network does with a handwritten
digit: the picture it receives, what its filters pick out, and its answer.</p>

<h3>Draw</h3>
<p>Draw one digit, 0 to 9, large on the black canvas on the left: with the left mouse button,
or with a pen on a drawing tablet. The right button, or the pen's eraser end, rubs out.
<b>Undo</b>{_keys(panel.undo_action)} takes back the last stroke and <b>Clear</b>{_keys(panel.clear_action)}
starts again. The <b>Brush</b> slider, or <b>[</b> and <b>]</b>, change the line width;
<b>Grid</b>{_keys(panel.grid_action)} shows the 28 × 28 squares the network will see.</p>

<h3>What each panel shows</h3>
<ul>
<li><b>Input (what the network sees)</b>: your drawing shrunk to 28 × 28 pixels and centred
the way the digits the network learned from were. Tick <i>Show steps</i> to see how that is
done; untick <i>Centre like MNIST</i> to see why it matters.</li>
<li><b>Prediction</b>: the network's answer in large type, how sure it is, and a bar for
every digit. It is never completely sure, so the most it says is “&gt; 99.9&nbsp;%”.</li>
<li>{stage_list}: the feature maps, one small picture per filter. Bright means the filter
found its pattern there. Hover over a map to read a value in the status bar at the bottom;
click a map to see it large.</li>
<li><b>Evidence</b>: which parts of the drawing pushed the answer up (red) or down (blue).
Click another bar in <i>Prediction</i> to see the evidence for that digit; click it again to go back.</li>
<li><b>How it's made</b>: hover over one square of a feature map and this panel writes out the
sum that made it: the 3 × 3 pixels times the 3 × 3 weights, plus the bias, then ReLU. The
pixels are the network's normalised values, so black paper is about −0.42.</li>
<li><b>Filters</b>: the weights the network learned; red raises a sum, blue lowers it. They
are the same for every drawing.</li>
<li><b>Network</b>: the layers in order, their sizes and how many numbers each learned. Click
a layer to bring its panel to the front.</li>
</ul>
<p>The panels beside <i>Prediction</i> and <i>MaxPool</i> are tabs: click a tab's name to see it.</p>

<h3>Watch the drawing again</h3>
<p>The timeline under the canvas shows how sure the network was of each digit while you drew.
<b>Play</b>{_keys(replay.play_action if replay else None)} replays the drawing and every panel follows;
drag the slider to any moment. {_key_names(*(replay.back_action, replay.forward_action) if replay else ())}
step one stroke back or on, {_key_names(replay.start_action if replay else None)} goes to the first
touch and {_key_names(replay.live_action if replay else None)} back to the whole drawing
(<b>View ▸ Replay</b> has them all). Drawing on a replayed moment goes on from there.</p>

<h3>Try the network's own test digits</h3>
<p>The <b>Samples</b> menu{sample_keys} puts a real digit from the MNIST test set on the
canvas; choose the same digit again for another example.</p>

<h3>Open an image or a drawing</h3>
<p><b>File ▸ Open image or drawing…</b>{_keys(getattr(window, "open_image_action", None))}, or drag a
picture file onto the canvas. A photo or scan of dark writing on light paper works too:
mnistviz turns it into white on black, like the digits the network learned from.</p>
<h3>Save a drawing</h3>
<p><b>File ▸ Save drawing…</b>{_keys(getattr(window, "save_drawing_action", None))} keeps what you
drew as a drawing file (the strokes, not a picture); opening it later draws exactly the same
digit again.</p>

<h3>Show it to a class</h3>
<p><b>View ▸ Presentation mode</b>{_keys(getattr(window, "presentation_action", None))} fills
the screen and makes the type larger for a projector; press it again{_or(getattr(window, "leave_action", None))}
to leave. Panels can be
dragged, floated and closed; <b>View ▸ Reset layout</b> puts them all back.</p>
<p>The <b>?</b> on a panel's title bar explains that panel in plain words.</p>

<h3>Quiz</h3>
<p><b>View ▸ Quiz mode</b>{_keys(getattr(window, "quiz_action", None))} hides the network's answer.
Everyone guesses, then <b>Space</b> reveals it; draw again for the next question.
Esc leaves the quiz.</p>

<h3>Compare two drawings</h3>
<p><b>Edit ▸ Pin drawing for comparison</b>{_keys(getattr(window, "pin_action", None))} keeps
the drawing as A; draw another (B) and the <b>Compare</b> panel shows A, B and B − A for every
stage, with both answers below. Choose the same menu item again to unpin.</p>

<h3>Gallery</h3>
<p>Every drawing you save or pin is kept in the <b>Gallery</b> (<b>View ▸ Gallery</b>) with the
network's answer. Click one to put it back on the canvas. The gallery is emptied when the app
closes: save the drawings you want to keep.</p>

<h3>Keep the results</h3>
<p><b>File ▸ Export feature maps…</b>{_keys(getattr(window, "export_action", None))} saves,
in a folder you choose, one summary picture (<i>featuremaps.png</i>), a picture of every
feature map, and the numbers (<i>result.json</i>).</p>

<p><b>Help ▸ Keyboard shortcuts</b> lists every key.</p>
"""


def show_about(window) -> QMessageBox:
    """Help ▸ About: version, the model in use, the data's attribution and the log file."""
    info = window.model_info
    model = "No model loaded." if info is None else (
        f"<b>Model:</b> {html.escape(info.name)}<br>{html.escape(info.architecture or '')}<br>"
        + ("" if info.test_accuracy is None else f"Test accuracy: {info.test_accuracy * 100:.2f}&nbsp;%<br>")
        + f"Trained on: {html.escape(info.trained_on or 'unknown')}<br>Temperature: {info.temperature:.3f}<br>"
        f"File: {html.escape(str(info.path))}"
    )
    log = f"<br><br>Log file: {html.escape(str(window.log_path))}" if window.log_path else ""
    box = QMessageBox(window)
    box.setWindowTitle("About")  # shown as "About — mnistviz"
    icon = QApplication.windowIcon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(f"<h3>mnistviz {__version__}</h3>"
                "<p>Draw a digit and watch, live, what a small convolutional network "
                "does with it: the 28×28 image it sees, its 30 feature maps and its answer.</p>"
                f"<p>{model}</p><p>{MNIST_ATTRIBUTION}</p>{log}")
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()  # not exec(): the window keeps running
    return box
