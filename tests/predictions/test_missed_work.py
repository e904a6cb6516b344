"""Work the broker refuses after a commit is done in place or caught up later."""

import datetime

import pytest
from django.core.cache import cache
from kombu.exceptions import OperationalError

from predictions import changes, scoreboard, services, tasks
from predictions.models import Webhook, WebhookDelivery
from tests.factories import PredictionFactory, StatusChangeFactory
from tests.predictions.test_webhooks import receiver  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def refuse(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")


def test_an_override_while_the_broker_is_down_rebuilds_the_scoreboard_in_place(
    monkeypatch, django_capture_on_commit_callbacks
):
    prediction = PredictionFactory()
    monkeypatch.setattr(tasks.refresh_scoreboard_task, "delay", refuse)
    cache.delete(scoreboard.CACHE_KEY)

    with django_capture_on_commit_callbacks(execute=True):
        services.override_resolution(
            prediction=prediction, outcome=True, reason="Announced."
        )

    board = cache.get(scoreboard.CACHE_KEY)
    assert board["sources"][0]["counts"]["resolved_true"] == 1


def test_deliveries_the_broker_refused_wait_and_are_sent_later(
    monkeypatch,
    receiver,  # noqa: F811
):
    Webhook.objects.create(url=receiver.url, secret="a-secret")
    change = StatusChangeFactory(from_status="ahead", to_status="resolved_true")
    with monkeypatch.context() as patch:
        patch.setattr(tasks.deliver_webhook_task, "delay", refuse)
        assert changes.schedule_deliveries([change.pk]) == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.delivered_at) == (0, None)

    assert changes.send_missed() == 0  # not missed yet: it may be queued
    assert changes.send_missed(older_than=datetime.timedelta(0)) == 1

    delivery.refresh_from_db()
    assert delivery.delivered_at is not None
    assert len(receiver.received) == 1
    assert changes.send_missed(older_than=datetime.timedelta(0)) == 0
