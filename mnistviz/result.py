"""`Result`: everything the window shows about one drawing, as plain numpy arrays.

No torch and no Qt here, so views can import it without paying for either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mnistviz.model_meta import DEFAULT_CLASSES
from mnistviz.preprocess import Steps

if TYPE_CHECKING:  # numpy-only modules, but not needed to make a Result
    from mnistviz.explain import Evidence
    from mnistviz.network import Network


@dataclass(frozen=True)
class Result:
    probabilities: np.ndarray  # (classes,), calibrated with the model's temperature
    logits: np.ndarray  # (classes,)
    stages: dict[str, np.ndarray]  # stage name -> (C, H, W), in the model's order
    input_28: np.ndarray  # (28, 28) float32 in [0, 1]: the image the network sees, before normalising
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per step
    model_name: str = ""
    classes: tuple[str, ...] = DEFAULT_CLASSES
    request_id: int = 0  # which canvas state this answers (newest request wins)
    steps: Steps | None = None  # the preprocessing steps, for the Input dock
    evidence: Evidence | None = None  # why this class: per position of the last stage (explain.py)
    network: Network | None = None  # what was recovered from the model file: one object per model

    @property
    def prediction(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.prediction])
