"""Anonymous and token clients are throttled at the configured rates."""

import uuid

import pytest
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_rates(monkeypatch) -> None:
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "3/minute"}
    )


def fresh_address() -> str:
    """An address no earlier run has counted against (counters live in Redis)."""
    return "10." + ".".join(str(byte) for byte in uuid.uuid4().bytes[:3])


def test_anonymous_reads_past_the_rate_are_429(api_client, tiny_rates):
    address = fresh_address()

    codes = [
        api_client.get("/api/v1/sources/", REMOTE_ADDR=address).status_code
        for _ in range(3)
    ]

    assert codes == [200, 200, 429]


def test_token_reads_past_the_user_rate_are_429(reader_client, tiny_rates):
    codes = [reader_client.get("/api/v1/sources/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
