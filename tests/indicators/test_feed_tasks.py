"""The feed tasks (run eagerly), the default schedules and "fetch now"."""

import datetime

import pytest
from celery.exceptions import Retry
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from indicators import tasks
from indicators.models import Aggregation, FetchRun, Observation, Outcome
from tests.factories import FeedFactory, IndicatorFactory
from tracker import schedules

pytestmark = pytest.mark.django_db

SWEBENCH = "swebench/leaderboards.json"


def swebench_feed(server, path: str = SWEBENCH, **fields):
    defaults = {
        "indicator": IndicatorFactory(min_value=0, max_value=100),
        "url": server.url(path),
        "records_path": "leaderboards[name=Verified].results",
        "date_field": "date",
        "value_field": "resolved",
        "aggregation": Aggregation.RUNNING_MAX,
        "source_title": "SWE-bench leaderboard",
    }
    return FeedFactory(**{**defaults, **fields})


def test_fetch_due_feeds_fetches_only_the_due_feeds(feed_server):
    now = timezone.now()
    due = swebench_feed(feed_server, next_run_at=now - datetime.timedelta(minutes=1))
    swebench_feed(feed_server, next_run_at=now + datetime.timedelta(hours=1))
    swebench_feed(feed_server, is_active=False)

    assert tasks.fetch_due_feeds.delay().get() == 1

    assert list(FetchRun.objects.values_list("feed", flat=True)) == [due.pk]


def test_fetch_feed_returns_a_summary_of_the_run(feed_server):
    feed = swebench_feed(feed_server)

    summary = tasks.fetch_feed.delay(feed.pk).get()

    run = FetchRun.objects.get()
    assert summary == {
        "feed": feed.pk,
        "run": run.pk,
        "outcome": "ok",
        "rows_seen": 21,
        "rows_new": 13,
        "rows_changed": 0,
    }


def test_running_fetch_feed_twice_adds_nothing_the_second_time(feed_server):
    feed = swebench_feed(feed_server)
    tasks.fetch_feed.delay(feed.pk)

    summary = tasks.fetch_feed.delay(feed.pk).get()

    assert summary["outcome"] == Outcome.UNCHANGED
    assert Observation.objects.count() == 13


def test_a_transient_error_records_a_failed_run_and_asks_for_a_retry(feed_server):
    feed_server.route("/feed.json", status=503)
    feed = swebench_feed(feed_server, "feed.json")

    with pytest.raises(Retry):
        tasks.fetch_feed.delay(feed.pk)

    run = FetchRun.objects.get()
    assert (run.outcome, run.error.startswith("HTTP 503")) == (Outcome.FAILED, True)


def test_a_permanent_error_is_not_retried(feed_server):
    feed_server.route("/feed.json", file="swebench/leaderboards_malformed.json")
    feed = swebench_feed(feed_server, "feed.json")

    summary = tasks.fetch_feed.delay(feed.pk).get()

    assert summary["outcome"] == Outcome.FAILED
    assert feed_server.hits("/feed.json") == 1


def test_a_claimed_feed_is_skipped(feed_server):
    feed = swebench_feed(
        feed_server, claimed_until=timezone.now() + datetime.timedelta(minutes=5)
    )

    summary = tasks.fetch_feed.delay(feed.pk).get()

    assert summary["outcome"].startswith("skipped")
    assert feed_server.hits() == 0


def test_a_deleted_feed_is_reported_not_raised():
    assert tasks.fetch_feed.delay(0).get() == {"feed": 0, "outcome": "no such feed"}


# --- default schedules -----------------------------------------------------------


def test_the_default_schedules_are_created_once():
    PeriodicTask.objects.filter(
        name__in=[schedules.FETCH_DUE_FEEDS, schedules.RESCORE_NIGHTLY]
    ).delete()

    schedules.install(apps)
    schedules.install(apps)

    fetch = PeriodicTask.objects.get(name=schedules.FETCH_DUE_FEEDS)
    rescore = PeriodicTask.objects.get(name=schedules.RESCORE_NIGHTLY)
    assert fetch.task == "indicators.tasks.fetch_due_feeds"
    assert (fetch.interval.every, fetch.interval.period) == (15, "minutes")
    assert rescore.task == "predictions.tasks.rescore_all_task"
    crontab = rescore.crontab
    assert (crontab.minute, crontab.hour, str(crontab.timezone)) == ("0", "3", "UTC")


def test_an_edited_schedule_survives_a_rerun():
    schedules.install(apps)
    PeriodicTask.objects.filter(name=schedules.FETCH_DUE_FEEDS).update(enabled=False)

    schedules.install(apps)

    assert not PeriodicTask.objects.get(name=schedules.FETCH_DUE_FEEDS).enabled


def test_removing_the_default_schedules_deletes_them():
    schedules.install(apps)

    schedules.uninstall(apps)

    names = [schedules.FETCH_DUE_FEEDS, schedules.RESCORE_NIGHTLY]
    assert not PeriodicTask.objects.filter(name__in=names).exists()


# --- "fetch now" in the admin ---------------------------------------------------------


def fetch_now(client, *feeds):
    return client.post(
        reverse("admin:indicators_feed_changelist"),
        {"action": "fetch_now", "_selected_action": [feed.pk for feed in feeds]},
        follow=True,
    )


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """Feed ids sent to the queue, instead of a worker running them."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.fetch_feed, "delay", sent.append)
    return sent


def test_fetch_now_queues_the_runs_and_fetches_nothing_in_the_request(
    staff_client, feed_server, queued
):
    slow = swebench_feed(feed_server, name="Slow")
    other = swebench_feed(feed_server, name="Other")

    response = fetch_now(staff_client, slow, other)

    assert sorted(queued) == sorted([slow.pk, other.pk])
    assert feed_server.hits() == 0
    assert not FetchRun.objects.exists()
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Queued: Other, Slow.")


def test_the_feed_list_shows_each_feeds_latest_run(staff_client, feed_server):
    feed = swebench_feed(feed_server, name="SWE-bench Verified")

    fetch_now(staff_client, feed)  # the eager worker runs it at once
    page = staff_client.get(reverse("admin:indicators_feed_changelist"))

    assert "ok, 13 new" in page.content.decode()
    assert Observation.objects.count() == 13


def test_the_feed_list_shows_a_run_in_progress_and_a_failure(staff_client):
    running = FeedFactory(name="Running")
    failed = FeedFactory(name="Failed")
    FetchRun.objects.create(feed=running, started_at=timezone.now())
    FetchRun.objects.create(
        feed=failed, started_at=timezone.now(), outcome=Outcome.FAILED, error="HTTP 500"
    )

    page = staff_client.get(reverse("admin:indicators_feed_changelist"))

    text = page.content.decode()
    assert ">running</a>" in text
    assert ">failed</a>" in text


def test_fetch_now_with_the_broker_down_makes_the_feed_due(staff_client, monkeypatch):
    from kombu.exceptions import OperationalError

    def unreachable(feed_id: int) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(tasks.fetch_feed, "delay", unreachable)
    feed = FeedFactory(name="Later", next_run_at=timezone.now() + datetime.timedelta(1))

    response = fetch_now(staff_client, feed)

    feed.refresh_from_db()
    assert feed.next_run_at <= timezone.now()
    assert not FetchRun.objects.exists()
    [message] = [str(m) for m in response.context["messages"]]
    assert 'Later will be fetched by "fetch due feeds"' in message


def test_the_last_retry_fails_with_one_line_in_words_not_a_traceback(
    feed_server, caplog
):
    feed_server.route("/feed.json", status=503)
    feed = swebench_feed(feed_server, "feed.json", name="Busy board")

    result = tasks.fetch_feed.apply(
        args=[feed.pk], retries=tasks.fetch_feed.max_retries
    )

    assert result.get()["outcome"] == "failed"
    assert "HTTP 503" in result.get()["error"]
    [record] = [r for r in caplog.records if r.name == "indicators.tasks"]
    assert record.getMessage().startswith(
        "Feed 'Busy board' failed after 9 attempts: HTTP 503"
    )
