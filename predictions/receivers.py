"""Rescore an indicator's predictions when its observations change.

A feed run or a CSV import announces many values in a burst; each indicator
gets one pending rescore, a few seconds later, however many values arrive
meanwhile. The pending marks live in the cache: when Redis is down every
announcement enqueues its own rescore (wasteful but never lost).

The values are already committed when they are announced, so a broker that
cannot be reached must not fail the request that saved them: the rescore is
then kept in the database (``predictions.outbox``) and run once the broker is
back (``tracker.broker``).
"""

from collections.abc import Iterable

from django.core.cache import cache

from predictions import outbox
from tracker import broker

PENDING_KEY = "rescore-pending:{}"
DEBOUNCE_SECONDS = 5
# A mark outlives its task by far, yet never blocks rescoring for long if the
# task was lost.
PENDING_SECONDS = 300


def on_observations_changed(sender, *, indicator_ids: list[int], **kwargs) -> None:
    fresh = [pk for pk in indicator_ids if _mark_pending(pk)]
    if fresh:
        _enqueue_rescore(fresh)


def _enqueue_rescore(indicator_ids: list[int]) -> None:
    from predictions import tasks

    def defer() -> None:
        outbox.defer_rescore(indicator_ids)
        # No task is waiting, so the next change must not wait on these marks.
        clear_pending(indicator_ids)

    broker.send_or(
        lambda: tasks.rescore_indicators_task.apply_async(
            args=[indicator_ids], countdown=DEBOUNCE_SECONDS
        ),
        defer,
        f"rescore of indicators {indicator_ids} deferred",
    )


def _mark_pending(indicator_id: int) -> bool:
    """True unless a rescore of this indicator is already waiting."""
    key = PENDING_KEY.format(indicator_id)
    if cache.add(key, 1, PENDING_SECONDS):
        return True
    # add() also answers False when Redis is down; then nothing is pending.
    return cache.get(key) is None


def clear_pending(indicator_ids: Iterable[int]) -> None:
    # One delete per key: the forgiving cache shrugs off a Redis outage on
    # delete(), not on delete_many().
    for pk in indicator_ids:
        cache.delete(PENDING_KEY.format(pk))
