"""Status changes reach subscribers as signed JSON, with retries on failure."""

import datetime
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from predictions import changes, services, tasks, webhooks
from predictions.models import Webhook, WebhookDelivery
from tests.factories import PredictionFactory, StatusChangeFactory
from tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db

SECRET = "a-shared-secret"


class Receiver(ThreadingHTTPServer):
    """Answers every POST with ``status`` and keeps what it was sent."""

    def __init__(self, status: int) -> None:
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.status = status
        self.received: list[tuple[dict, bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/hook"


class ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def serve(status: int) -> Iterator[Receiver]:
    server = Receiver(status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve(200)


@pytest.fixture
def failing_receiver() -> Iterator[Receiver]:
    yield from serve(500)


@pytest.fixture
def refusing_receiver() -> Iterator[Receiver]:
    yield from serve(410)


def delivery_to(server: Receiver) -> WebhookDelivery:
    webhook = Webhook.objects.create(url=server.url, secret=SECRET)
    change = StatusChangeFactory(from_status="ahead", to_status="resolved_true")
    return WebhookDelivery.objects.create(webhook=webhook, status_change=change)


@override_settings(SITE_URL="https://tracker.example.org")
def test_a_status_change_is_posted_signed(receiver, django_capture_on_commit_callbacks):
    Webhook.objects.create(url=receiver.url, secret=SECRET)
    prediction = PredictionFactory(slug="compute-10gw")
    with django_capture_on_commit_callbacks(execute=True):
        services.rescore_predictions(today=datetime.date(2025, 6, 1))
    ((headers, body),) = receiver.received
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Tracker-Signature"] == f"sha256={expected}"
    assert headers["X-Tracker-Event"] == "status_change"
    assert json.loads(body) | {"occurred_at": None} == {
        "event": "status_change",
        "prediction": "compute-10gw",
        "source": prediction.source.slug,
        "from_status": "",
        "to_status": "unresolvable",
        "occurred_at": None,
        "url": "https://tracker.example.org/predictions/compute-10gw/",
    }


def test_a_delivery_records_its_success(receiver):
    delivery = delivery_to(receiver)
    tasks.deliver_webhook_task(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status) == (1, 200)
    assert delivery.delivered_at is not None


def test_a_failing_receiver_is_retried_up_to_the_cap(failing_receiver, monkeypatch):
    # Eager retries run at once, one after the other, when failures don't raise.
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    delivery = delivery_to(failing_receiver)
    result = tasks.deliver_webhook_task.apply(args=[delivery.pk])
    assert result.failed()
    delivery.refresh_from_db()
    cap = tasks.deliver_webhook_task.max_retries
    assert (delivery.attempts, delivery.response_status) == (cap + 1, 500)
    assert delivery.error == "HTTP 500 Internal Server Error"
    assert delivery.delivered_at is None


def test_a_refusing_receiver_is_not_retried(refusing_receiver):
    delivery = delivery_to(refusing_receiver)
    result = tasks.deliver_webhook_task.apply(args=[delivery.pk]).get()
    delivery.refresh_from_db()
    assert (delivery.attempts, result["delivered"]) == (1, False)


def test_an_unreachable_receiver_is_a_transient_failure():
    webhook = Webhook.objects.create(url="http://127.0.0.1:1/hook", secret=SECRET)
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, status_change=StatusChangeFactory()
    )
    with pytest.raises(webhooks.TransientDeliveryError):
        webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status) == (1, None)
    assert delivery.error.startswith("no answer")


def test_announcing_a_change_twice_keeps_one_delivery_per_webhook(
    receiver, monkeypatch
):
    Webhook.objects.create(url=receiver.url, secret=SECRET)
    Webhook.objects.create(url=receiver.url, secret=SECRET, is_active=False)
    change = StatusChangeFactory()
    changes.schedule_deliveries([change.pk])
    changes.schedule_deliveries([change.pk])
    assert WebhookDelivery.objects.filter(status_change=change).count() == 1
    assert len(receiver.received) == 1


def test_a_delivered_event_is_not_sent_again(receiver):
    delivery = delivery_to(receiver)
    webhooks.deliver(delivery.pk)
    webhooks.deliver(delivery.pk)
    assert len(receiver.received) == 1
