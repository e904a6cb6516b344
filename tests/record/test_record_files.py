"""The committed record itself: complete citations, sane values, enough of it.

These read the seed files in the repository (predictions/seed/, indicators/seed/)
and check them without writing anything (loading is tested in test_load_seed).
"""

from collections import defaultdict

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Category
from predictions.models import Comparison
from predictions.record import RecordPaths, read_record
from predictions.scoring.likelihood import implied_probability, phrases_in

RISES = {Comparison.GTE, Comparison.NOT_LTE}
VALUES_IN_UNIT = ("target", "target_low", "target_high", "baseline_value")


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker) -> dict:
    # Read once for the module: reading writes nothing, so no rollback is needed.
    with django_db_blocker.unblock():
        rows, errors = read_record(RecordPaths.seed())
    assert [str(error) for error in errors] == []
    return rows


def test_the_seed_files_are_valid(seed: dict) -> None:
    assert all(seed[kind] for kind in ("indicators", "observations", "sources"))
    assert seed["predictions"]


def test_every_prediction_has_a_citation_url_section_and_paraphrase(
    seed: dict,
) -> None:
    incomplete = [
        p.slug
        for p in seed["predictions"]
        if not (p.citation_url and p.citation_section.strip() and p.claim.strip())
    ]
    assert incomplete == []


def test_every_lambert_prediction_is_operationalized_with_reasoning(
    seed: dict,
) -> None:
    lambert = [p for p in seed["predictions"] if p.source.slug == "lambert"]
    incomplete = [
        p.slug for p in lambert if not (p.is_operationalized and p.reasoning.strip())
    ]
    assert lambert
    assert incomplete == []


def test_every_observation_has_a_source_url(seed: dict) -> None:
    assert all(o.data.source_url.startswith("http") for o in seed["observations"])


def test_every_prediction_refers_to_an_indicator_of_the_record(seed: dict) -> None:
    slugs = {indicator.slug for indicator in seed["indicators"]}
    assert {p.indicator.slug for p in seed["predictions"]} <= slugs


def test_every_prediction_target_is_within_its_indicator_range(seed: dict) -> None:
    out_of_range = []
    for prediction in seed["predictions"]:
        for name in VALUES_IN_UNIT:
            value = getattr(prediction, name)
            try:
                if value is not None:
                    prediction.indicator.check_value(value, field=name)
            except ValidationError:
                out_of_range.append(f"{prediction.slug}.{name}")
    assert out_of_range == []


def test_the_research_versus_inference_question_has_opposing_predictions(
    seed: dict,
) -> None:
    directions: dict[str, dict[str, set[bool]]] = defaultdict(lambda: defaultdict(set))
    for p in seed["predictions"]:
        if p.indicator.category == Category.RESEARCH_ALLOCATION:
            directions[p.indicator.slug][p.source.slug].add(p.comparison in RISES)
    opposed = [
        slug
        for slug, by_source in directions.items()
        if by_source["ai2027"]
        and by_source["lambert"]
        and by_source["ai2027"] != by_source["lambert"]
    ]
    assert opposed


def test_the_record_has_enough_predictions_indicators_and_observations(
    seed: dict,
) -> None:
    sources = [p.source.slug for p in seed["predictions"]]
    assert sources.count("ai2027") >= 30
    assert sources.count("lambert") >= 12
    assert len(seed["indicators"]) >= 15
    assert len(seed["observations"]) >= 150


def test_every_implied_probability_is_read_from_the_likelihood_table(
    seed: dict,
) -> None:
    unread = []
    for prediction in seed["predictions"]:
        if not prediction.probability_is_implied:
            continue
        phrases = phrases_in(prediction.probability_basis)
        allowed = {implied_probability(p) for p in phrases} | {
            implied_probability(p, is_negated=True) for p in phrases
        }
        if prediction.probability not in allowed:
            unread.append(prediction.slug)
    assert unread == []


def test_lamberts_very_unlikely_about_the_scenario_is_in_the_record(
    seed: dict,
) -> None:
    introduction = [
        p
        for p in seed["predictions"]
        if p.source.slug == "lambert"
        and p.citation_section.startswith("Introduction")
        and "very unlikely" in phrases_in(p.probability_basis)
    ]
    assert introduction


def test_no_open_upper_bound_is_stored_as_a_closed_quantile(seed: dict) -> None:
    # The timelines supplement gives some 90th percentiles only as ">2050".
    closed_at_2050 = [
        p.slug
        for p in seed["predictions"]
        if p.indicator.slug == "superhuman-coder-year"
        and any(value == 2050 for _, value in p.quantiles)
    ]
    assert closed_at_2050 == []


def test_the_record_holds_enough_of_both_sources(seed: dict) -> None:
    counts = defaultdict(int)
    for prediction in seed["predictions"]:
        counts[prediction.source.slug] += 1
    assert counts["ai2027"] >= 120
    assert counts["lambert"] >= 25


def test_supplement_figures_cite_the_supplements_current_address(seed: dict) -> None:
    outdated = [
        p.slug
        for p in seed["predictions"]
        if "ai-2027.com/research/" in p.citation_url
        or p.citation_url.startswith("https://ai-2027.com/footnotes")
        or (
            p.citation_section.startswith(
                ("Compute Forecast", "Timelines Forecast", "Takeoff Forecast")
            )
            and "/supplements/" not in p.citation_url
        )
    ]
    assert outdated == []
