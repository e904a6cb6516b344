"""GET /api/v1/scoreboard/: the cached scoreboard, as it is."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from predictions import changes, scoreboard
from predictions.models import Status
from tests.factories import IndicatorFactory, PredictionFactory, SourceFactory
from tests.pages.conftest import give_score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_scoreboard():
    cache.delete_many([scoreboard.CACHE_KEY, scoreboard.JSON_CACHE_KEY])
    yield
    cache.delete_many([scoreboard.CACHE_KEY, scoreboard.JSON_CACHE_KEY])


def test_the_scoreboard_lists_each_source(api_client):
    SourceFactory(slug="ai2027")
    SourceFactory(slug="lambert")

    body = api_client.get("/api/v1/scoreboard/").json()

    assert [source["slug"] for source in body["sources"]] == ["ai2027", "lambert"]


def test_the_scoreboard_is_the_cached_dict(api_client):
    cache.set(
        scoreboard.CACHE_KEY, {"sources": [], "head_to_head": [], "marker": "cached"}
    )

    assert api_client.get("/api/v1/scoreboard/").json()["marker"] == "cached"


def test_the_scoreboard_is_json_only(api_client):
    response = api_client.get("/api/v1/scoreboard/", HTTP_ACCEPT="text/html")

    assert response.status_code == 406


# --- The lists that grow with the record: the first rows, then pages ----------


@pytest.fixture
def long_lists(db, monkeypatch):
    """Three shared indicators and three calibration points per source, with
    the scoreboard listing two of each."""
    monkeypatch.setattr("predictions.scoreboard.API_ROWS", 2)
    sources = [SourceFactory(slug="ai2027"), SourceFactory(slug="lambert")]
    for number in (1, 2, 3):
        indicator = IndicatorFactory(slug=f"shared-{number}")
        for source in sources:
            prediction = PredictionFactory(
                source=source, indicator=indicator, probability=0.25 * number
            )
            give_score(prediction, Status.RESOLVED_TRUE, probability=0.25 * number)
    changes.rebuild_scoreboard()
    return scoreboard.get_scoreboard()


def test_the_scoreboard_lists_the_first_rows_of_a_long_list_and_counts_them(
    api_client, long_lists
):
    body = api_client.get("/api/v1/scoreboard/").json()

    assert [row["indicator"] for row in body["head_to_head"]] == [
        "shared-1",
        "shared-2",
    ]
    assert body["head_to_head_count"] == 3
    for source in body["sources"]:
        assert len(source["calibration_points"]) == 2
        assert source["calibration_point_count"] == 3


def test_every_head_to_head_row_is_paged(api_client, long_lists):
    first = api_client.get("/api/v1/scoreboard/head-to-head/?page_size=2").json()
    second = api_client.get(first["next"]).json()

    assert first["count"] == 3
    assert second["next"] is None
    assert first["results"] + second["results"] == json.loads(
        json.dumps(long_lists["head_to_head"])
    )


def test_every_calibration_point_is_paged_with_its_source(api_client, long_lists):
    body = api_client.get("/api/v1/scoreboard/calibration-points/").json()
    lambert = api_client.get(
        "/api/v1/scoreboard/calibration-points/?source=lambert"
    ).json()

    assert body["count"] == 6
    assert {point["source"] for point in body["results"]} == {"ai2027", "lambert"}
    assert lambert["count"] == 3
    assert sorted(point["probability"] for point in lambert["results"]) == [
        0.25,
        0.5,
        0.75,
    ]
    assert lambert["results"][0] == {
        "source": "lambert",
        **long_lists["sources"][1]["calibration_points"][0],
    }


def test_the_scoreboard_pages_cost_no_query(api_client, long_lists):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/v1/scoreboard/head-to-head/")

    assert response.status_code == 200
    assert len(queries) == 0
