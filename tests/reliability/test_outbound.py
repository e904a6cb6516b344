"""Feeds and webhooks reach public addresses only: after DNS resolution, on
every redirect, through a proxy; http and https only; and their errors never
echo what the other side sent."""

import io
import urllib.error
import urllib.request
from email.message import Message

import pytest

from indicators import fetchers
from predictions import webhooks
from predictions.models import Webhook, WebhookDelivery
from tests.factories import StatusChangeFactory
from tests.httpserver import FixtureServer
from tracker import outbound


@pytest.fixture
def guarded(settings) -> None:
    """The production default: the tests' settings allow 127.0.0.1."""
    settings.FEEDS_ALLOW_PRIVATE_HOSTS = False


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("no_proxy", "*")
    with FixtureServer(None) as running:
        running.route("/feed.json", body='[{"date": "2025-01-01", "value": 1}]')
        yield running


def spec(url: str) -> fetchers.FeedSpec:
    return fetchers.FeedSpec(
        url=url, format="json", date_field="date", value_field="value"
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # the cloud metadata address
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1%eth0",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
    ],
)
def test_non_public_addresses_are_not_public(address):
    assert not outbound.is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700::1111"])
def test_public_addresses_are_public(address):
    assert outbound.is_public_address(address)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
def test_a_feed_on_a_private_address_is_refused_by_default(guarded, server, host):
    url = server.url("/feed.json").replace("127.0.0.1", host)

    with pytest.raises(fetchers.FetchError, match="not a public address") as raised:
        fetchers.fetch(spec(url))

    assert not raised.value.transient
    assert server.hits("/feed.json") == 0  # refused before a request was sent


def test_the_setting_allows_private_targets(server, settings):
    settings.FEEDS_ALLOW_PRIVATE_HOSTS = True

    result = fetchers.fetch(spec(server.url("/feed.json")))

    assert result.rows_seen == 1


def test_a_redirect_to_a_private_address_is_refused(guarded, server, monkeypatch):
    """The first hop counts as public; the redirect's new connection does not."""
    server.route("/moved", status=302, headers={"Location": "/feed.json"})
    checked = []

    def first_only(address: str) -> bool:
        checked.append(address)
        return len(checked) == 1

    monkeypatch.setattr(outbound, "is_public_address", first_only)

    with pytest.raises(fetchers.FetchError, match="not a public address"):
        fetchers.fetch(spec(server.url("/moved")))

    assert server.hits("/moved") == 1
    assert server.hits("/feed.json") == 0


# The targets are the private and metadata addresses the guard must refuse;
# the proxy is the test's own server, so even a broken guard reaches nothing else.
@pytest.mark.parametrize(
    "target", ["http://10.1.2.3/feed.json", "http://169.254.169.254/latest/meta-data/"]
)
def test_through_a_proxy_the_target_is_resolved_and_refused(
    guarded, server, monkeypatch, target
):
    monkeypatch.delenv("no_proxy")
    monkeypatch.setenv("http_proxy", server.base_url)

    with pytest.raises(fetchers.FetchError, match="not a public address"):
        fetchers.fetch(spec(target))

    assert server.hits() == 0  # the proxy was never asked


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/x",
        "data:,secret",
        "gopher://example.org/",
    ],
)
def test_the_opener_opens_nothing_but_http(url):
    opener = outbound.build_opener(allow_private=True)

    with pytest.raises((outbound.OutboundRefused, urllib.error.URLError)):
        opener.open(url, timeout=2)


def test_an_http_error_names_the_standard_phrase_not_the_servers():
    error = urllib.error.HTTPError(
        "http://feeds.example.org/",
        500,
        "<b>internal token abc123</b>",
        Message(),
        io.BytesIO(b""),
    )

    message = str(fetchers._http_error(error, "http://feeds.example.org/"))

    assert message == "HTTP 500 from http://feeds.example.org/ (Internal Server Error)"


def test_a_failed_feed_does_not_echo_the_body(server):
    server.route("/secret", status=500, body="db_password=hunter2")

    with pytest.raises(fetchers.FetchError) as raised:
        fetchers.fetch(spec(server.url("/secret")))

    assert "hunter2" not in str(raised.value)


@pytest.mark.django_db
def test_a_webhook_to_a_private_address_is_rejected_and_recorded(guarded, server):
    webhook = Webhook.objects.create(url=server.url("/hook"), secret="s")
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, status_change=StatusChangeFactory()
    )

    with pytest.raises(webhooks.DeliveryRejected, match="not a public address"):
        webhooks.deliver(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.delivered_at) == (1, None)
    assert "not a public address" in delivery.error
    assert server.hits() == 0


def test_every_outbound_module_uses_the_guarded_opener():
    """No module opens URLs with urllib directly, around the guard."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for folder in ("indicators", "predictions", "tracker"):
        for path in (root / folder).rglob("*.py"):
            if path.name == "outbound.py":
                continue
            text = path.read_text()
            assert "urlopen(" not in text, path
            assert "urllib.request.build_opener" not in text, path
            assert "http.client.HTTP" not in text or path.name == "fetchers.py", path
            assert "import requests" not in text and "httpx" not in text, path
