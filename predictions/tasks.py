"""Celery adapters for scoring and webhooks: ids in, a small summary out."""

from celery import shared_task
from django.db import OperationalError

from predictions import outbox, receivers, scoreboard, services, webhooks
from predictions.models import WebhookDelivery

# Each jittered wait is anywhere up to 1, 2, 4, ... s: five retries would all be
# spent within ten seconds one time in six, before a restarting PostgreSQL is
# back; eight last about two minutes (under 30 s three times in a thousand).
RETRY_OPTIONS = {
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


def _summary(result: services.RescoreSummary) -> dict:
    return {
        "as_of": result.as_of.isoformat(),
        "predictions": result.predictions,
        "status_changes": result.status_changes,
        "seconds": round(result.seconds, 3),
    }


@shared_task(autoretry_for=(OperationalError,), **RETRY_OPTIONS)
def rescore_indicators_task(indicator_ids: list[int]) -> dict:
    # Cleared first: a value arriving while this runs schedules a new rescore.
    receivers.clear_pending(indicator_ids)
    result = services.rescore_indicators(indicator_ids=indicator_ids)
    return {"indicators": sorted(indicator_ids), **_summary(result)}


@shared_task(autoretry_for=(OperationalError,), **RETRY_OPTIONS)
def rescore_all_task() -> dict:
    """The nightly job: today's Score row of every prediction is its snapshot."""
    return _summary(services.rescore_predictions())


@shared_task(autoretry_for=(OperationalError,), **RETRY_OPTIONS)
def refresh_scoreboard_task() -> dict:
    board = scoreboard.refresh_scoreboard()
    return {"as_of": board["as_of"], "sources": len(board["sources"])}


@shared_task(
    autoretry_for=(webhooks.TransientDeliveryError, OperationalError),
    **{**RETRY_OPTIONS, "retry_backoff_max": 3600, "max_retries": 8},
)
def deliver_webhook_task(delivery_id: int) -> dict:
    try:
        delivery = webhooks.deliver(delivery_id)
    except WebhookDelivery.DoesNotExist:
        return {
            "delivery": delivery_id,
            "delivered": False,
            "error": "no such delivery",
        }
    except webhooks.DeliveryRejected as error:
        return {"delivery": delivery_id, "delivered": False, "error": str(error)}
    return {
        "delivery": delivery_id,
        "delivered": delivery.delivered_at is not None,
        "attempts": delivery.attempts,
    }


# Every minute, mostly on an empty table: no result row is kept for it.
@shared_task(ignore_result=True, autoretry_for=(OperationalError,), **RETRY_OPTIONS)
def rescore_deferred_task() -> dict:
    """Run the rescores deferred while the broker was unreachable."""
    return {"indicators": outbox.rescore_deferred()}


@shared_task(ignore_result=True, autoretry_for=(OperationalError,), **RETRY_OPTIONS)
def send_missed_deliveries_task() -> int:
    """Queue the webhook deliveries created while the broker was unreachable."""
    return webhooks.send_missed()
