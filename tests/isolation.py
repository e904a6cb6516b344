"""Autouse fixtures for tests that send many requests, imported by the
conftest of each such folder: throttling out of the way, and cache keys of
each test's own (concurrent test runs share the Redis database)."""

import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

HIGH_RATES = {"anon": "100000/minute", "user": "100000/minute"}


@pytest.fixture(autouse=True)
def generous_throttle(monkeypatch) -> None:
    """Every test client shares 127.0.0.1; only the throttling tests lower the rate."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", HIGH_RATES)


@pytest.fixture(autouse=True)
def own_cache_keys(settings) -> Iterator[None]:
    """Cache keys of this test alone (throttle counts, the cached scoreboard):
    every test starts with an empty cache, and its keys go with it."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": prefix}
        for name, config in settings.CACHES.items()
    }
    yield
    forget_own_cache_keys()


def forget_own_cache_keys() -> None:
    """Empty this test's keys of the default cache and no one else's:
    ``cache.clear()`` flushes the whole Redis database, and with it the keys
    of every test running beside this one."""
    if hasattr(cache, "delete_pattern"):  # django-redis: the key prefix applies
        cache.delete_pattern("*")
    else:
        cache.clear()
