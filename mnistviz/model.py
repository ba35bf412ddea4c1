"""Load and run a TorchScript model that follows the mnistviz contract.

Contract: ``forward(x: Tensor[N,1,28,28]) -> (logits[N,K], stage1, stage2, stage3)``,
each stage ``(N,C,H,W)``; optional extra file ``meta.json`` in the archive.
"""

from __future__ import annotations

import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import torch

# The description and its defaults live in model_meta (no torch); re-exported here so
# existing imports (`from mnistviz.model import ModelMeta, MNIST_MEAN`) keep working.
from mnistviz.model_meta import (  # noqa: F401
    DEFAULT_CLASSES,
    DEFAULT_STAGE_NAMES,
    MAX_NAME_LENGTH,
    MNIST_MEAN,
    MNIST_STD,
    ModelError,
    ModelMeta,
    plain_name,
)
from mnistviz.network import Network
from mnistviz.network_probe import probe_network
from mnistviz.result import Result

CONTRACT = "forward(x[N,1,28,28]) -> (logits[N,K], stage1[N,C,H,W], stage2[N,C,H,W], stage3[N,C,H,W])"


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
                 stage_shapes: tuple[tuple[int, int, int], ...], network: Network | None = None):
        self.module = module
        self.meta = meta
        self.path = path
        self.stage_shapes = stage_shapes  # (C, H, W) per stage, from the validation run
        self.network = network  # what network_probe recovered and verified; one object for every Result

    @property
    def name(self) -> str:
        return self.meta.name

    def forward(self, input_28: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        x = (input_28.astype(np.float32, copy=False) - self.meta.mean) / self.meta.std
        with torch.inference_mode():
            outputs = self.module(torch.from_numpy(np.ascontiguousarray(x))[None, None])
        if not isinstance(outputs, (tuple, list)) or len(outputs) != 4 or not all(
            isinstance(o, torch.Tensor) and o.dim() >= 1 for o in outputs
        ):
            raise ModelError(f"The model “{self.name}” gave {_describe(outputs)} for this drawing; expected {CONTRACT}")
        logits, *stages = outputs
        # .numpy() shares memory with tensors that die here; copy so results own their data.
        return logits[0].numpy().copy(), [s[0].numpy().copy() for s in stages]

    def logits_batch(self, images_28: np.ndarray) -> np.ndarray:
        """(N, 28, 28) images in [0, 1] -> (N, classes) logits, in one forward (occlusion)."""
        x = (images_28.astype(np.float32, copy=False) - self.meta.mean) / self.meta.std
        with torch.inference_mode():
            outputs = self.module(torch.from_numpy(np.ascontiguousarray(x))[:, None])
        if not isinstance(outputs, (tuple, list)) or not outputs or not isinstance(outputs[0], torch.Tensor):
            raise ModelError(f"The model “{self.name}” gave {_describe(outputs)}; expected {CONTRACT}")
        return outputs[0].numpy().copy()

    def run(self, input_28: np.ndarray, timings: dict[str, float] | None = None, request_id: int = 0) -> Result:
        started = time.perf_counter()
        logits, stages = self.forward(input_28)
        timings = dict(timings or {})
        timings["inference_ms"] = (time.perf_counter() - started) * 1000
        check_outputs(logits, stages, len(self.meta.classes), self.stage_shapes, f"“{self.name}”")
        probabilities = softmax(logits / self.meta.temperature)
        if not np.isfinite(probabilities).all():
            raise ModelError(f"The model “{self.name}” gave probabilities that are not numbers for this drawing")
        return Result(
            probabilities=probabilities,
            logits=logits,
            stages=dict(zip(self.meta.stage_names, stages)),
            input_28=np.array(input_28, dtype=np.float32),
            timings=timings,
            model_name=self.meta.name,
            classes=self.meta.classes,
            request_id=request_id,
            network=self.network,
        )


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    return (shifted / shifted.sum()).astype(np.float32)


EXPECTED = "expected a TorchScript archive saved with torch.jit.save"


def _read_meta(path: Path) -> str | None:
    """meta.json from the archive, wherever torch.jit.save put it (<archive>/extra/meta.json)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith("/extra/meta.json") or name == "extra/meta.json":
                data = archive.read(name)
                break
        else:
            return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(f"{path.name}: the model's description (meta.json) is not readable text "
                         f"(it should be UTF-8 JSON; byte {exc.start} is not)") from exc


def _check_file(path: Path) -> None:
    """Plain reasons for the files that are not models at all, before torch sees them."""
    if path.is_dir():
        raise ModelError(f"{path.name} is a folder, not a model file")
    if not path.exists():
        raise ModelError(f"{path.name}: no such file ({path})")
    if not path.is_file():
        raise ModelError(f"{path.name} is not a regular file, not a model file")
    try:
        is_zip = zipfile.is_zipfile(path)
    except OSError as exc:
        raise ModelError(f"{path.name} cannot be read ({exc.strerror or exc})") from exc
    if not is_zip:
        raise ModelError(f"{path.name} is not a model file mnistviz can use ({EXPECTED})")
    # torch.jit.load does not check the archive's CRCs: flipped bytes in a weight file
    # would load as silently wrong weights.
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ModelError(f"The model file is damaged: {path.name} cannot be read as an archive ({exc})") from exc
    if bad is not None:
        raise ModelError(f"The model file is damaged: {path.name} fails its checksum in {bad}. "
                         "Copy it again from its source.")


def load_model(path: str | Path) -> LoadedModel:
    """Load a TorchScript archive on the CPU and check it against the contract."""
    path = Path(path)
    _check_file(path)
    meta_text = _read_meta(path)  # before torch: a bad description is named as such
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TorchScript deprecation notice: not the user's concern
            module = torch.jit.load(str(path), map_location="cpu")
    except Exception as exc:  # torch raises RuntimeError and friends for a zip that is not TorchScript
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"{path.name} is not a model file mnistviz can use ({EXPECTED}; "
                         f"torch said: {reason})") from exc
    module.eval()
    meta = ModelMeta.from_json(meta_text, fallback_name=path.stem)
    stage_shapes = _validate(module, meta, path.name)
    return LoadedModel(module, meta, path, stage_shapes, probe_network(module, meta, stage_shapes))


def check_outputs(logits: np.ndarray, stages: list[np.ndarray], n_classes: int,
                  stage_shapes: tuple[tuple[int, int, int], ...], label: str) -> None:
    """Every run, not only the load-time run on zeros: a model may change shape or blow up on ink."""
    found = [tuple(logits.shape), *(tuple(s.shape) for s in stages)]
    expected = [(n_classes,), *(tuple(s) for s in stage_shapes)]
    if found != expected:
        raise ModelError(f"The model {label} gave outputs of other shapes for this drawing than when it "
                         f"was loaded (expected {expected}, found {found})")
    for name, array in (("class scores", logits), *((f"stage {i}", s) for i, s in enumerate(stages, 1))):
        if not np.isfinite(array).all():
            raise ModelError(f"The model {label} gave {name} that are not numbers (NaN or infinity) "
                             "for this drawing")


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
    if not all(bool(torch.isfinite(o).all()) for o in outputs):
        raise ModelError(f"{label}: the model gives values that are not numbers (NaN or infinity) "
                         "for a blank input")
    return tuple(tuple(int(d) for d in s.shape[1:]) for s in stages)


def _describe(outputs) -> str:
    if isinstance(outputs, torch.Tensor):
        return f"one tensor {list(outputs.shape)}"
    if isinstance(outputs, (tuple, list)):
        parts = [str(list(o.shape)) if isinstance(o, torch.Tensor) else type(o).__name__ for o in outputs]
        return f"{len(outputs)} outputs ({', '.join(parts)})"
    return type(outputs).__name__
