"""The OpenAPI schema and its two viewers, served without a CDN."""

import re

import pytest

pytestmark = pytest.mark.django_db
HOST = re.compile(r"""https?://([^/"'\s)]+)""")


def test_the_schema_is_openapi_3(api_client):
    response = api_client.get("/api/v1/schema/", {"format": "json"})

    assert response.json()["openapi"].startswith("3.")


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_docs_reference_no_other_host(api_client, url):
    html = api_client.get(url).content.decode()

    assert set(HOST.findall(html)) <= {"testserver"}


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_docs_load_their_scripts_from_our_static_files(api_client, url):
    html = api_client.get(url).content.decode()

    assert "/static/drf_spectacular_sidecar/" in html
