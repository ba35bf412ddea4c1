"""The menu bar in a teacher's words: the Model menu names what each bundled model is."""

from __future__ import annotations

from mnistviz.model import load_model
from mnistviz.resources import BUNDLED_MODELS, bundled_model


def test_the_model_menu_says_what_each_model_is_and_how_often_it_is_right(window):
    labels = {name: window.model_actions[name].text() for name in BUNDLED_MODELS}
    for name, label in labels.items():
        accuracy = load_model(bundled_model(name)).meta.test_accuracy  # the model's own figure
        assert label.startswith(f"{name} — ") and "Bundled" not in label
        assert f"{accuracy * 100:.1f}\u00a0% on test digits" in label, label
    assert "(default, " in labels["readout"] and "default" not in labels["gap"]
    assert "global average pooling" in labels["gap"]
