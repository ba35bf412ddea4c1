"""Probabilities as text: never "100.0 %" for a network that is not certain."""

import math

import pytest

from mnistviz.formatting import WIDEST_PROBABILITY_TEXTS, format_probability


@pytest.mark.parametrize("p, text", [
    (0.55, "55.0 %"),
    (0.9994, "99.9 %"),
    (0.99951, "> 99.9 %"),  # would round to 100.0
    (0.9999999, "> 99.9 %"),
    (1.0, "> 99.9 %"),  # a float32 softmax saturates; the network is still not certain
    (0.0011, "0.1 %"),
    (0.0004, "< 0.1 %"),  # would round to 0.0
    (1e-12, "< 0.1 %"),
    (0.0, "0 %"),
])
def test_format_probability(p, text):
    assert format_probability(p) == text


def test_not_a_number_is_not_shown_as_a_number():
    assert not any(ch.isdigit() for ch in format_probability(math.nan))


def test_the_widest_texts_cover_both_ends():
    assert format_probability(0.99999) in WIDEST_PROBABILITY_TEXTS
    assert format_probability(0.00001) in WIDEST_PROBABILITY_TEXTS
