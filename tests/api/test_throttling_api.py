"""Anonymous and token clients are throttled at the configured rates: by the
address the request came from (forwarded headers only from configured proxies),
counted atomically in Redis."""

import concurrent.futures
import threading
import urllib.error
import urllib.request
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_rates(monkeypatch) -> None:
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "3/minute"}
    )


@pytest.fixture
def one_window(monkeypatch) -> None:
    """Every request in the same minute, so a burst never straddles two windows."""
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: 1_800_000_000.0)


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


# --- who the client is ------------------------------------------------------------


def test_a_fresh_forwarded_for_per_request_does_not_reset_the_count(
    api_client, tiny_rates
):
    address = fresh_address()

    codes = [
        api_client.get(
            "/api/v1/sources/",
            REMOTE_ADDR=address,
            HTTP_X_FORWARDED_FOR=fresh_address(),
        ).status_code
        for _ in range(3)
    ]

    assert codes == [200, 200, 429]


def test_behind_one_proxy_the_last_forwarded_address_is_the_client(
    api_client, tiny_rates, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy, client = fresh_address(), fresh_address()

    codes = [
        api_client.get(
            "/api/v1/sources/",
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"{fresh_address()}, {client}",
        ).status_code
        for _ in range(3)
    ]
    other = api_client.get(
        "/api/v1/sources/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=fresh_address()
    )

    assert codes == [200, 200, 429]
    assert other.status_code == 200  # another client behind the same proxy


def test_forwarded_headers_are_ignored_unless_proxies_are_configured():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


# --- counting under concurrency (real Redis) ----------------------------------------


@pytest.mark.redis
def test_concurrent_requests_admit_exactly_the_rate(rf, monkeypatch, one_window):
    from django.core.cache import caches
    from django_redis.cache import RedisCache

    from tracker.throttling import AnonRateThrottle

    assert isinstance(caches["default"], RedisCache)  # the suite runs on Redis
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": "25/minute", "user": "1000/minute"},
    )
    address = fresh_address()
    barrier = threading.Barrier(32)

    def burst() -> list[bool]:
        throttle = AnonRateThrottle()
        request = rf.get("/api/v1/sources/", REMOTE_ADDR=address)
        request.user = AnonymousUser()
        barrier.wait()
        return [throttle.allow_request(request, None) for _ in range(5)]

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        admitted = sum(sum(result) for result in pool.map(lambda _: burst(), range(32)))

    assert admitted == 25


@pytest.mark.django_db(transaction=True)
def test_a_burst_over_http_gets_exactly_the_rate_through(
    live_server, monkeypatch, one_window
):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": "10/minute", "user": "1000/minute"},
    )
    forwarded = [fresh_address() for _ in range(40)]

    def get(number: int) -> int:
        request = urllib.request.Request(
            live_server.url + "/api/v1/sources/",
            headers={"X-Forwarded-For": forwarded[number]},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(get, range(40)))

    assert codes.count(200) == 10
    assert codes.count(429) == 30
