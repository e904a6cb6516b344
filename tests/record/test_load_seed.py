"""manage.py load_seed: all rows or none, idempotent, never deletes."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Feed, Indicator, Observation, Origin
from predictions.models import Prediction, Source
from tests.factories import ObservationFactory
from tests.record.conftest import break_file

pytestmark = pytest.mark.django_db


def load(directory: Path) -> str:
    out = StringIO()
    call_command("load_seed", "--input", str(directory), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_loading_creates_every_row(record_dir: Path) -> None:
    output = load(record_dir)

    assert "observations: 6 new, 0 changed, 0 unchanged" in output
    assert (Source.objects.count(), Indicator.objects.count()) == (2, 3)
    assert Prediction.objects.count() == 4


def test_loaded_observations_are_marked_as_seed(record_dir: Path) -> None:
    load(record_dir)

    assert set(Observation.objects.values_list("origin", flat=True)) == {Origin.SEED}


def test_loading_twice_changes_nothing_the_second_time(record_dir: Path) -> None:
    load(record_dir)

    output = load(record_dir)

    assert "predictions: 0 new, 0 changed, 4 unchanged" in output
    assert "observations: 0 new, 0 changed, 6 unchanged" in output
    assert "Nothing changed." in output
    assert Observation.history.count() == 6


def test_an_edited_observation_is_updated_with_history(record_dir: Path) -> None:
    load(record_dir)
    csv_file = record_dir / "observations.csv"
    csv_file.write_text(csv_file.read_text().replace(",71.7,", ",71.9,"))

    output = load(record_dir)

    assert "observations: 0 new, 1 changed, 5 unchanged" in output
    row = Observation.objects.get(date=datetime.date(2024, 12, 20))
    assert row.value == 71.9
    assert row.history.count() == 2


def test_an_edited_prediction_is_updated(record_dir: Path) -> None:
    load(record_dir)
    yaml_file = record_dir / "predictions.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("target: 85", "target: 90"))

    output = load(record_dir)

    assert "predictions: 0 new, 1 changed, 3 unchanged" in output
    assert Prediction.objects.get(slug="ai2027-swe-bench-85").target == 90


def test_an_admin_added_observation_survives_a_reload(record_dir: Path) -> None:
    load(record_dir)
    added = ObservationFactory(
        indicator=Indicator.objects.get(slug="swe-bench-verified"),
        date=datetime.date(2025, 8, 1),
        value=74.5,
        origin=Origin.ADMIN,
    )

    load(record_dir)

    assert Observation.objects.filter(pk=added.pk, value=74.5).exists()


BROKEN_FILES = {
    "observations_bad_number.csv": "observations.csv, row 3, value: 'six'",
    "observations_unknown_indicator.csv": "row 2, indicator: 'gpu-count'",
    "observations_duplicate_key.csv": "observations.csv, row 4: ",
    "observations_bad_date.csv": "row 2, date: '2025-02-30' is not a date that",
    "observations_wrong_header.csv": "observations.csv, line 1: the header must",
    "observations_out_of_range.csv": "row 5, value: 104.5 is above the maximum",
    "observations_latin1.csv": "observations.csv, line 4: not UTF-8 text",
    "observations_low_above_value.csv": "row 2, low: The lower bound is above",
    "predictions_unknown_indicator.yaml": "item 2 (ai2027-compute-10m), indicator:",
    "predictions_target_out_of_range.yaml": "item 1 (ai2027-swe-bench-85), target:",
    "predictions_bad_choice.yaml": "item 1 (ai2027-swe-bench-85), kind:",
    "predictions_bad_date.yaml": "item 3 (ai2027-research-share-up), deadline:",
    "predictions_duplicate_slug.yaml": "item 2 (ai2027-swe-bench-85): ",
    "predictions_missing_citation.yaml": "item 1 (ai2027-swe-bench-85), citation_url",
    "indicators_log_scale_negative.yaml": "scale/min_value: Constraint",
    "indicators_fractional_cadence.yaml": "item 2 (global-ai-compute), cadence_days:",
    "sources_bad_url.yaml": "item 2 (lambert), url:",
    "feeds_unknown_indicator.yaml": (
        "item 1 (SWE-bench Verified (leaderboard data file)), indicator: "
        "'swe-bench-verifed' is not a known indicator."
    ),
    "feeds_bad_filter.yaml": "filters: filter 1: unknown op 'has'",
    "feeds_path_on_csv.yaml": "a records path only applies to JSON and YAML feeds",
}


@pytest.mark.parametrize("broken", sorted(BROKEN_FILES))
def test_a_broken_file_is_rejected_whole_naming_the_row(
    record_dir: Path, broken: str
) -> None:
    break_file(record_dir, broken)
    errors = StringIO()

    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "load_seed", "--input", str(record_dir), stdout=StringIO(), stderr=errors
        )

    assert BROKEN_FILES[broken] in errors.getvalue()
    assert not Observation.objects.exists()
    assert not Indicator.objects.exists()
    assert not Prediction.objects.exists()


def with_open_quantile(directory: Path, text: str) -> None:
    predictions = directory / "predictions.yaml"
    predictions.write_text(
        predictions.read_text().replace("[0.9, 16.5]", f"[0.9, {text}]")
    )


def test_an_open_quantile_is_stored_as_an_open_bound(record_dir: Path) -> None:
    with_open_quantile(record_dir, "'>16.5'")

    load(record_dir)

    quantiles = Prediction.objects.get(slug="ai2027-compute-10m").quantiles
    assert quantiles == [[0.1, 6], [0.5, 10], [0.9, ">16.5"]]


def test_an_open_quantile_outside_the_indicator_range_is_refused(
    record_dir: Path,
) -> None:
    with_open_quantile(record_dir, "'>-3'")

    with pytest.raises(CommandError):
        load(record_dir)

    assert not Prediction.objects.exists()


def test_a_quantile_value_that_is_not_a_bound_is_refused(record_dir: Path) -> None:
    with_open_quantile(record_dir, "'about 16'")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("load_seed", "--input", str(record_dir), stderr=err)

    assert "quantiles" in err.getvalue()


def test_feeds_are_loaded_once_and_matched_on_name(record_dir: Path) -> None:
    first = load(record_dir)

    second = load(record_dir)

    assert "feeds: 1 new, 0 changed, 0 unchanged" in first
    assert "feeds: 0 new, 0 changed, 1 unchanged" in second
    feed = Feed.objects.get()
    assert feed.filters == [{"field": "tags", "op": "contains", "value": "Checked"}]
    assert (feed.max_bytes, feed.interval_minutes, feed.is_active) == (
        20_000_000,
        24 * 60,
        True,
    )


def test_a_reload_keeps_a_feeds_state_and_pause(record_dir: Path) -> None:
    load(record_dir)
    Feed.objects.update(is_active=False, etag='"v1"')

    load(record_dir)

    assert Feed.objects.values_list("is_active", "etag").get() == (False, '"v1"')


def test_an_edited_feed_mapping_is_updated_and_fetched_in_full(
    record_dir: Path,
) -> None:
    load(record_dir)
    Feed.objects.update(etag='"v1"')
    path = record_dir / "feeds.yaml"
    path.write_text(path.read_text().replace("value_field: resolved", "value_field: x"))

    output = load(record_dir)

    assert "feeds: 0 new, 1 changed, 0 unchanged" in output
    assert Feed.objects.values_list("value_field", "etag").get() == ("x", "")
