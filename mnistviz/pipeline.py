"""Canvas array -> Result: preprocessing, inference and the evidence for the answer, timed.
Shared by the window's worker, the command line and the benchmark so they measure and
show the same thing."""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from mnistviz.explain import Evidence, evidence_from_head, occlusion_evidence
from mnistviz.model import LoadedModel, ModelError, check_outputs
from mnistviz.preprocess import preprocess_steps
from mnistviz.result import Result


def analyse(canvas: np.ndarray, model: LoadedModel, centre: bool = True, request_id: int = 0,
            with_evidence: bool = True) -> Result | None:
    """None for an empty canvas: no ink, no prediction. Raises ModelError when the model's answer
    breaks the contract recorded at load time (shapes) or is not a number: never shown as one.
    `with_evidence=False` leaves the explanation out (the replay's probability curves)."""
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
    if not with_evidence:
        return dataclasses.replace(result, steps=steps)
    started = time.perf_counter()
    evidence = explain(model, result)
    timings = {**result.timings, "explain_ms": (time.perf_counter() - started) * 1000}
    return dataclasses.replace(result, steps=steps, evidence=evidence, network=getattr(model, "network", None),
                               timings=timings)


# Occlusion patches per side of the last stage: one batched forward of 7x7 = 49 images
# (4x4 input pixels each) instead of 14x14 = 196 keeps it near the 5 ms a live update allows.
OCCLUSION_CELLS = 7


def explain(model: LoadedModel, result: Result) -> Evidence | None:
    """The exact split when the recovered head reproduces these logits; otherwise occlusion
    (approximate). None if even that fails (the prediction is still shown)."""
    last_stage = list(result.stages.values())[-1]
    network = getattr(model, "network", None)
    if network is not None and network.head is not None:
        evidence = evidence_from_head(network.head, last_stage, result.logits)
        if evidence is not None:
            return evidence
    try:
        return occlusion_evidence(model.logits_batch, result.input_28, result.logits,
                                  last_stage.shape[1:], OCCLUSION_CELLS)
    except Exception:  # noqa: BLE001 - a model that breaks on a batch loses the explanation, not the answer
        return None
