"""Every page costs the same number of queries at 10 and at 200 records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.isolation import forget_own_cache_keys
from tests.pages.conftest import make_predictions

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
PAGES = [
    ("home", []),
    ("prediction-list", []),
    ("indicator-detail", ["swe-bench"]),
    ("source-detail", ["ai2027"]),
    ("status-change-feed", []),
    ("report-card", []),
    ("question-list", []),
    ("methods", []),
]


def count_queries(client, url: str) -> int:
    forget_own_cache_keys()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow_to(record, size: int) -> None:
    existing = record.ai2027.predictions.count()
    make_predictions(record.ai2027, record.indicator, size - existing)


@pytest.mark.parametrize("name, args", PAGES)
def test_page_query_count_does_not_grow_with_the_record(client, record, name, args):
    url = reverse(name, args=args)
    grow_to(record, 10)
    small = count_queries(client, url)

    grow_to(record, 200)

    assert count_queries(client, url) == small


def test_prediction_page_query_count_does_not_grow_with_the_record(client, record):
    grow_to(record, 10)
    slug = record.ai2027.predictions.first().slug
    url = reverse("prediction-detail", args=[slug])
    small = count_queries(client, url)

    grow_to(record, 200)

    assert count_queries(client, url) == small


def test_home_page_reads_the_cached_scoreboard_without_a_query(client, record):
    grow_to(record, 10)
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))

    assert len(queries) == 0
