"""Celery adapters for feeds: ids in, a small summary out."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from indicators import ingest
from indicators.fetchers import FetchError
from indicators.models import Feed

logger = logging.getLogger(__name__)


@shared_task
def fetch_due_feeds() -> int:
    """Enqueue one fetch per due feed; returns how many were enqueued."""
    feed_ids = list(Feed.objects.due(timezone.now()).values_list("pk", flat=True))
    for feed_id in feed_ids:
        fetch_feed.delay(feed_id)
    return len(feed_ids)


# run_feed re-raises only transient fetch errors; a permanent one fails the run.
# Each jittered wait is anywhere up to 1, 2, 4, ... s: five retries would all be
# spent within ten seconds one time in six, before a restarting PostgreSQL is
# back; eight last about two minutes (under 30 s three times in a thousand).
@shared_task(
    bind=True,
    autoretry_for=(FetchError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def fetch_feed(self, feed_id: int) -> dict:
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return {"feed": feed_id, "outcome": "no such feed"}
    try:
        run = ingest.run_feed(feed, task_id=self.request.id or "")
    except FetchError as error:
        if self.request.retries < self.max_retries:
            raise  # retried with backoff by autoretry_for
        # Out of retries (offline, a producer down for long): the run log has
        # every attempt; the worker's log says so once, in words.
        logger.warning(
            "Feed %r failed after %d attempts: %s",
            feed.name,
            self.request.retries + 1,
            error,
        )
        return {"feed": feed_id, "outcome": "failed", "error": str(error)}
    if run is None:
        return {"feed": feed_id, "outcome": "skipped: another run holds the feed"}
    return {
        "feed": feed_id,
        "run": run.pk,
        "outcome": run.outcome,
        "rows_seen": run.rows_seen,
        "rows_new": run.rows_new,
        "rows_changed": run.rows_changed,
    }
