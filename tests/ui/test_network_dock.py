"""The Network dock: the layers read from the loaded model, with live thumbnails; it
follows a model switch, and a click on a stage brings its dock to the front."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mnistviz.resources import bundled_model

LAYERS = ["Input", "Conv1 + ReLU", "Conv2 + ReLU", "MaxPool", "Class scores"]
BACKBONE = (10 * 9 + 10) + (10 * 10 * 9 + 10)  # conv1 and conv2 weights and biases


def wait_for_newest(qtbot, window):
    qtbot.waitUntil(lambda: window.last_result is not None
                    and window.analysis_settled(), timeout=30_000)
    return window.last_result


@pytest.fixture
def network(window):
    window.explain.network.raise_()
    QApplication.processEvents()
    return window.explain.network


def column(dock, index):
    return [dock.table.item(row, index).text() for row in range(dock.table.rowCount())]


def test_both_shipped_models_are_listed_with_their_parameters(qtbot, window, network):
    window.canvas.show_sample(7)
    result = wait_for_newest(qtbot, window)
    assert network.layer_names() == LAYERS
    assert column(network, 3) == ["1 @ 28×28", "10 @ 28×28", "10 @ 28×28", "10 @ 14×14", "10"]
    readout_total = BACKBONE + 10 * 1960 + 10
    assert result.network.total_parameters == readout_total
    assert network.total.text() == f"Total: {readout_total:,} learned numbers (parameters)".replace(",", " ")
    assert "flatten 1960" in column(network, 2)[-1]
    assert network.windowTitle() == f"Network · {readout_total:,} parameters".replace(",", " ")
    assert all(not network.table.item(row, 0).icon().isNull() for row in range(5))  # live thumbnails

    with qtbot.waitSignal(window.modelChanged, timeout=60_000):
        window.load_model(bundled_model("gap"))
    qtbot.waitUntil(lambda: window.last_result is not None and window.last_result.network is not None
                    and window.last_result.network.head.kind == "gap-linear", timeout=30_000)
    assert network.layer_names() == LAYERS
    assert "global average pool" in column(network, 2)[-1]
    gap_total = BACKBONE + 10 * 10 + 10
    assert network.total.text() == f"Total: {gap_total:,} learned numbers (parameters)".replace(",", " ")


def test_clicking_a_stage_brings_its_dock_back(qtbot, window, network):
    window.canvas.show_sample(2)
    wait_for_newest(qtbot, window)
    conv2 = window.stage_docks[1]
    conv2.hide()
    rect = network.table.visualItemRect(network.table.item(2, 1))
    QTest.mouseClick(network.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert conv2.isVisible()


def test_the_hidden_network_dock_does_not_render(qtbot, window):
    dock = window.explain.network  # a tab behind the Prediction dock
    before = dock.render_count
    window.canvas.show_sample(4)
    wait_for_newest(qtbot, window)
    assert dock.render_count == before and dock.table.rowCount() == 0
    dock.raise_()
    qtbot.waitUntil(lambda: dock.table.rowCount() == 5)
    assert dock.render_count == before + 1


def test_the_tab_title_follows_a_model_switch_while_the_dock_is_hidden(qtbot, window):
    window.canvas.show_sample(7)
    wait_for_newest(qtbot, window)
    network = window.explain.network
    window.prediction_dock.raise_()  # the Network tab is behind the Prediction tab
    QApplication.processEvents()
    assert not network.is_on_screen()
    renders = network.render_count
    assert network.windowTitle() == f"Network · {BACKBONE + 10 * 1960 + 10:,} parameters".replace(",", " ")
    with qtbot.waitSignal(window.modelChanged, timeout=60_000):
        window.load_model(bundled_model("gap"))
    qtbot.waitUntil(lambda: window.last_result is not None and window.last_result.network is not None
                    and window.last_result.network.head.kind == "gap-linear", timeout=30_000)
    assert network.windowTitle() == f"Network · {BACKBONE + 10 * 10 + 10:,} parameters".replace(",", " ")
    assert network.render_count == renders  # still nothing rendered while hidden
    assert network.toggleViewAction().text() == "Network (layers and sizes)"  # the View menu keeps its name
