"""Feeds and fetch runs are for staff only."""

import pytest

from tests.factories import FeedFactory, FetchRunFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/feeds/", "/api/v1/fetch-runs/"])
def test_anonymous_requests_for_staff_lists_are_401(api_client, url):
    assert api_client.get(url).status_code == 401


@pytest.mark.parametrize("url", ["/api/v1/feeds/", "/api/v1/fetch-runs/"])
def test_non_staff_tokens_for_staff_lists_are_403(writer_client, url):
    assert writer_client.get(url).status_code == 403


def test_staff_see_feeds(staff_api_client):
    FeedFactory(name="SWE-bench leaderboard")

    rows = staff_api_client.get("/api/v1/feeds/").json()["results"]

    assert [row["name"] for row in rows] == ["SWE-bench leaderboard"]


def test_staff_see_fetch_runs_with_their_errors(staff_api_client):
    FetchRunFactory(outcome="failed", error="HTTP 503 from upstream")

    rows = staff_api_client.get("/api/v1/fetch-runs/").json()["results"]

    assert [row["error"] for row in rows] == ["HTTP 503 from upstream"]
