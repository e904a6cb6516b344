"""Autouse fixtures for tests that send many requests, imported by the
conftest of each such folder: throttling out of the way, and cache keys of
each test's own (concurrent test runs share the Redis database)."""

import uuid

import pytest
from rest_framework.throttling import SimpleRateThrottle

HIGH_RATES = {"anon": "100000/minute", "user": "100000/minute"}


@pytest.fixture(autouse=True)
def generous_throttle(monkeypatch) -> None:
    """Every test client shares 127.0.0.1; only the throttling tests lower the rate."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", HIGH_RATES)


@pytest.fixture(autouse=True)
def own_cache_keys(settings) -> None:
    """Cache keys of this test alone (throttle counts, the cached scoreboard)."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": prefix}
        for name, config in settings.CACHES.items()
    }
