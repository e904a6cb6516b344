"""Celery adapters for scoring and webhooks: ids in, a small summary out.

Each task imports the domain inside its body, so that the domain may import
this module to queue work (``predictions.changes``) without an import cycle.
"""

from typing import TYPE_CHECKING

from celery import shared_task
from django.db import OperationalError

from predictions.webhooks import DeliveryRejected, TransientDeliveryError
from tracker.celery import RETRY_OPTIONS

if TYPE_CHECKING:
    from predictions.services import RescoreSummary


def _summary(result: "RescoreSummary") -> dict:
    return {
        "as_of": result.as_of.isoformat(),
        "predictions": result.predictions,
        "status_changes": result.status_changes,
        "seconds": round(result.seconds, 3),
    }


@shared_task(autoretry_for=(OperationalError,), **RETRY_OPTIONS)
def rescore_indicators_task(indicator_ids: list[int]) -> dict:
    from predictions import changes, services

    # Cleared first: a value arriving while this runs schedules a new rescore.
    changes.clear_pending(indicator_ids)
    result = services.rescore_indicators(indicator_ids=indicator_ids)
    return {"indicators": sorted(indicator_ids), **_summary(result)}


@shared_task(autoretry_for=(OperationalError,), **RETRY_OPTIONS)
def rescore_all_task() -> dict:
    """The nightly job: today's Score row of every prediction is its snapshot."""
    from predictions import services

    return _summary(services.rescore_predictions())


@shared_task(autoretry_for=(OperationalError,), **RETRY_OPTIONS)
def refresh_scoreboard_task() -> dict:
    from predictions import changes

    board = changes.rebuild_scoreboard()
    return {"as_of": board["as_of"], "sources": len(board["sources"])}


@shared_task(
    autoretry_for=(TransientDeliveryError, OperationalError),
    **{**RETRY_OPTIONS, "retry_backoff_max": 3600},
)
def deliver_webhook_task(delivery_id: int) -> dict:
    from predictions import webhooks
    from predictions.models import WebhookDelivery

    try:
        delivery = webhooks.deliver(delivery_id)
    except WebhookDelivery.DoesNotExist:
        return {
            "delivery": delivery_id,
            "delivered": False,
            "error": "no such delivery",
        }
    except DeliveryRejected as error:
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
    from predictions import services

    return {"indicators": services.rescore_deferred()}


@shared_task(ignore_result=True, autoretry_for=(OperationalError,), **RETRY_OPTIONS)
def send_missed_deliveries_task() -> int:
    """Queue the webhook deliveries created while the broker was unreachable."""
    from predictions import changes

    return changes.send_missed()
