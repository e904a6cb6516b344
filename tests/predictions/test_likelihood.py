"""The likelihood-word table and how the record's implied probabilities use it."""

import pytest

from predictions.scoring.likelihood import (
    LIKELIHOOD_WORDS,
    implied_probability,
    phrases_in,
)


def test_very_unlikely_is_a_tenth() -> None:
    assert implied_probability("very unlikely") == 0.1


def test_the_opposite_of_a_phrase_gets_the_complement() -> None:
    assert implied_probability("unlikely", is_negated=True) == 0.75


def test_an_unknown_phrase_has_no_probability() -> None:
    with pytest.raises(KeyError):
        implied_probability("plausible")


def test_a_basis_quoting_very_unlikely_is_not_read_as_unlikely() -> None:
    assert phrases_in("He calls it 'very unlikely'.") == ["very unlikely"]


def test_an_unquoted_phrase_is_not_a_quotation() -> None:
    assert phrases_in("it seems unlikely to us") == []


def test_every_value_of_the_table_is_a_probability() -> None:
    assert all(0 < value < 1 for value in LIKELIHOOD_WORDS.values())
