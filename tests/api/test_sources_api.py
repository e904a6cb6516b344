"""GET /api/v1/sources/: who predicted."""

import pytest

from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_sources_list_every_source(api_client):
    SourceFactory(slug="ai-2027")
    SourceFactory(slug="lambert")

    response = api_client.get("/api/v1/sources/")

    assert [row["slug"] for row in response.json()["results"]] == ["ai-2027", "lambert"]


def test_a_source_is_found_by_its_slug(api_client):
    SourceFactory(slug="lambert", name="Nathan Lambert's rebuttal")

    response = api_client.get("/api/v1/sources/lambert/")

    assert response.json()["name"] == "Nathan Lambert's rebuttal"


def test_an_unknown_source_is_404(api_client):
    assert api_client.get("/api/v1/sources/nobody/").status_code == 404
