"""Load and run a TorchScript model that follows the mnistviz contract.

Contract: ``forward(x: Tensor[N,1,28,28]) -> (logits[N,K], stage1, stage2, stage3)``,
each stage ``(N,C,H,W)``; optional extra file ``meta.json`` in the archive.
"""

from __future__ import annotations

import io
import json
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from mnistviz.result import Result

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
DEFAULT_STAGE_NAMES = ("Conv1 + ReLU", "Conv2 + ReLU", "MaxPool")
CONTRACT = "forward(x[N,1,28,28]) -> (logits[N,K], stage1[N,C,H,W], stage2[N,C,H,W], stage3[N,C,H,W])"


class ModelError(Exception):
    """The file is missing, not TorchScript, or does not follow the model contract."""


@dataclass(frozen=True)
class ModelMeta:
    name: str
    mean: float = MNIST_MEAN
    std: float = MNIST_STD
    stage_names: tuple[str, ...] = DEFAULT_STAGE_NAMES
    classes: tuple[str, ...] = tuple(str(c) for c in range(10))
    temperature: float = 1.0
    test_accuracy: float | None = None
    trained_on: str | None = None
    architecture: str | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str | None, fallback_name: str) -> "ModelMeta":
        if not text:
            return cls(name=fallback_name)
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"meta.json is not valid JSON ({exc})") from exc
        if not isinstance(raw, dict):
            raise ModelError(f"meta.json: expected a JSON object, found {type(raw).__name__}")
        known = {"name", "mean", "std", "stage_names", "classes", "temperature", "test_accuracy",
                 "trained_on", "architecture"}
        try:
            return cls(
                name=str(raw.get("name") or fallback_name),
                mean=float(raw.get("mean", MNIST_MEAN)),
                std=float(raw.get("std", MNIST_STD)),
                stage_names=tuple(str(s) for s in raw.get("stage_names", DEFAULT_STAGE_NAMES)),
                classes=tuple(str(c) for c in raw.get("classes", range(10))),
                temperature=float(raw.get("temperature", 1.0)),
                test_accuracy=None if raw.get("test_accuracy") is None else float(raw["test_accuracy"]),
                trained_on=raw.get("trained_on"),
                architecture=raw.get("architecture"),
                extra={k: v for k, v in raw.items() if k not in known},
            )
        except (TypeError, ValueError) as exc:
            raise ModelError(f"meta.json has a field of the wrong type ({exc})") from exc


def configure_threads(threads: int = 1) -> None:
    """One intra-op thread: a 1-image batch gains nothing from more and pays to sync them.

    Measured on the 2-core target (``mnistviz bench``): the batch-1 forward takes the
    same with 2 threads (0.11 ms vs 0.10 ms), and while the GUI thread paints, a second
    torch thread competes with it: the worker's p95 from request to result went from
    about 2 ms to 13 ms in one of two runs.
    """
    torch.set_num_threads(threads)


class LoadedModel:
    """A validated TorchScript module with its metadata; `run` turns a 28x28 image into a Result."""

    def __init__(self, module: torch.jit.ScriptModule, meta: ModelMeta, path: Path,
                 stage_shapes: tuple[tuple[int, int, int], ...]):
        self.module = module
        self.meta = meta
        self.path = path
        self.stage_shapes = stage_shapes  # (C, H, W) per stage, from the validation run

    @property
    def name(self) -> str:
        return self.meta.name

    def forward(self, input_28: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        x = (input_28.astype(np.float32, copy=False) - self.meta.mean) / self.meta.std
        with torch.inference_mode():
            logits, *stages = self.module(torch.from_numpy(np.ascontiguousarray(x))[None, None])
        # .numpy() shares memory with tensors that die here; copy so results own their data.
        return logits[0].numpy().copy(), [s[0].numpy().copy() for s in stages]

    def run(self, input_28: np.ndarray, timings: dict[str, float] | None = None, request_id: int = 0) -> Result:
        started = time.perf_counter()
        logits, stages = self.forward(input_28)
        timings = dict(timings or {})
        timings["inference_ms"] = (time.perf_counter() - started) * 1000
        return Result(
            probabilities=softmax(logits / self.meta.temperature),
            logits=logits,
            stages=dict(zip(self.meta.stage_names, stages)),
            input_28=np.array(input_28, dtype=np.float32),
            timings=timings,
            model_name=self.meta.name,
            classes=self.meta.classes,
            request_id=request_id,
        )


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    return (shifted / shifted.sum()).astype(np.float32)


def _read_meta(path: Path) -> str | None:
    """meta.json from the archive, wherever torch.jit.save put it (<archive>/extra/meta.json)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith("/extra/meta.json") or name == "extra/meta.json":
                return archive.read(name).decode("utf-8")
    return None


def load_model(path: str | Path) -> LoadedModel:
    """Load a TorchScript archive on the CPU and check it against the contract."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such file (expected a TorchScript archive)")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path.name}: not a TorchScript archive (expected a file saved with torch.jit.save, "
                         "found a file that is not a zip archive)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TorchScript deprecation notice: not the user's concern
            module = torch.jit.load(str(path), map_location="cpu")
        meta_text = _read_meta(path)
    except Exception as exc:  # torch raises RuntimeError and friends for a broken archive
        raise ModelError(f"{path.name}: not a loadable TorchScript archive ({str(exc).splitlines()[0]})") from exc
    module.eval()
    meta = ModelMeta.from_json(meta_text, fallback_name=path.stem)
    stage_shapes = _validate(module, meta, path.name)
    return LoadedModel(module, meta, path, stage_shapes)


def _validate(module, meta: ModelMeta, label: str) -> tuple[tuple[int, int, int], ...]:
    try:
        with torch.inference_mode():
            outputs = module(torch.zeros(1, 1, 28, 28))
    except Exception as exc:
        raise ModelError(f"{label}: running one 1x1x28x28 input failed; expected {CONTRACT} "
                         f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from exc
    if not isinstance(outputs, (tuple, list)) or len(outputs) != 4 or not all(
        isinstance(o, torch.Tensor) for o in outputs
    ):
        raise ModelError(f"{label}: expected {CONTRACT}, found {_describe(outputs)}")
    logits, *stages = outputs
    found = _describe(outputs)
    if logits.dim() != 2 or logits.shape[0] != 1:
        raise ModelError(f"{label}: expected logits of shape [1,K], found {found}")
    if logits.shape[1] != len(meta.classes):
        raise ModelError(f"{label}: expected {len(meta.classes)} logits (one per class), found {found}")
    for stage in stages:
        if stage.dim() != 4 or stage.shape[0] != 1 or min(stage.shape) < 1:
            raise ModelError(f"{label}: expected each stage of shape [1,C,H,W], found {found}")
    if len(meta.stage_names) != 3:
        raise ModelError(f"{label}: meta.json names {len(meta.stage_names)} stages, expected 3")
    return tuple(tuple(int(d) for d in s.shape[1:]) for s in stages)


def _describe(outputs) -> str:
    if isinstance(outputs, torch.Tensor):
        return f"one tensor {list(outputs.shape)}"
    if isinstance(outputs, (tuple, list)):
        parts = [str(list(o.shape)) if isinstance(o, torch.Tensor) else type(o).__name__ for o in outputs]
        return f"{len(outputs)} outputs ({', '.join(parts)})"
    return type(outputs).__name__
