"""Shared by the bad-input and security tests, which send many requests."""

import uuid

import pytest
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture(autouse=True)
def quiet_throttle_and_own_cache(monkeypatch, settings) -> None:
    """Many requests from 127.0.0.1, and a Redis shared with other runs."""
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": "100000/minute", "user": "100000/minute"},
    )
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": prefix}
        for name, config in settings.CACHES.items()
    }
