"""Tests running side by side share one Redis database: each keeps to its keys."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from tests.isolation import forget_own_cache_keys, own_cache_keys  # noqa: F401


@pytest.mark.redis
def test_forgetting_a_tests_keys_leaves_the_keys_of_the_test_beside_it():
    beside = redis.Redis.from_url(settings.REDIS_URL)
    beside.set("another-test:1:scoreboard:v4", b"theirs", ex=60)
    cache.set("scoreboard:v4", {"mine": True})
    try:
        forget_own_cache_keys()

        assert cache.get("scoreboard:v4") is None
        assert beside.get("another-test:1:scoreboard:v4") == b"theirs"
    finally:
        beside.delete("another-test:1:scoreboard:v4")
