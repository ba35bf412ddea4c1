"""model_meta: the model description without torch; one definition of the default labels."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mnistviz import model, model_meta
from mnistviz.model_meta import DEFAULT_CLASSES, DEFAULT_STAGE_NAMES, ModelError, ModelMeta
from mnistviz.result import Result


def test_imports_neither_torch_nor_qt():
    code = ("import sys, mnistviz.model_meta; "
            "bad = [m for m in ('torch', 'PySide6') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_model_re_exports_the_same_objects():
    for name in ("ModelMeta", "ModelError", "MNIST_MEAN", "MNIST_STD", "DEFAULT_STAGE_NAMES",
                 "DEFAULT_CLASSES", "plain_name", "MAX_NAME_LENGTH"):
        assert getattr(model, name) is getattr(model_meta, name), name


def test_default_classes_are_the_digits_and_shared():
    assert DEFAULT_CLASSES == ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
    assert ModelMeta(name="m").classes is DEFAULT_CLASSES
    assert ModelMeta.from_json(None, "m").classes is DEFAULT_CLASSES
    assert ModelMeta.from_json('{"name": "x"}', "m").classes is DEFAULT_CLASSES
    r = Result(probabilities=np.zeros(10), logits=np.zeros(10), stages={}, input_28=np.zeros((28, 28)))
    assert r.classes is DEFAULT_CLASSES


def test_no_other_copy_of_the_default_labels_in_the_package():
    from pathlib import Path

    root = Path(model_meta.__file__).parent
    copies = [str(p.relative_to(root)) for p in root.rglob("*.py")
              if p.name != "model_meta.py" and "str(c) for c in range(10)" in p.read_text(encoding="utf-8")]
    assert copies == []


def test_description_is_checked():
    meta = ModelMeta.from_json('{"name": "net", "classes": ["a", "b"], "mean": 0.5}', "file")
    assert (meta.name, meta.classes, meta.mean, meta.stage_names) == ("net", ("a", "b"), 0.5, DEFAULT_STAGE_NAMES)
    with pytest.raises(ModelError, match="should be greater than 0"):
        ModelMeta.from_json('{"std": 0}', "file")
