"""Stored URLs and text never become active markup: every URL is http(s) and
well formed wherever it comes in, the Atom feed carries text, and the pages'
Content-Security-Policy would stop an inline script or ``javascript:`` link
on its own."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.db.models import URLField
from django.urls import reverse

from indicators.models import Feed, Observation
from predictions.models import Prediction, Source, Webhook
from tests.factories import (
    FeedFactory,
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    SourceFactory,
    StatusChangeFactory,
)
from tracker.validators import validate_http_url, validate_supplements

BAD_URLS = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.org/feed.csv",
    "//example.org/no-scheme",
    "https://example.org/a b",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/<script>",
    "https://example.org/back\\slash",
    "https://exämple.org/",
    "https://example.org/\x00",
    "https:///no-host",
]
URL_FIELDS = [
    (Observation, "source_url"),
    (Feed, "url"),
    (Source, "url"),
    (Prediction, "citation_url"),
    (Webhook, "url"),
]


def test_every_stored_url_field_uses_the_http_url_rule():
    from django.apps import apps

    url_fields = [
        (model, field.name)
        for model in apps.get_models()
        if model._meta.app_label in {"indicators", "predictions"}
        and not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if isinstance(field, URLField)
    ]

    assert sorted(url_fields, key=str) == sorted(URL_FIELDS, key=str)
    for model, name in url_fields:
        assert validate_http_url in model._meta.get_field(name).validators


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize(("model", "name"), URL_FIELDS, ids=lambda v: str(v))
def test_each_url_field_refuses_what_is_not_a_plain_http_url(model, name, url):
    field = model._meta.get_field(name)

    with pytest.raises(ValidationError):
        field.clean(url, None)


@pytest.mark.parametrize(
    "url",
    ["https://example.org/", "http://example.org/a%20b?q=1&r=[2]#frag", "https://x.io"],
)
def test_plain_http_urls_pass(url):
    validate_http_url(url)


@pytest.mark.django_db
@pytest.mark.parametrize("url", BAD_URLS)
def test_the_api_refuses_a_source_url_that_is_not_a_plain_http_url(writer_client, url):
    IndicatorFactory(slug="pct", min_value=0, max_value=100)
    body = {
        "indicator": "pct",
        "date": "2025-06-01",
        "value": 50,
        "source_url": url,
        "source_title": "A board",
    }

    response = writer_client.post("/api/v1/observations/", body, format="json")

    assert response.status_code == 400
    assert "source_url" in response.json()
    assert Observation.objects.count() == 0


@pytest.mark.parametrize(
    "supplements",
    [
        [{"title": "Compute", "url": "javascript:alert(1)"}],
        [{"title": "Compute", "url": "https://example.org/", "onclick": "x"}],
        [{"title": "", "url": "https://example.org/"}],
        [{"title": "Compute"}],
        ["https://example.org/"],
        {"title": "Compute", "url": "https://example.org/"},
        [{"title": "x" * 301, "url": "https://example.org/"}],
        [{"title": "Compute", "url": "https://example.org/" + "a" * 500}],
        [{"title": "Compute", "url": "https://example.org/"}] * 51,
    ],
)
def test_supplements_must_be_titled_http_links(supplements):
    with pytest.raises(ValidationError):
        validate_supplements(supplements)


@pytest.mark.django_db
def test_the_admin_refuses_a_javascript_supplement(staff_client):
    source = SourceFactory(slug="ai2027")
    url = reverse("admin:predictions_source_change", args=[source.pk])
    data = {
        "slug": "ai2027",
        "name": source.name,
        "authors": source.authors,
        "published": "2025-04-03",
        "url": source.url,
        "description": "",
        "supplements": '[{"title": "Compute", "url": "javascript:alert(1)"}]',
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200  # the form again, with the error
    assert "not an http(s) URL" in response.content.decode()
    source.refresh_from_db()
    assert source.supplements == []


@pytest.mark.django_db
def test_the_atom_feed_carries_claims_as_text(client):
    claim = '<script>alert(1)</script> & <a href="javascript:x">go</a>'
    StatusChangeFactory(prediction=PredictionFactory(claim=claim))

    response = client.get(reverse("status-change-feed"))

    atom = "{http://www.w3.org/2005/Atom}"
    summary = ET.fromstring(response.content).find(f"{atom}entry/{atom}summary")
    assert summary.get("type") == "text"
    assert summary.text.startswith(claim)


def page_urls() -> list[str]:
    indicator = IndicatorFactory(slug="pct", min_value=0, max_value=100)
    source = SourceFactory(
        slug="ai2027",
        supplements=[{"title": "Compute", "url": "https://example.org/c"}],
    )
    prediction = PredictionFactory(slug="sc", source=source, indicator=indicator)
    ObservationFactory(indicator=indicator)
    StatusChangeFactory(prediction=prediction)
    FeedFactory(indicator=indicator)
    return [
        "/",
        "/predictions/",
        "/predictions/sc/",
        "/indicators/pct/",
        "/sources/ai2027/",
        "/api/v1/docs/",
        "/api/v1/redoc/",
        "/api/v1/predictions/",
        "/api/v1/predictions/?format=api",
        "/feeds/status-changes.atom",
        "/admin/",
        "/admin/indicators/observation/",
        "/admin/indicators/observation/add/",
        "/admin/predictions/source/",
    ]


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.django_db
def test_every_page_sends_a_policy_that_runs_only_our_script_files(staff_client):
    for url in page_urls():
        response = staff_client.get(url)

        assert response.status_code == 200, url
        policy = dict(
            part.strip().split(" ", 1)
            for part in response["Content-Security-Policy"].split(";")
        )
        assert policy["script-src"] == "'self'", url
        assert policy["object-src"] == "'none'", url
        assert policy["base-uri"] == "'none'", url
        assert "camera=()" in response["Permissions-Policy"], url


@pytest.mark.django_db
def test_no_page_needs_an_inline_script(staff_client):
    """So the policy breaks nothing: scripts come from files; data is JSON."""
    for url in page_urls():
        html = staff_client.get(url).content.decode()

        for attributes in SCRIPT_TAG.findall(html):
            assert "src=" in attributes or "application/json" in attributes, (
                url,
                attributes,
            )
        assert not HANDLER_ATTRIBUTE.search(html), url
        assert "javascript:" not in html, url
