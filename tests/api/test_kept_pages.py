"""Responses kept in memory (tracker.memo): read once, replaced on a change."""

import datetime
import socket

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from predictions import changes, services
from predictions.models import Prediction
from tests.factories import ObservationFactory, PredictionFactory
from tracker import memo
from tracker.env import redis_cache

pytestmark = pytest.mark.django_db
URL = "/api/v1/predictions/?page_size=50"


def read_twice(client, url: str = URL):
    """The second response and the queries it cost."""
    client.get(url).getvalue()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        response.getvalue()  # a streamed export reads as it is sent
    return response, len(queries)


def unreachable_redis() -> str:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{probe.getsockname()[1]}/0"


def test_a_page_read_again_costs_no_query(api_client):
    PredictionFactory.create_batch(3)
    first = api_client.get(URL)

    again, queries = read_twice(api_client)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"
    assert queries == 0


def test_each_query_string_is_its_own_page(api_client):
    PredictionFactory(slug="first", deadline="2026-01-01")
    PredictionFactory(slug="second", deadline="2027-01-01")
    api_client.get(URL)

    later = api_client.get(URL + "&deadline_after=2026-06-01").json()

    assert [row["slug"] for row in later["results"]] == ["second"]


def test_each_host_gets_links_to_itself(api_client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "tracker.example.org"]
    PredictionFactory.create_batch(3)
    page = URL.replace("50", "1")
    api_client.get(page)

    links = api_client.get(page, HTTP_HOST="tracker.example.org").json()

    assert links["next"].startswith("http://tracker.example.org/")


def test_a_rescore_shows_at_once(api_client):
    prediction = PredictionFactory(target=80.0)
    assert api_client.get(URL).json()["results"][0]["score"] is None
    ObservationFactory(
        indicator=prediction.indicator, date=datetime.date(2025, 6, 1), value=90.0
    )

    services.rescore_predictions()

    row = api_client.get(URL).json()["results"][0]
    assert row["score"]["status"] == "resolved_true"


def test_an_edited_prediction_shows_at_once(api_client):
    prediction = PredictionFactory(claim="The old wording.")
    api_client.get(URL)

    prediction.claim = "The new wording."
    prediction.save()

    assert api_client.get(URL).json()["results"][0]["claim"] == "The new wording."


def test_a_renamed_indicator_shows_at_once(api_client):
    prediction = PredictionFactory()
    api_client.get(URL)

    prediction.indicator.name = "Renamed"
    prediction.indicator.save()

    assert api_client.get(URL).json()["results"][0]["indicator_name"] == "Renamed"


def test_a_deleted_prediction_goes_at_once(api_client):
    keep, drop = PredictionFactory.create_batch(2)
    api_client.get(URL)

    drop.delete()

    assert [row["slug"] for row in api_client.get(URL).json()["results"]] == [keep.slug]


def test_a_refreshed_scoreboard_is_served_at_once(api_client):
    api_client.get("/api/v1/scoreboard/")
    PredictionFactory()

    changes.rebuild_scoreboard()

    body = api_client.get("/api/v1/scoreboard/").json()
    assert sum(source["counts"]["total"] for source in body["sources"]) == 1


def test_other_formats_are_rendered_each_time(api_client):
    PredictionFactory()

    _, queries = read_twice(api_client, URL + "&format=csv")

    assert queries > 0


def test_without_the_cache_every_read_goes_to_the_database(api_client, settings):
    PredictionFactory()
    settings.CACHES = {
        **settings.CACHES,
        "default": redis_cache(unreachable_redis(), timeout=0.2),
    }
    memo.RESPONSES.clear()  # as in a process started while Redis was down

    again, queries = read_twice(api_client)

    assert again.status_code == 200
    assert queries > 0


def rendered(kept: memo.Memo, keys: list[str], body: bytes = b"body") -> list[str]:
    """The keys that had to be rendered when read in this order."""
    renders = []
    for key in keys:
        kept.get_or_render(key, lambda key=key: renders.append(key) or body)
    return renders


def test_a_kept_copy_expires(monkeypatch):
    monkeypatch.setattr(memo, "MEMO_SECONDS", 0)

    assert rendered(memo.Memo(), ["page", "page"]) == ["page", "page"]


def test_only_the_most_recent_copies_are_kept(settings):
    settings.CACHES = {
        **settings.CACHES,
        "two-pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "two-pages",
            "OPTIONS": {"MAX_ENTRIES": 2, "CULL_FREQUENCY": 2},
        },
    }
    kept = memo.Memo("two-pages")

    assert rendered(kept, ["a", "b", "c", "a"]) == ["a", "b", "c", "a"]


def test_a_change_made_elsewhere_shows_after_the_check_period(api_client, monkeypatch):
    prediction = PredictionFactory(claim="The old wording.")
    monkeypatch.setattr(memo, "VERSION_CHECK_SECONDS", 60)
    api_client.get(URL)
    # Another process changes the record and the version (no signal here).
    Prediction.objects.filter(pk=prediction.pk).update(claim="The new wording.")
    cache.set(memo.VERSION_KEY, "another process's change", None)

    assert api_client.get(URL).json()["results"][0]["claim"] == "The old wording."
    monkeypatch.setattr(memo, "VERSION_CHECK_SECONDS", 0)
    assert api_client.get(URL).json()["results"][0]["claim"] == "The new wording."


def test_a_body_over_the_size_limit_is_not_kept(monkeypatch):
    monkeypatch.setattr(memo, "MAX_BYTES", 3)

    assert rendered(memo.Memo(), ["page", "page"], b"four") == ["page", "page"]


@pytest.mark.parametrize(
    "url", ["/api/v1/observations/", "/api/v1/indicators/kept/observations/"]
)
def test_an_observation_list_is_kept_until_a_value_comes_in(
    api_client, writer_client, django_capture_on_commit_callbacks, monkeypatch, url
):
    # The rescore waits out its debounce; the list must not wait for it.
    monkeypatch.setattr(changes, "_enqueue_rescore", lambda indicator_ids: None)
    indicator = ObservationFactory(indicator__slug="kept").indicator
    _, queries = read_twice(api_client, url)
    assert queries == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = writer_client.post(
            "/api/v1/observations/",
            {
                "indicator": indicator.slug,
                "date": "2025-03-01",
                "value": 61.5,
                "source_url": "https://example.org/new",
                "source_title": "A new value",
            },
            format="json",
        )
    assert response.status_code == 201

    values = [row["value"] for row in api_client.get(url).json()["results"]]
    assert 61.5 in values


def test_a_score_history_is_kept_until_the_next_rescore(api_client):
    prediction = PredictionFactory(target=80.0)
    ObservationFactory(
        indicator=prediction.indicator, date=datetime.date(2025, 6, 1), value=70.0
    )
    url = f"/api/v1/predictions/{prediction.slug}/scores/"
    assert api_client.get(url).json()["count"] == 0
    _, queries = read_twice(api_client, url)
    assert queries == 0

    services.rescore_predictions()

    assert api_client.get(url).json()["count"] == 1
