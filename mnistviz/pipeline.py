"""Canvas array -> Result: preprocessing and inference, timed. Shared by the window's
worker, the command line and the benchmark so they measure and show the same thing."""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from mnistviz.model import LoadedModel, ModelError, check_outputs
from mnistviz.preprocess import preprocess_steps
from mnistviz.result import Result


def analyse(canvas: np.ndarray, model: LoadedModel, centre: bool = True, request_id: int = 0) -> Result | None:
    """None for an empty canvas: no ink, no prediction. Raises ModelError when the model's answer
    breaks the contract recorded at load time (shapes) or is not a number: never shown as one."""
    started = time.perf_counter()
    steps = preprocess_steps(canvas, centre)
    preprocess_ms = (time.perf_counter() - started) * 1000
    if steps is None:
        return None
    result = model.run(steps.input_28, {"preprocess_ms": preprocess_ms}, request_id=request_id)
    # Checked here too, whatever `model` is: every caller (window, CLI, bench) gets the same guard.
    label = f"“{result.model_name}”"
    check_outputs(result.logits, list(result.stages.values()), len(model.meta.classes), model.stage_shapes, label)
    if result.probabilities.shape != result.logits.shape or not np.isfinite(result.probabilities).all():
        raise ModelError(f"The model {label} gave probabilities that are not numbers for this drawing")
    return dataclasses.replace(result, steps=steps)
