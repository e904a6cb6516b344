"""Probabilities read off published quantiles, and the table of likelihood words."""

from datetime import date

import pytest

from predictions.scoring.distributions import (
    decimal_year,
    probability_by,
    probability_of_event,
)
from predictions.scoring.likelihood import LIKELIHOOD_WORDS, implied_probability

NIKOLA = [[0.1, 2026], [0.5, 2028], [0.9, 2040]]


def test_between_two_quantiles_the_cdf_is_linear() -> None:
    # A quarter of the way from 2026 to 2028: 10% + 0.25 * 40%.
    assert probability_by(NIKOLA, 2026.5).probability == pytest.approx(0.2)


def test_on_a_quantile_the_cdf_is_its_level() -> None:
    assert probability_by(NIKOLA, 2040).probability == pytest.approx(0.9)


def test_beyond_the_highest_quantile_the_upper_bound_stays_open() -> None:
    beyond = probability_by(NIKOLA, 2060)
    assert (beyond.probability, beyond.low, beyond.high) == (None, 0.9, 1.0)


def test_below_the_lowest_quantile_only_bounds_are_known() -> None:
    below = probability_by(NIKOLA, 2025.5)
    assert (below.probability, below.low, below.high) == (None, 0.0, 0.1)


def test_a_deadline_is_read_as_a_decimal_year() -> None:
    assert decimal_year(date(2027, 1, 1)) == 2027.0
    assert decimal_year(date(2027, 7, 2)) == pytest.approx(2027 + 182 / 365)


def test_the_superhuman_coder_by_march_2027_from_nikolas_quantiles() -> None:
    p = probability_of_event(NIKOLA, date(2027, 3, 31)).probability
    assert p == pytest.approx(0.1 + 0.4 * (decimal_year(date(2027, 3, 31)) - 2026) / 2)


def test_the_chance_it_does_not_happen_is_the_complement() -> None:
    by = probability_of_event(NIKOLA, date(2028, 1, 1), happens=False)
    assert by.probability == pytest.approx(0.5)


def test_the_likelihood_table_is_the_published_one() -> None:
    assert LIKELIHOOD_WORDS == {
        "very unlikely": 0.1,
        "unlikely": 0.25,
        "far from a sure thing": 0.6,
        "I expect": 0.7,
        "likely": 0.75,
        "confident": 0.8,
        "very likely": 0.9,
    }


def test_a_phrase_is_read_whatever_its_case() -> None:
    assert implied_probability("i expect") == 0.7


ELI = [[0.1, 2026], [0.5, 2030], [0.9, ">2050"]]


def test_an_open_upper_bound_gives_no_point_beyond_the_last_closed_quantile():
    beyond = probability_by(ELI, 2040)
    assert (beyond.probability, beyond.low, beyond.high) == (None, 0.5, 0.9)


def test_before_the_open_bound_the_closed_quantiles_still_give_a_point():
    assert probability_by(ELI, 2028).probability == pytest.approx(0.3)
