"""Who may write, and what the site says about itself: an audit of every route."""

import uuid

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from indicators import fetchers
from indicators.models import Observation
from predictions.models import Question
from tests.factories import (
    FeedFactory,
    FetchRunFactory,
    IndicatorFactory,
    PredictionFactory,
    SourceFactory,
    StatusChangeFactory,
)

OBSERVATIONS_URL = "/api/v1/observations/"
WRITE_METHODS = ("post", "put", "patch", "delete")


def observation(**fields) -> dict:
    return {
        "indicator": "swe-bench",
        "date": "2025-06-01",
        "value": 72.5,
        "source_url": "https://example.org/swebench",
        "source_title": "SWE-bench leaderboard",
        **fields,
    }


# --- (a) anonymous users write nothing anywhere -----------------------------------


def site_routes(patterns=None, namespace: str = "", prefix: str = ""):
    """(qualified name, parameter names, route text) of every route outside /admin/."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from site_routes(entry.url_patterns, inner, route)
        elif isinstance(entry, URLPattern):
            params = sorted(entry.pattern.regex.groupindex)
            yield f"{namespace}{entry.name}", params, route


@pytest.fixture
def objects(db) -> dict:
    indicator = IndicatorFactory(slug="swe-bench", min_value=0, max_value=100)
    source = SourceFactory(slug="some-source")
    prediction = PredictionFactory(slug="some-prediction", indicator=indicator)
    feed = FeedFactory(indicator=indicator)
    question = Question.objects.create(
        slug="some-question", title="Q", quantity="Q.", decider="D."
    )
    question.predictions.set([prediction])
    return {
        "indicator": indicator,
        "source": source,
        "prediction": prediction,
        "feed": feed,
        "fetchrun": FetchRunFactory(feed=feed),
        "event": StatusChangeFactory(prediction=prediction),
        "question": question,
    }


def fill(name: str, params: list[str], objects: dict) -> dict:
    """Real values for a route's parameters, chosen by the route's name."""
    kind = name.rpartition(":")[2].partition("-")[0]
    kwargs = {}
    for param in params:
        if param == "format":
            kwargs[param] = "json"
        elif param == "slug":
            kwargs[param] = objects[kind].slug
        elif param == "pk":
            kwargs[param] = objects[kind].pk
        else:
            raise AssertionError(f"no value for {param!r} of route {name!r}")
    return kwargs


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_audit_sees_the_pages_and_the_api():
    names = {name for name, _, _ in site_routes()}

    assert {"home", "prediction-detail", "api:observation-list"} <= names
    assert {"api:feed-detail", "api:fetchrun-detail", "api:schema"} <= names
    assert not any(name.startswith("admin:") for name in names)


@pytest.mark.django_db
@pytest.mark.parametrize("method", WRITE_METHODS)
def test_anonymous_writes_fail_on_every_route(objects, method):
    client = APIClient()
    before = row_counts()
    answered = {}

    for name, params, _ in site_routes():
        url = reverse(name, kwargs=fill(name, params, objects))
        body = observation() if name.startswith("api:") else {"value": "1"}
        response = getattr(client, method)(url, body, format="json")
        answered[url] = response.status_code

    assert len(answered) >= 20
    assert {url: code for url, code in answered.items() if 200 <= code < 300} == {}
    assert row_counts() == before


# --- (b) tokens -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_read_only_token_cannot_write_observations(reader_client):
    IndicatorFactory(slug="swe-bench", min_value=0, max_value=100)

    response = reader_client.post(OBSERVATIONS_URL, observation(), format="json")

    assert response.status_code == 403
    assert Observation.objects.count() == 0


@pytest.mark.django_db
def test_a_writer_token_can_write_observations(writer_client):
    IndicatorFactory(slug="swe-bench", min_value=0, max_value=100)

    response = writer_client.post(OBSERVATIONS_URL, observation(), format="json")

    assert response.status_code == 201
    assert Observation.objects.count() == 1


# --- (c) and (d) the admin --------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_redirects_a_logged_in_non_staff_user_to_login(
    client, django_user_model
):
    user = django_user_model.objects.create_user(username="plain", password="x" * 12)
    client.force_login(user)
    url = reverse("admin:indicators_observation_add")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "next=" in response["Location"]


@pytest.mark.django_db
def test_the_admin_form_refuses_a_post_without_a_csrf_token(django_user_model):
    indicator = IndicatorFactory(slug="swe-bench", min_value=0, max_value=100)
    user = django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="x" * 12
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    data = {**observation(indicator=indicator.pk), "low": "", "high": "", "note": ""}

    response = client.post(reverse("admin:indicators_observation_add"), data)

    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert Observation.objects.count() == 0


# --- (e) feed URLs ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/feed.csv", "gopher://x/"]
)
def test_the_database_refuses_a_feed_url_that_is_not_http(url):
    indicator = IndicatorFactory()

    with pytest.raises(IntegrityError, match="feed_url_http"):
        with transaction.atomic():
            FeedFactory(indicator=indicator, url=url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/feed.csv", "data:,[]"]
)
def test_fetch_refuses_a_url_that_is_not_http_without_a_request(monkeypatch, url):
    def no_network(*args, **kwargs):
        raise AssertionError("fetch opened a connection")

    monkeypatch.setattr(fetchers.urllib.request, "build_opener", no_network)
    spec = fetchers.FeedSpec(
        url=url, format="json", date_field="date", value_field="value"
    )

    with pytest.raises(fetchers.FetchError, match="only http and https"):
        fetchers.fetch(spec)


# --- (f) and (g) headers and error pages ------------------------------------------


@pytest.mark.django_db
def test_pages_send_nosniff_and_deny_framing(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_secure_request_gets_hsts_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_SSL_REDIRECT = False

    response = client.get(reverse("home"), secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=3600")


@pytest.mark.django_db
def test_an_insecure_request_gets_no_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_SSL_REDIRECT = False

    response = client.get(reverse("home"))

    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/no-such-page/", "/predictions/no-such-slug/", "/api/v1/nothing/"]
)
def test_unknown_urls_are_plain_404s_without_debug_details(client, path):
    assert django_settings.DEBUG is False

    response = client.get(path)

    text = response.content.decode()
    assert response.status_code == 404
    assert "URLconf" not in text
    assert "Traceback" not in text
    assert "DEBUG = True" not in text


# --- (h) throttling ---------------------------------------------------------------


def test_the_api_throttles_anonymous_and_token_clients_by_default():
    configured = django_settings.REST_FRAMEWORK

    assert configured["DEFAULT_THROTTLE_CLASSES"] == [
        "tracker.throttling.AnonRateThrottle",
        "tracker.throttling.UserRateThrottle",
    ]
    assert set(configured["DEFAULT_THROTTLE_RATES"]) == {"anon", "user"}


@pytest.mark.django_db
def test_an_anonymous_client_over_the_rate_gets_429(api_client, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "9/minute"}
    )
    address = "10." + ".".join(str(byte) for byte in uuid.uuid4().bytes[:3])

    codes = [
        api_client.get("/api/v1/sources/", REMOTE_ADDR=address).status_code
        for _ in range(3)
    ]

    assert codes == [200, 200, 429]
