import threading
import time

import numpy as np
import pytest

from mnistviz.model import load_model
from mnistviz.ui.worker import InferenceService


def stroke_canvas(offset: int = 0) -> np.ndarray:
    canvas = np.zeros((280, 280), np.uint8)
    canvas[60:220, 120 + offset : 150 + offset] = 255
    return canvas


class SlowModel:
    """A real contract model whose run() takes long enough to pile up requests."""

    def __init__(self, model, seconds: float):
        self._model, self._seconds = model, seconds
        self.meta, self.stage_shapes = model.meta, model.stage_shapes
        self.started = threading.Event()

    def run(self, *args, **kwargs):
        self.started.set()
        time.sleep(self._seconds)
        return self._model.run(*args, **kwargs)


@pytest.fixture
def service_factory(qtbot):
    services = []

    def make(loader=None):
        service = InferenceService(loader) if loader else InferenceService()
        services.append(service)
        service.start()
        return service

    yield make
    for service in services:
        service.stop()


def loaded(qtbot, service, path):
    with qtbot.waitSignal(service.worker.modelLoaded, timeout=60_000) as blocker:
        service.load_model(path)
    return blocker.args[0]


def test_result_for_a_drawing(qtbot, service_factory, contract_model_path):
    service = service_factory()
    info = loaded(qtbot, service, contract_model_path)
    assert info.name == "test-net" and info.stage_shapes[2] == (10, 14, 14)
    with qtbot.waitSignal(service.worker.resultReady, timeout=10_000) as blocker:
        request = service.submit(stroke_canvas())
    request_id, result = blocker.args
    assert request_id == request
    assert result.input_28.shape == (28, 28) and set(result.timings) >= {"preprocess_ms", "inference_ms"}


def test_empty_canvas_answers_none(qtbot, service_factory, contract_model_path):
    service = service_factory()
    loaded(qtbot, service, contract_model_path)
    with qtbot.waitSignal(service.worker.resultReady, timeout=10_000) as blocker:
        service.submit(np.zeros((280, 280), np.uint8))
    assert blocker.args[1] is None


def test_burst_is_answered_by_few_inferences_the_last_being_newest(qtbot, service_factory, contract_model_path):
    slow = SlowModel(load_model(contract_model_path), seconds=0.05)
    service = service_factory(loader=lambda path: slow)
    loaded(qtbot, service, contract_model_path)
    answered = []
    service.worker.resultReady.connect(lambda rid, result: answered.append((rid, result)))
    for i in range(200):
        service.submit(stroke_canvas(offset=i % 50))
    last = service.last_request_id
    qtbot.waitUntil(lambda: bool(answered) and answered[-1][0] == last, timeout=20_000)
    qtbot.wait(200)  # nothing else may follow the newest answer
    assert answered[-1][0] == last
    assert service.worker.inferences <= 5, service.worker.inferences
    newest = load_model(contract_model_path).run(answered[-1][1].input_28)
    assert np.allclose(answered[-1][1].logits, newest.logits)
    expected_input = answered[-1][1].input_28
    from mnistviz.preprocess import preprocess

    assert np.array_equal(expected_input, preprocess(stroke_canvas(offset=199 % 50)))


def test_stop_mid_inference_leaves_no_running_thread(qtbot, service_factory, contract_model_path):
    slow = SlowModel(load_model(contract_model_path), seconds=0.5)
    service = service_factory(loader=lambda path: slow)
    loaded(qtbot, service, contract_model_path)
    service.submit(stroke_canvas())
    assert slow.started.wait(10)
    service.stop()
    # stop() waits only briefly; the abandoned analysis then ends its thread on its own.
    qtbot.waitUntil(lambda: not service.thread.isRunning(), timeout=10_000)


def test_bad_model_is_refused_and_the_previous_stays(qtbot, service_factory, contract_model_path, tmp_path):
    service = service_factory()
    loaded(qtbot, service, contract_model_path)
    bad = tmp_path / "bad.pt"
    bad.write_text("nope")
    with qtbot.waitSignal(service.worker.modelFailed, timeout=10_000) as blocker:
        service.load_model(bad)
    assert "TorchScript" in blocker.args[0]
    with qtbot.waitSignal(service.worker.resultReady, timeout=10_000) as result_blocker:
        service.submit(stroke_canvas())
    assert result_blocker.args[1].model_name == "test-net"


def test_errors_while_analysing_are_reported_not_raised(qtbot, service_factory, contract_model_path):
    class Broken:
        meta = load_model(contract_model_path).meta
        stage_shapes = ((10, 28, 28), (10, 28, 28), (10, 14, 14))

        def run(self, *args, **kwargs):
            raise RuntimeError("boom")

    service = service_factory(loader=lambda path: Broken())
    loaded(qtbot, service, contract_model_path)
    with qtbot.waitSignal(service.worker.failed, timeout=10_000) as blocker:
        service.submit(stroke_canvas())
    assert "boom" in blocker.args[0]


def test_a_model_that_changes_shape_on_a_drawing_fails_instead_of_answering(qtbot, service_factory, tmp_path):
    from model_files import save_scripted
    from model_files import ReshapesOnInk

    service = service_factory()
    info = loaded(qtbot, service, save_scripted(ReshapesOnInk(), tmp_path / "reshape.pt"))
    assert info.stage_shapes[2] == (10, 14, 14)
    answers = []
    service.worker.resultReady.connect(lambda rid, result: answers.append(result))
    with qtbot.waitSignal(service.worker.failed, timeout=10_000) as blocker:
        service.submit(stroke_canvas())
    assert "other shapes" in blocker.args[0] and answers == []
