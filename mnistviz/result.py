"""`Result`: everything the window shows about one drawing, as plain numpy arrays.

No torch and no Qt here, so views can import it without paying for either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mnistviz.preprocess import Steps


@dataclass(frozen=True)
class Result:
    probabilities: np.ndarray  # (classes,), calibrated with the model's temperature
    logits: np.ndarray  # (classes,)
    stages: dict[str, np.ndarray]  # stage name -> (C, H, W), in the model's order
    input_28: np.ndarray  # (28, 28) float32 in [0, 1]: the image the network sees, before normalising
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per step
    model_name: str = ""
    classes: tuple[str, ...] = tuple(str(c) for c in range(10))
    request_id: int = 0  # which canvas state this answers (newest request wins)
    steps: Steps | None = None  # the preprocessing steps, for the Input dock

    @property
    def prediction(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.prediction])
