"""One attempt of a feed, recorded as a ``FetchRun`` either way.

``run_feed`` claims the feed, fetches it (``fetchers``) and writes its records
in one transaction through the bulk path (``upsert``): a failed run writes
nothing, and a run repeated is a run with nothing new.
"""

import dataclasses
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from indicators import fetchers, payloads
from indicators.models import Feed, FetchRun, Origin, Outcome, Tier
from indicators.upsert import ObservationRow, bulk_upsert_observations


def run_feed(feed: Feed, *, task_id: str = "") -> FetchRun | None:
    """Fetch a feed once and store what changed; None if another run holds it.

    A transient FetchError is re-raised after the failed run is recorded, so
    that the calling task retries; any other failure only fails the run.
    """
    started = timezone.now()
    claimed_until = claim_feed(feed, now=started, task_id=task_id)
    if claimed_until is None:
        return None
    run = None
    try:
        feed.refresh_from_db()
        _close_interrupted_runs(feed)
        run = FetchRun.objects.create(feed=feed, started_at=started, task_id=task_id)
        _fetch_and_store(feed, run)
    except fetchers.FetchError as error:
        _fail_run(run, str(error))
        if error.transient:
            raise
    except ValidationError as error:
        _fail_run(run, " ".join(error.messages))
    except Exception as error:
        _fail_run(run, f"unexpected error: {type(error).__name__}: {error}")
        raise
    finally:
        _release_feed(feed, started=started, claimed_until=claimed_until)
    return run


def claim_feed(
    feed: Feed, *, now: datetime.datetime, task_id: str = ""
) -> datetime.datetime | None:
    """Take the feed's claim with a conditional UPDATE; its expiry, or None.

    The claim is free, expired, or held by a run of this very task: a task
    redelivered after its worker died takes over at once instead of waiting
    for the claim to expire (the dead run stays "running" until then).
    """
    claimable = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    if task_id:
        interrupted = FetchRun.objects.filter(
            feed=feed, task_id=task_id, outcome=Outcome.RUNNING
        )
        claimable |= Q(pk__in=interrupted.values("feed_id"))
    claimed_until = now + datetime.timedelta(seconds=settings.FEED_CLAIM_SECONDS)
    updated = (
        Feed.objects.filter(pk=feed.pk)
        .filter(claimable)
        .update(claimed_until=claimed_until)
    )
    return claimed_until if updated == 1 else None


def _close_interrupted_runs(feed: Feed) -> None:
    # We hold the claim, so a run still marked running was cut short: its
    # worker died, or lost the database before it could record the end.
    FetchRun.objects.filter(feed=feed, outcome=Outcome.RUNNING).update(
        outcome=Outcome.FAILED,
        finished_at=timezone.now(),
        error="interrupted: the run stopped before it finished (its worker "
        "died or lost the database); a later run took over",
    )


def feed_spec(feed: Feed) -> fetchers.FeedSpec:
    """The fetcher's view of a feed: its fields of the same names."""
    names = [field.name for field in dataclasses.fields(fetchers.FeedSpec)]
    fields = {name: getattr(feed, name) for name in names}
    fields["filters"] = payloads.read_filters(feed.filters)
    return fetchers.FeedSpec(**fields)


def _fetch_and_store(feed: Feed, run: FetchRun) -> None:
    result = fetchers.fetch(
        feed_spec(feed),
        etag=feed.etag,
        last_modified=feed.last_modified,
        timeout=settings.FEED_TIMEOUT_SECONDS,
        max_bytes=feed.max_bytes or settings.FEED_MAX_BYTES,
        user_agent=settings.FEED_USER_AGENT,
    )
    fetched_on = timezone.now().date()
    rows = [
        ObservationRow(
            indicator_id=feed.indicator_id,
            date=record.date,
            value=record.value,
            low=record.low,
            high=record.high,
            is_estimate=False,
            tier=Tier.PRIMARY,
            source_url=feed.url,
            source_title=feed.source_title,
            note=record.note,
            # Without the producer's own publication date, the value was public
            # by the day it was fetched (never later, so no hindsight); never
            # before the date it measures.
            published_on=max(record.published_on or fetched_on, record.date),
        )
        for record in result.records
    ]
    # The validators are stored with the rows: a stored ETag always means the
    # rows it stands for are stored too.
    with transaction.atomic():
        counts = bulk_upsert_observations(
            rows,
            origin=Origin.FEED,
            fetch_run=run,
            keep_publication_dates=True,
            supersede_revisions=feed.revises_values,
        )
        is_unchanged = counts.new == counts.changed == 0
        run.outcome = Outcome.UNCHANGED if is_unchanged else Outcome.OK
        run.rows_seen = result.rows_seen
        run.rows_missing = result.rows_missing
        run.rows_new, run.rows_changed = counts.new, counts.changed
        run.finished_at = timezone.now()
        run.save()
        Feed.objects.filter(pk=feed.pk).update(
            etag=result.etag, last_modified=result.last_modified
        )


def _fail_run(run: FetchRun | None, reason: str) -> None:
    if run is None:
        return
    run.outcome = Outcome.FAILED
    limit = FetchRun._meta.get_field("error").max_length
    run.error = reason if len(reason) <= limit else reason[: limit - 1] + "…"
    run.finished_at = timezone.now()
    run.save(update_fields=["outcome", "error", "finished_at"])


def _release_feed(
    feed: Feed, *, started: datetime.datetime, claimed_until: datetime.datetime
) -> None:
    # Only our own claim: if it expired and another worker took over, that
    # worker's claim stays.
    Feed.objects.filter(pk=feed.pk, claimed_until=claimed_until).update(
        claimed_until=None,
        last_run_at=started,
        next_run_at=started + datetime.timedelta(minutes=feed.interval_minutes),
    )
    feed.refresh_from_db()
