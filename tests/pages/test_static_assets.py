"""Pages load scripts and styles from this site only; plotly.js comes from the
installed plotly package."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import PredictionFactory

ASSET = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')


def test_plotly_is_found_among_the_static_files():
    path = finders.find("vendor/plotly.min.js")

    assert path is not None
    with open(path, "rb") as bundle:
        assert b"plotly" in bundle.read(2000).lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, args",
    [
        ("home", []),
        ("prediction-list", []),
        ("prediction-detail", ["a-claim"]),
        ("indicator-detail", ["swe-bench"]),
        ("source-detail", ["ai2027"]),
    ],
)
def test_no_page_loads_a_script_or_style_from_another_host(client, record, name, args):
    PredictionFactory(slug="a-claim", source=record.ai2027, indicator=record.indicator)

    html = client.get(reverse(name, args=args)).content.decode()

    assets = ASSET.findall(html)
    assert assets
    assert [url for url in assets if not url.startswith("/")] == []


@pytest.mark.django_db
def test_chart_pages_load_plotly_from_the_sites_static_files(client, record):
    html = client.get(reverse("indicator-detail", args=["swe-bench"])).content

    assert b'<script src="/static/vendor/plotly.min.js" defer></script>' in html
