"""On PostgreSQL a list page's queries are prepared once a connection has run
them five times: the server plans each of them once, not on every request."""

import pytest
from django.db import connection

from tests.factories import ObservationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_list_page_read_again_and_again_is_prepared(api_client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    ObservationFactory.create_batch(3)

    for _ in range(6):
        assert api_client.get("/api/v1/observations/").status_code == 200

    statements = prepared_statements()
    assert any('FROM "indicators_observation"' in text for text in statements)
