"""After a write a reader can see: the one place that makes the pages catch up.

Every write that changes a page or an API answer ends here once it commits:

- **Observations** added, changed or deleted (the admin, the API, a CSV import,
  a feed run, the seed loader). The ``indicators`` app announces them with its
  ``observations_changed`` signal and never imports this app;
  ``on_observations_changed`` schedules one rescore of their indicators, and
  every kept page goes stale (the prediction and question pages chart them).
- **A source, indicator, prediction or question** saved or deleted, or a
  question's predictions changed (``on_catalogue_edited``): the cached
  scoreboard names them, so it is dropped, and every kept page goes stale.
- **Scores written** by a rescore, including one that an override set or
  cleared (``on_scores_written``): every kept page goes stale, the scoreboard is
  rebuilt and each status change is sent to the webhooks.

Rescores are debounced: a burst of values (a feed run, an import) gives each
indicator one pending rescore a few seconds later. The pending marks live in
the cache; when Redis is down every announcement enqueues its own rescore
(wasteful but never lost).

The broker may be down when a committed write is announced, and that must not
turn the write into an error. A rescore that cannot be queued is kept in the
outbox table (``DeferredRescore``, one row per indicator) and run by the
minutely ``rescore_deferred_task`` once the broker is back (``tracker.beat``
keeps that entry due while sending fails). A scoreboard rebuild that cannot be
queued runs in place. A webhook delivery that cannot be queued waits for
``send_missed``, every five minutes.

The page version (``tracker.memo``) is moved here and nowhere else.
"""

import datetime
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from indicators.models import Indicator
from indicators.signals import observations_changed
from predictions import scoreboard, tasks
from predictions.models import (
    DeferredRescore,
    Prediction,
    Question,
    Source,
    Webhook,
    WebhookDelivery,
)
from tracker import broker, memo

PENDING_KEY = "rescore-pending:{}"
DEBOUNCE_SECONDS = 5
# A mark outlives its task by far, yet never blocks rescoring for long if the
# task was lost.
PENDING_SECONDS = 300
# A delivery still unattempted after this long was never queued.
MISSED_AFTER = datetime.timedelta(minutes=5)


def connect() -> None:
    """Connect the receivers (``PredictionsConfig.ready``)."""
    observations_changed.connect(
        on_observations_changed, dispatch_uid="changes-observations"
    )
    # Names and claims the scoreboard and the kept pages show besides scores.
    for model in (Source, Indicator, Prediction, Question):
        for signal in (post_save, post_delete):
            signal.connect(
                on_catalogue_edited,
                sender=model,
                dispatch_uid=f"changes-{signal is post_save}-{model.__name__}",
            )
    m2m_changed.connect(
        on_catalogue_edited,
        sender=Question.predictions.through,
        dispatch_uid="changes-question-predictions",
    )


# Observations


def on_observations_changed(sender, *, indicator_ids: list[int], **kwargs) -> None:
    memo.bump_version()
    fresh = [pk for pk in indicator_ids if _mark_pending(pk)]
    if fresh:
        _enqueue_rescore(fresh)


def _enqueue_rescore(indicator_ids: list[int]) -> None:
    def defer() -> None:
        defer_rescore(indicator_ids)
        # No task is waiting, so the next change must not wait on these marks.
        clear_pending(indicator_ids)

    broker.send_or(
        lambda: tasks.rescore_indicators_task.apply_async(
            args=[indicator_ids], countdown=DEBOUNCE_SECONDS
        ),
        defer,
        f"rescore of indicators {indicator_ids} deferred",
    )


def defer_rescore(indicator_ids: Iterable[int]) -> None:
    """Keep these indicators in the outbox until a drain rescores them.

    Deferring bumps ``deferred_at`` on a row that is already there; that
    upsert waits for a running drain holding the row, and then inserts it
    again, so a value announced while a drain is rescoring is rescored by the
    next drain (``services.rescore_deferred``).
    """
    now = timezone.now()
    DeferredRescore.objects.bulk_create(
        [DeferredRescore(indicator_id=pk, deferred_at=now) for pk in indicator_ids],
        update_conflicts=True,
        unique_fields=["indicator"],
        update_fields=["deferred_at"],
    )


def _mark_pending(indicator_id: int) -> bool:
    """True unless a rescore of this indicator is already waiting."""
    key = PENDING_KEY.format(indicator_id)
    if cache.add(key, 1, PENDING_SECONDS):
        return True
    # add() also answers False when Redis is down; then nothing is pending.
    return cache.get(key) is None


def clear_pending(indicator_ids: Iterable[int]) -> None:
    cache.delete_many([PENDING_KEY.format(pk) for pk in indicator_ids])


# The record's names


def on_catalogue_edited(sender, **kwargs) -> None:
    """A source, indicator, prediction or question was saved or deleted (or a
    question's predictions changed): the cached scoreboard names it, so it is
    dropped (and rebuilt on the next read), now and after the commit, and
    every kept page goes stale."""
    scoreboard.forget_scoreboard()
    transaction.on_commit(scoreboard.forget_scoreboard)
    memo.bump_version()


# Scores


def on_scores_written(status_change_ids: list[int], *, is_backfill: bool) -> None:
    """Inside the transaction that wrote scores: the kept pages go stale, and
    once it commits the scoreboard is rebuilt (a backfill rebuilds it once, at
    its end) and the status changes go to the webhooks."""
    memo.bump_version()
    if not is_backfill:
        transaction.on_commit(refresh_scoreboard_soon)
    if status_change_ids:
        transaction.on_commit(lambda: schedule_deliveries(status_change_ids))


def refresh_scoreboard_soon() -> None:
    """Queue the scoreboard's rebuild off the rescore's clock; rebuild it here
    if the broker is down, as the change is committed and must not turn into
    an error."""
    broker.send_or(
        tasks.refresh_scoreboard_task.delay,
        rebuild_scoreboard,
        "scoreboard rebuilt in place",
    )


def rebuild_scoreboard() -> dict:
    board = scoreboard.refresh_scoreboard()
    memo.bump_version()  # pages rendered from the old one are stale
    return board


# Webhooks


def schedule_deliveries(status_change_ids: Iterable[int]) -> int:
    """One delivery per active webhook and change, each sent by its own task.

    Safe to call twice for the same changes: existing deliveries are kept.
    Returns how many deliveries were enqueued.
    """
    ids = list(status_change_ids)
    webhook_ids = list(
        Webhook.objects.filter(is_active=True).values_list("pk", flat=True)
    )
    if not ids or not webhook_ids:
        return 0
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(webhook_id=webhook_id, status_change_id=change_id)
            for change_id in ids
            for webhook_id in webhook_ids
        ],
        ignore_conflicts=True,
    )
    pending = list(
        WebhookDelivery.objects.filter(
            status_change_id__in=ids,
            webhook_id__in=webhook_ids,
            delivered_at__isnull=True,
            attempts=0,
        ).values_list("pk", flat=True)
    )
    return _enqueue_deliveries(pending)


def send_missed(*, older_than: datetime.timedelta = MISSED_AFTER) -> int:
    """Queue again the deliveries never attempted for `older_than`.

    They were created while the broker was unreachable (or their task was
    lost). ``webhooks.deliver`` never sends a delivery twice once one attempt
    got through, so queueing one still waiting in a backlog costs one extra
    task, not an extra event.
    """
    missed = WebhookDelivery.objects.filter(
        delivered_at__isnull=True,
        attempts=0,
        created_at__lt=timezone.now() - older_than,
    ).values_list("pk", flat=True)
    return _enqueue_deliveries(list(missed))


def _enqueue_deliveries(delivery_ids: list[int]) -> int:
    """One task per delivery; how many were queued before the broker failed.

    A broker that cannot be reached leaves the rest for ``send_missed``.
    """
    for queued, delivery_id in enumerate(delivery_ids):
        sent = broker.send_or(
            lambda pk=delivery_id: tasks.deliver_webhook_task.delay(pk),
            lambda: None,
            "deliveries wait for send_missed",
        )
        if not sent:
            return queued
    return len(delivery_ids)
