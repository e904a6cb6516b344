"""Rescores that could not be queued, kept in PostgreSQL until the broker is back.

A new observation is saved before its rescore is queued (``receivers``), so
a broker outage must neither fail the write nor lose the rescore. When the
publish fails, the indicator is written to ``DeferredRescore`` instead: one
row per indicator, however many values arrive during the outage. The
periodic task ``rescore_deferred_task`` (every minute, see the migration
that schedules it) rescores what the table holds and deletes those rows in
the same transaction, so a rescore that fails leaves its rows for the next
run. Beat sends that task once the broker answers again (``tracker.beat``
keeps a due entry due while sending fails), so every deferred rescore runs
within about a minute of the broker's return.

Deferring bumps ``deferred_at`` on a row that is already there; that upsert
waits for a running drain holding the row, and then inserts it again, so a
value announced while a drain is rescoring is rescored by the next drain.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from predictions import services
from predictions.models import DeferredRescore


def defer_rescore(indicator_ids: Iterable[int]) -> None:
    """Keep these indicators until a drain rescores them."""
    now = timezone.now()
    DeferredRescore.objects.bulk_create(
        [DeferredRescore(indicator_id=pk, deferred_at=now) for pk in indicator_ids],
        update_conflicts=True,
        unique_fields=["indicator"],
        update_fields=["deferred_at"],
    )


def rescore_deferred(*, indicator_ids: Iterable[int] | None = None) -> list[int]:
    """Rescore every deferred indicator (or those of ``indicator_ids``) and
    forget it; returns their ids."""
    with transaction.atomic():
        # skip_locked: a drain still running keeps its rows; this one takes the rest.
        rows = DeferredRescore.objects.select_for_update(skip_locked=True)
        if indicator_ids is not None:
            rows = rows.filter(pk__in=list(indicator_ids))
        ids = list(rows.order_by("pk").values_list("pk", flat=True))
        if ids:
            services.rescore_indicators(indicator_ids=ids)
            DeferredRescore.objects.filter(pk__in=ids).delete()
    return ids
