"""compare: A, B and B − A of two real Results of the shipped model."""

from __future__ import annotations

import numpy as np
import pytest

from mnistviz.compare import CompareError, compare, make_row, symmetric_limit
from mnistviz.model import load_model
from mnistviz.pipeline import analyse


def canvas_of(image: np.ndarray) -> np.ndarray:
    return np.kron(image, np.ones((10, 10), np.uint8))


@pytest.fixture(scope="module")
def results(samples):
    images, labels = samples
    model = load_model("models/readout.pt")
    seven = int(np.flatnonzero(labels == 7)[0])
    one = int(np.flatnonzero(labels == 1)[0])
    return analyse(canvas_of(images[seven]), model), analyse(canvas_of(images[one]), model)


def test_every_stage_difference_is_b_minus_a(results):
    a, b = results
    comparison = compare(a, b)
    assert [row.name for row in comparison.stages] == list(b.stages)
    for row in comparison.stages:
        np.testing.assert_array_equal(row.a, a.stages[row.name])
        np.testing.assert_array_equal(row.b, b.stages[row.name])
        np.testing.assert_array_equal(row.diff, b.stages[row.name].astype(np.float64) - a.stages[row.name])
        assert row.largest_change > 0  # a 7 and a 1 differ in every stage
    np.testing.assert_array_equal(comparison.input.diff, b.input_28.astype(np.float64) - a.input_28)


def test_the_evidence_row_is_one_class_in_both(results):
    a, b = results
    comparison = compare(a, b, class_index=7)
    row = comparison.evidence
    assert comparison.class_index == 7 and row.signed
    np.testing.assert_array_equal(row.diff, b.evidence.maps[7] - a.evidence.maps[7])
    # B's prediction when no class is chosen (or the choice does not exist)
    assert compare(a, b).class_index == b.prediction == compare(a, b, class_index=42).class_index


def test_scales_one_shared_range_and_a_symmetric_difference(results):
    a, b = results
    for row in compare(a, b).stages:
        lo, hi = row.shared_range
        assert lo == min(row.a.min(), row.b.min()) and hi == max(row.a.max(), row.b.max())
        assert row.diff_limit == pytest.approx(np.abs(row.diff).max())
    evidence = compare(a, b).evidence
    assert evidence.shared_range[0] == -evidence.shared_range[1]
    assert evidence.shared_range[1] == pytest.approx(max(np.abs(evidence.a).max(), np.abs(evidence.b).max()))


def test_a_drawing_compared_with_itself_changes_nothing(results):
    a, _ = results
    comparison = compare(a, a)
    assert all(not row.diff.any() for row in (*comparison.stages, comparison.input, comparison.evidence))
    assert all(row.diff_limit == 1.0 for row in comparison.stages)  # a flat difference still has a scale
    assert not comparison.probability_change.any()


def test_probabilities_side_by_side(results):
    a, b = results
    comparison = compare(a, b)
    np.testing.assert_array_equal(comparison.probabilities_a, a.probabilities)
    np.testing.assert_array_equal(comparison.probability_change, b.probabilities.astype(np.float64) - a.probabilities)


def test_another_model_or_shape_is_refused_in_words(results):
    a, b = results
    with pytest.raises(CompareError, match="another model"):
        compare(a, type(b)(**{**b.__dict__, "stages": {"other": b.stages[next(iter(b.stages))]}}))
    with pytest.raises(CompareError, match="another model"):  # both shipped models have the same stages
        compare(a, type(b)(**{**b.__dict__, "model_name": "gap"}))
    with pytest.raises(CompareError, match="cannot be compared"):
        make_row("Conv1", np.zeros((10, 28, 28)), np.zeros((10, 14, 14)))


def test_symmetric_limit_ignores_non_numbers():
    assert symmetric_limit(np.array([np.nan, -3.0, 2.0, np.inf])) == 3.0
    assert symmetric_limit(np.zeros(4)) == 1.0


def test_the_pin_lives_in_the_view_state(results):
    from mnistviz.view_state import ViewState

    a, b = results
    state, seen = ViewState(), []
    state.on_change("compare_pin", seen.append)
    state.compare_pin = a
    state.compare_pin = a  # the same Result again: no event (compared by identity, not by value)
    state.compare_pin = b
    state.compare_pin = None
    assert seen == [a, b, None] and state.compare_pin is None
