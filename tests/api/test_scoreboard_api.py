"""GET /api/v1/scoreboard/: the cached scoreboard, as it is."""

import pytest
from django.core.cache import cache

from predictions import scoreboard
from tests.factories import SourceFactory

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
    cache.set(scoreboard.CACHE_KEY, {"sources": [], "marker": "cached"})

    assert api_client.get("/api/v1/scoreboard/").json()["marker"] == "cached"


def test_the_scoreboard_is_json_only(api_client):
    response = api_client.get("/api/v1/scoreboard/", HTTP_ACCEPT="text/html")

    assert response.status_code == 406
