"""Feeds through a real Celery worker, Redis broker and PostgreSQL database."""

import datetime
import time

import pytest
from django_celery_results.models import TaskResult

from indicators.models import (
    Aggregation,
    Feed,
    FeedFormat,
    FetchRun,
    Observation,
    Origin,
    Outcome,
)
from tests.factories import FeedFactory, IndicatorFactory
from tests.feed_fixtures import SWEBENCH, VERIFIED_BEST
from tests.integration.conftest import wait_for
from tests.shipped_feeds import FIXTURES, install_shipped_feeds

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FETCH_FEED = "indicators.tasks.fetch_feed"


def swebench_feed(server, path: str = SWEBENCH):
    return FeedFactory(
        name="SWE-bench Verified",
        indicator=IndicatorFactory(min_value=0, max_value=100),
        url=server.url(path),
        records_path="leaderboards[name=Verified].results",
        date_field="date",
        value_field="resolved",
        aggregation=Aggregation.RUNNING_MAX,
        source_title="SWE-bench leaderboard",
    )


def stored_values(indicator) -> dict[datetime.date, float]:
    rows = Observation.objects.filter(indicator=indicator)
    return dict(rows.values_list("date", "value"))


def finished_runs(feed, count: int = 1) -> list[FetchRun]:
    runs = FetchRun.objects.filter(feed=feed).exclude(outcome=Outcome.RUNNING)
    runs = list(runs.order_by("started_at"))
    return runs if len(runs) >= count else []


def assert_cut_short_then_completed(feed, task_id: str) -> None:
    """Two runs of one task: one cut short, then one that stored everything once."""
    interrupted, completed = FetchRun.objects.filter(feed=feed).order_by("started_at")
    assert (interrupted.task_id, completed.task_id) == (task_id, task_id)
    assert interrupted.outcome == Outcome.FAILED
    assert interrupted.error.startswith("interrupted")
    assert (completed.outcome, completed.rows_new) == (Outcome.OK, 13), completed.error
    assert stored_values(feed.indicator) == VERIFIED_BEST
    assert Observation.history.count() == len(VERIFIED_BEST)


def task_succeeded(task_id: str) -> bool:
    return TaskResult.objects.filter(task_id=task_id, status="SUCCESS").exists()


def test_the_worker_fetches_every_due_feed(worker, feed_server):
    swebench = swebench_feed(feed_server)
    sec = FeedFactory(
        name="Microsoft capex",
        indicator=IndicatorFactory(unit="$B", min_value=0),
        url=feed_server.url("sec/CIK0000789019.json"),
        records_path="facts.us-gaap.PaymentsToAcquirePropertyPlantAndEquipment.units.USD",
        date_field="end",
        value_field="val",
        filters=[{"field": "form", "op": "eq", "value": "10-K"}],
        unit_factor=1e-9,
        source_title="SEC XBRL company facts: Microsoft",
    )
    epoch = FeedFactory(
        name="Largest training run",
        indicator=IndicatorFactory(unit="FLOP", scale="log", min_value=0),
        url=feed_server.url("epoch/notable_ai_models.csv"),
        format=FeedFormat.CSV,
        date_field="Publication date",
        value_field="Training compute (FLOP)",
        label_field="Model",
        aggregation=Aggregation.RUNNING_MAX,
        source_title="Epoch AI notable models",
    )

    worker.send("indicators.tasks.fetch_due_feeds")

    for feed in (swebench, sec, epoch):
        [run] = wait_for(lambda f=feed: finished_runs(f), timeout=20, what=str(feed))
        assert run.outcome == Outcome.OK, run.error
    assert stored_values(swebench.indicator) == VERIFIED_BEST
    assert stored_values(sec.indicator)[datetime.date(2025, 6, 30)] == 64.551
    assert stored_values(epoch.indicator)[datetime.date(2025, 7, 9)] == 5e26


def test_a_second_run_costs_one_request_and_writes_nothing(worker, feed_server):
    feed = swebench_feed(feed_server)
    worker.send(FETCH_FEED, feed.pk)
    wait_for(lambda: finished_runs(feed), timeout=20, what="the first run")

    worker.send(FETCH_FEED, feed.pk)

    first, second = wait_for(lambda: finished_runs(feed, 2), timeout=20, what="run 2")
    assert (second.outcome, second.rows_new) == (Outcome.UNCHANGED, 0)
    assert feed_server.hits(SWEBENCH) == 2
    assert Observation.history.count() == len(VERIFIED_BEST)


def test_two_runs_at_once_end_in_the_state_of_one(worker, feed_server):
    # Slow enough that both tasks are in flight together on the two processes.
    feed_server.route("/feed.json", file=SWEBENCH, delay=1)
    feed = swebench_feed(feed_server, "feed.json")

    task_ids = [worker.send(FETCH_FEED, feed.pk) for _ in range(2)]

    for task_id in task_ids:
        wait_for(lambda t=task_id: task_succeeded(t), timeout=20, what=task_id)
    assert stored_values(feed.indicator) == VERIFIED_BEST
    assert Observation.history.count() == len(VERIFIED_BEST)
    outcomes = sorted(FetchRun.objects.values_list("outcome", flat=True))
    assert outcomes in (["ok"], ["ok", "unchanged"])


def test_a_transient_error_is_retried_with_backoff(worker, feed_server):
    feed_server.route("/feed.json", status=503, times=2)
    feed_server.route("/feed.json", file=SWEBENCH)
    feed = swebench_feed(feed_server, "feed.json")

    task_id = worker.send(FETCH_FEED, feed.pk)

    wait_for(lambda: task_succeeded(task_id), timeout=20, what="the retries")
    runs = FetchRun.objects.order_by("started_at")
    assert [run.outcome for run in runs] == ["failed", "failed", "ok"]
    assert stored_values(feed.indicator) == VERIFIED_BEST


def test_a_run_killed_with_its_worker_is_redelivered_and_completes(worker, feed_server):
    # The first answer never comes in time: the kill lands mid-fetch.
    feed_server.route("/feed.json", file=SWEBENCH, delay=60, times=1)
    feed_server.route("/feed.json", file=SWEBENCH)
    feed = swebench_feed(feed_server, "feed.json")
    task_id = worker.send(FETCH_FEED, feed.pk)
    wait_for(lambda: feed_server.hits("/feed.json"), timeout=20, what="the fetch")
    delivered_before = time.monotonic()

    worker.kill()
    worker.start_after_visibility_timeout(since=delivered_before)

    wait_for(lambda: task_succeeded(task_id), timeout=30, what="the redelivery")
    assert_cut_short_then_completed(feed, task_id)


def feed_rows() -> list[tuple]:
    # Feed rows only: derived values follow from them in the rescores the runs
    # trigger, at their own pace.
    fields = ["indicator__slug", "date", "value", "low", "high", "superseded_by"]
    rows = Observation.objects.filter(origin=Origin.FEED)
    return sorted(rows.values_list(*fields, "note", "published_on"))


def test_every_shipped_feed_run_twice_by_the_worker_leaves_the_same_rows(
    worker, feed_server
):
    feeds = install_shipped_feeds(feed_server)

    def run_all(round_: int) -> None:
        for feed in feeds.values():
            worker.send(FETCH_FEED, feed.pk)
        for feed in feeds.values():
            runs = wait_for(
                lambda f=feed: finished_runs(f, round_), timeout=60, what=feed.name
            )
            assert runs[-1].outcome in (Outcome.OK, Outcome.UNCHANGED), runs[-1].error

    run_all(1)
    first = feed_rows()
    history = Observation.history.filter(origin=Origin.FEED).count()
    # The second round downloads every file in full, as after a producer's
    # server forgot its ETags: every row is read and upserted again.
    Feed.objects.update(etag="", last_modified="")
    run_all(2)

    assert feed_rows() == first
    assert Observation.history.filter(origin=Origin.FEED).count() == history
    assert {feed.name for feed in feeds.values()} == set(FIXTURES)
    latest = {
        feed.runs.order_by("-started_at").first().outcome for feed in feeds.values()
    }
    assert latest == {Outcome.UNCHANGED}
