"""?format=csv on the predictions and observations lists: the record's columns."""

import csv
import io

import pytest

from indicators.record import OBSERVATION_COLUMNS
from predictions.record import PREDICTION_FIELDS
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def read_csv(response) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(response.getvalue().decode()))
    return list(reader.fieldnames or []), list(reader)


def test_predictions_export_with_the_record_columns(api_client):
    PredictionFactory()

    columns, _ = read_csv(api_client.get("/api/v1/predictions/", {"format": "csv"}))

    assert columns == list(PREDICTION_FIELDS)


def test_a_prediction_export_row_holds_its_values(api_client):
    PredictionFactory(slug="sc-2027", source=SourceFactory(slug="ai2027"), target=85)

    _, rows = read_csv(api_client.get("/api/v1/predictions/", {"format": "csv"}))

    assert (rows[0]["slug"], rows[0]["source"], rows[0]["target"]) == (
        "sc-2027",
        "ai2027",
        "85.0",
    )


def test_a_prediction_export_is_every_matching_row_not_a_page(api_client):
    PredictionFactory.create_batch(51, source=SourceFactory(slug="ai2027"))
    PredictionFactory(source=SourceFactory(slug="lambert"))

    response = api_client.get("/api/v1/predictions/?format=csv&source=ai2027")

    assert len(read_csv(response)[1]) == 51


def test_an_empty_prediction_export_still_has_its_header(api_client):
    response = api_client.get("/api/v1/predictions/", {"format": "csv"})

    assert response.getvalue().decode().strip() == ",".join(PREDICTION_FIELDS)


def test_observations_export_with_the_record_columns(api_client):
    ObservationFactory()

    columns, _ = read_csv(api_client.get("/api/v1/observations/", {"format": "csv"}))

    assert columns == list(OBSERVATION_COLUMNS)


def test_an_indicators_observations_export_only_that_indicator(api_client):
    ObservationFactory(indicator=IndicatorFactory(slug="swe-bench"))
    ObservationFactory(indicator=IndicatorFactory(slug="dc-power"))

    response = api_client.get("/api/v1/indicators/swe-bench/observations/?format=csv")

    assert [row["indicator"] for row in read_csv(response)[1]] == ["swe-bench"]


def test_the_export_is_served_as_csv(api_client):
    response = api_client.get("/api/v1/observations/", {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"status": "sideways"}, "status"),  # an error naming a field
        ({"search": "a\x00b"}, "Null character"),  # an error that is a list
    ],
)
def test_a_refused_export_is_a_400_with_its_reason_as_csv(api_client, query, named):
    response = api_client.get("/api/v1/predictions/", {**query, "format": "csv"})

    columns, rows = read_csv(response)
    assert response.status_code == 400
    assert columns == ["detail"]
    assert named in rows[0]["detail"]
