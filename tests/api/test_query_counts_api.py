"""Every list, and the scoreboard, costs the same queries at 10 rows and at 200."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from predictions import scoreboard
from predictions.models import Prediction, Question
from tests.factories import (
    FeedFactory,
    FetchRunFactory,
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    ScoreFactory,
    SourceFactory,
    StatusChangeFactory,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
PUBLIC_LISTS = [
    "/api/v1/sources/",
    "/api/v1/predictions/",
    "/api/v1/predictions/?ordering=-pace&status=on_track",
    "/api/v1/predictions/p-0/scores/",
    "/api/v1/indicators/",
    "/api/v1/indicators/counted/observations/",
    "/api/v1/observations/",
    "/api/v1/events/",
    "/api/v1/report-card/",
    "/api/v1/questions/",
]
STAFF_LISTS = ["/api/v1/feeds/", "/api/v1/fetch-runs/"]


def add_rows(start: int, stop: int) -> None:
    """Rows start..stop-1 of every kind, on one indicator and two sources."""
    indicator = IndicatorFactory(slug="counted")
    sources = [SourceFactory(slug="ai2027"), SourceFactory(slug="lambert")]
    first = Prediction.objects.filter(slug="p-0").first() or PredictionFactory(
        slug="p-0", indicator=indicator, source=sources[0]
    )
    for n in range(start, stop):
        prediction = first if n == 0 else None
        prediction = prediction or PredictionFactory(
            slug=f"p-{n}", indicator=indicator, source=sources[n % 2]
        )
        day = datetime.date(2020, 1, 1) + datetime.timedelta(n)
        prediction.current_score = ScoreFactory(prediction=prediction, as_of=day)
        prediction.save()
        ScoreFactory(prediction=first, as_of=day + datetime.timedelta(3000))
        ObservationFactory(indicator=indicator, date=day)
        StatusChangeFactory(prediction=prediction)
        SourceFactory(slug=f"s-{n}")
        FetchRunFactory(feed=FeedFactory(indicator=indicator))
        question = Question.objects.create(
            slug=f"q-{n}", title="Q", quantity="Q.", decider="D."
        )
        question.predictions.set([first, prediction])


def count_queries(client, url: str) -> int:
    page_url = url + ("&" if "?" in url else "?") + "page_size=200"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", PUBLIC_LISTS)
def test_a_public_list_costs_the_same_queries_at_any_size(api_client, url):
    add_rows(0, 10)
    small = count_queries(api_client, url)

    add_rows(10, 200)

    assert count_queries(api_client, url) == small


@pytest.mark.parametrize("url", STAFF_LISTS)
def test_a_staff_list_costs_the_same_queries_at_any_size(staff_api_client, url):
    add_rows(0, 10)
    small = count_queries(staff_api_client, url)

    add_rows(10, 200)

    assert count_queries(staff_api_client, url) == small


def test_rebuilding_the_scoreboard_costs_the_same_queries_at_any_size(api_client):
    add_rows(0, 10)
    cache.delete_many([scoreboard.CACHE_KEY, scoreboard.JSON_CACHE_KEY])
    small = count_queries(api_client, "/api/v1/scoreboard/")

    add_rows(10, 200)
    cache.delete_many([scoreboard.CACHE_KEY, scoreboard.JSON_CACHE_KEY])

    assert count_queries(api_client, "/api/v1/scoreboard/") == small


def test_a_cached_scoreboard_costs_no_query(api_client):
    scoreboard.get_scoreboard()

    assert count_queries(api_client, "/api/v1/scoreboard/") == 0
