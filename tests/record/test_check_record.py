"""``manage.py check_record``: the evidence rules, each broken case named by row."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

BEST_INDICATOR = """
- slug: board-best
  name: Best score on a board
  description: The best verified score on the board so far.
  unit: '%'
  scale: linear
  min_value: 0
  max_value: 100
  category: benchmarks
"""


def check(directory: Path | None = None) -> str:
    args = ["--input", str(directory)] if directory else []
    out, err = StringIO(), StringIO()
    try:
        call_command("check_record", *args, stdout=out, stderr=err)
    except CommandError:
        return err.getvalue()
    return out.getvalue()


def add_rows(directory: Path, *rows: str) -> None:
    with (directory / "observations.csv").open("a", encoding="utf-8") as file:
        file.writelines(row + "\n" for row in rows)


def test_the_shipped_record_passes():
    assert "The record passes" in check()


def test_the_valid_fixture_passes(record_dir: Path):
    assert "The record passes" in check(record_dir)


def test_an_aggregator_row_that_would_resolve_a_prediction_is_a_notice(record_dir):
    add_rows(
        record_dir,
        "swe-bench-verified,2025-06-01,86,,,false,aggregator,2025-06-01,,"
        "https://summaries.example.com/june,A summary,",
    )
    output = check(record_dir)
    assert (
        "notice: observations.csv, row 8: [aggregator-would-decide] "
        "ai2027-swe-bench-85 would be resolved_true"
    ) in output
    assert "The record passes" in output


def test_a_value_derived_from_deciding_rows_counts_against_the_aggregator(record_dir):
    # The board's score becomes the sum of one input series, whose primary row
    # gives what the aggregator row says: the derived value decides, as on the
    # site, so tracing the aggregator row would change nothing.
    with (record_dir / "indicators.yaml").open("a", encoding="utf-8") as file:
        file.write(BEST_INDICATOR)
    (record_dir / "derived.yaml").write_text(
        "- slug: swe-bench-verified\n  formula: sum\n  inputs: [board-best]\n"
        "  period: date\n  start: null\n"
    )
    add_rows(
        record_dir,
        "board-best,2025-06-01,86,,,false,primary,2025-06-01,,"
        "https://board.example.org/,The board,",
        "swe-bench-verified,2025-06-01,86,,,false,aggregator,2025-06-01,,"
        "https://summaries.example.com/june,A summary,",
    )
    output = check(record_dir)
    assert "aggregator-would-decide" not in output
    assert "The record passes" in output


def test_a_row_without_a_known_tier_is_refused(record_dir):
    add_rows(
        record_dir,
        "research-compute-share,2025-06-30,45,,,true,secondary,2025-07-01,,"
        "https://example.org/split,Split,",
    )
    assert "row 8, tier: 'secondary' is not one of" in check(record_dir)


def test_a_running_best_that_falls_is_named(record_dir):
    with (record_dir / "indicators.yaml").open("a", encoding="utf-8") as file:
        file.write(BEST_INDICATOR)
    add_rows(
        record_dir,
        "board-best,2025-01-01,50,,,false,primary,2025-01-02,,"
        "https://board.example.com/a,Board,",
        "board-best,2025-02-01,45,,,false,primary,2025-02-02,,"
        "https://board.example.com/b,Board,",
    )
    output = check(record_dir)
    assert "row 9: [running-best-decreases] board-best falls to 45" in output


def test_one_number_through_a_mirror_is_named(record_dir):
    add_rows(
        record_dir,
        "swe-bench-verified,2025-05-22,72.5,,,false,primary,2025-05-22,,"
        "https://mirror.example.com/board,A mirror of the board,",
    )
    assert "row 8: [same-number-twice] swe-bench-verified 72.5" in check(record_dir)


def test_a_deciding_row_on_an_aggregators_host_is_named(record_dir):
    add_rows(
        record_dir,
        "research-compute-share,2025-06-30,45,,,true,primary,2025-07-01,,"
        "https://summaries.example.com/split,A summary,",
    )
    output = check(record_dir)
    assert "row 8: [aggregator-host-decides] summaries.example.com" in output


def test_a_publication_before_the_measured_date_is_refused(record_dir):
    add_rows(
        record_dir,
        "research-compute-share,2025-06-30,45,,,true,primary,2025-06-01,,"
        "https://example.org/split,Split,",
    )
    assert "row 8, published_on: 2025-06-01 is before" in check(record_dir)
