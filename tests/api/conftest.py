"""Fixtures of the API tests: a staff token client, throttling out of the way."""

import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

HIGH_RATES = {"anon": "100000/minute", "user": "100000/minute"}


@pytest.fixture(autouse=True)
def generous_throttle(monkeypatch) -> None:
    """Every test client shares 127.0.0.1; only the throttling tests lower the rate."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", HIGH_RATES)


@pytest.fixture(autouse=True)
def own_cache_keys(settings) -> None:
    """Cache keys of this test alone (throttle counts, the cached scoreboard):
    concurrent test runs share the Redis database."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": prefix}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture
def staff_api_client(db, django_user_model) -> APIClient:
    user = django_user_model.objects.create_user(
        username="staff", password="x" * 12, is_staff=True
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user)}")
    return client
