"""Status changes, delivered to subscribers as signed JSON.

Each (webhook, status change) pair gets one ``WebhookDelivery`` row, whatever
the number of attempts or of times the change is announced; the row records
every attempt. The body is signed with the webhook's secret:
``X-Tracker-Signature: sha256=<hex HMAC-SHA256 of the raw body>``.

This module sends one delivery; ``predictions.changes`` creates and queues them.
"""

import hashlib
import hmac
import http
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.utils import timezone

from predictions.models import StatusChange, Webhook, WebhookDelivery
from tracker import outbound

TIMEOUT_SECONDS = 10
EVENT = "status_change"
ERROR_LIMIT = 2000  # characters of an error kept on the delivery row


class TransientDeliveryError(Exception):
    """The receiver may take it later: a 5xx answer or no connection."""


class DeliveryRejected(Exception):
    """The receiver refused the event (a 4xx answer): trying again won't help."""


def build_payload(change: StatusChange) -> dict:
    slug = change.prediction.slug
    return {
        "event": EVENT,
        "prediction": slug,
        "source": change.prediction.source.slug,
        "from_status": change.from_status,
        "to_status": change.to_status,
        "occurred_at": change.occurred_at.isoformat(),
        "url": f"{settings.SITE_URL.rstrip('/')}/predictions/{slug}/",
    }


def sign(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def deliver(delivery_id: int) -> WebhookDelivery:
    """POST the event once and record the attempt.

    Raises TransientDeliveryError (retry later) or DeliveryRejected (give up);
    a delivery already made is not sent again.
    """
    delivery = WebhookDelivery.objects.select_related(
        "webhook", "status_change__prediction__source"
    ).get(pk=delivery_id)
    if delivery.delivered_at is not None:
        return delivery
    body = json.dumps(build_payload(delivery.status_change)).encode()
    try:
        status, error = _post(delivery.webhook, body)
    except outbound.OutboundRefused as refused:
        _log_attempt(delivery, status=None, error=str(refused))
        raise DeliveryRejected(f"delivery {delivery.pk}: {refused}") from None
    _log_attempt(delivery, status=status, error=error)
    if delivery.delivered_at is None:
        is_rejected = status is not None and 400 <= status < 500
        failure = DeliveryRejected if is_rejected else TransientDeliveryError
        raise failure(f"delivery {delivery.pk} to {delivery.webhook.url}: {error}")
    return delivery


def _post(webhook: Webhook, body: bytes) -> tuple[int | None, str]:
    """(HTTP status or None, error text or "")."""
    if not webhook.url.startswith(("http://", "https://")):
        return None, f"refusing a non-HTTP URL: {webhook.url}"
    request = urllib.request.Request(
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "forecast-tracker-webhooks",
            "X-Tracker-Event": EVENT,
            "X-Tracker-Signature": sign(body, webhook.secret),
        },
    )
    try:
        # Public addresses only, on every redirect too (tracker.outbound).
        opener = outbound.build_opener()
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        # The standard phrase, not the receiver's text.
        return error.code, f"HTTP {error.code} {_phrase(error.code)}"
    except (urllib.error.URLError, OSError) as error:
        return None, f"no answer: {getattr(error, 'reason', error)}"


def _phrase(code: int) -> str:
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return "(non-standard status)"


def _log_attempt(delivery: WebhookDelivery, *, status: int | None, error: str) -> None:
    delivery.attempts += 1
    delivery.response_status = status
    delivery.error = error[:ERROR_LIMIT]
    if status is not None and 200 <= status < 300:
        delivery.delivered_at = timezone.now()
    delivery.save(
        update_fields=["attempts", "response_status", "error", "delivered_at"]
    )
