"""A model's description (meta.json) and its defaults: no torch, no Qt.

Views and the result read these without paying for torch at start-up; `mnistviz.model`
re-exports every name here, so `from mnistviz.model import ModelMeta` keeps working.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
DEFAULT_STAGE_NAMES = ("Conv1 + ReLU", "Conv2 + ReLU", "MaxPool")
# The one definition of the default class labels: MNIST digits "0".."9".
DEFAULT_CLASSES: tuple[str, ...] = tuple(str(c) for c in range(10))


class ModelError(Exception):
    """The file is missing, not TorchScript, or does not follow the model contract."""


@dataclass(frozen=True)
class ModelMeta:
    name: str
    mean: float = MNIST_MEAN
    std: float = MNIST_STD
    stage_names: tuple[str, ...] = DEFAULT_STAGE_NAMES
    classes: tuple[str, ...] = DEFAULT_CLASSES
    temperature: float = 1.0
    test_accuracy: float | None = None
    trained_on: str | None = None
    architecture: str | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str | None, fallback_name: str) -> "ModelMeta":
        """Metadata is data from whoever made the file: every field is checked, names are plain text."""
        if not text:
            return cls(name=plain_name(fallback_name) or "model")
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"the model's description (meta.json) is not valid JSON ({exc})") from exc
        if not isinstance(raw, dict):
            raise ModelError(f"the model's description (meta.json) should be a JSON object, "
                             f"found {type(raw).__name__}")
        known = {"name", "mean", "std", "stage_names", "classes", "temperature", "test_accuracy",
                 "trained_on", "architecture"}
        name = _text_field(raw, "name") or plain_name(fallback_name) or "model"
        stage_names = _names_field(raw, "stage_names", DEFAULT_STAGE_NAMES)
        if len(stage_names) != 3:
            raise ModelError(f"meta.json field \"stage_names\" names {len(stage_names)} stages, expected 3")
        return cls(
            name=name,
            mean=_number_field(raw, "mean", MNIST_MEAN),
            std=_number_field(raw, "std", MNIST_STD, positive=True),
            stage_names=stage_names,
            classes=_names_field(raw, "classes", DEFAULT_CLASSES),
            temperature=_number_field(raw, "temperature", 1.0, positive=True),
            test_accuracy=_number_field(raw, "test_accuracy", None),
            trained_on=_text_field(raw, "trained_on"),
            architecture=_text_field(raw, "architecture"),
            extra={k: v for k, v in raw.items() if k not in known},
        )


MAX_NAME_LENGTH = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def plain_name(text: str) -> str:
    """One line of plain text: control and direction-override characters removed, length limited."""
    cleaned = " ".join(_CONTROL.sub(" ", text).split())
    return cleaned if len(cleaned) <= MAX_NAME_LENGTH else cleaned[: MAX_NAME_LENGTH - 1] + "…"


def _text_field(raw: dict, key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ModelError(f"meta.json field \"{key}\" should be text, found {type(value).__name__}")
    return plain_name(value) or None


def _number_field(raw: dict, key: str, default: float | None, positive: bool = False) -> float | None:
    value = raw.get(key, default)
    if value is None:
        return None
    # bool is an int in Python; true/false is not a number a model maker meant.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelError(f"meta.json field \"{key}\" should be a number, found {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ModelError(f"meta.json field \"{key}\" should be a finite number, found {value}")
    if positive and value <= 0:
        raise ModelError(f"meta.json field \"{key}\" should be greater than 0, found {value:g}")
    return value


def _names_field(raw: dict, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise ModelError(f"meta.json field \"{key}\" should be a list of names")
    names = tuple(plain_name(str(v)) for v in value)
    if any(not n for n in names):
        raise ModelError(f"meta.json field \"{key}\" has an empty name")
    # Stages and classes are keyed by name: two with one name would merge into one.
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise ModelError(f"meta.json field \"{key}\" repeats the name {', '.join(repeated)}: each must be unique")
    return names
