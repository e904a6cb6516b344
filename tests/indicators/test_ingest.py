"""The bulk write path and one feed run, against the fixture HTTP server."""

import datetime
import json
import math

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from indicators import ingest, upsert
from indicators.fetchers import FetchError
from indicators.models import Aggregation, Feed, FetchRun, Observation, Origin, Outcome
from indicators.upsert import ObservationRow, UpsertCounts, bulk_upsert_observations
from tests.factories import FeedFactory, IndicatorFactory, ObservationFactory
from tests.feed_fixtures import SWEBENCH, VERIFIED_BEST

pytestmark = pytest.mark.django_db

URL = "https://example.org/data"


def make_row(indicator_id: int, day: int, value: float, **changes) -> ObservationRow:
    fields = {
        "indicator_id": indicator_id,
        "date": datetime.date(2025, 1, day),
        "value": value,
        "low": None,
        "high": None,
        "is_estimate": False,
        "tier": "primary",
        "source_url": URL,
        "source_title": "Data",
        "note": "",
        "published_on": datetime.date(2025, 1, day),
    }
    return ObservationRow(**{**fields, **changes})


def swebench_feed(server, path: str = SWEBENCH, **fields):
    indicator = IndicatorFactory(min_value=0, max_value=100)
    defaults = {
        "indicator": indicator,
        "url": server.url(path),
        "records_path": "leaderboards[name=Verified].results",
        "date_field": "date",
        "value_field": "resolved",
        "label_field": "name",
        "aggregation": Aggregation.RUNNING_MAX,
        "source_title": "SWE-bench leaderboard",
    }
    return FeedFactory(**{**defaults, **fields})


def stored_values(indicator) -> dict[datetime.date, float]:
    return dict(
        Observation.objects.filter(indicator=indicator).values_list("date", "value")
    )


# --- bulk_upsert_observations -------------------------------------------------------


def test_a_first_load_counts_every_row_as_new():
    indicator = IndicatorFactory()
    rows = [make_row(indicator.pk, day, 10.0 + day) for day in (1, 2, 3)]

    counts = bulk_upsert_observations(rows, origin=Origin.IMPORT)

    assert counts == UpsertCounts(new=3, changed=0, unchanged=0)
    assert stored_values(indicator) == {row.date: row.value for row in rows}


def test_a_reload_counts_changed_and_unchanged_rows():
    indicator = IndicatorFactory()
    rows = [make_row(indicator.pk, day, 10.0) for day in (1, 2, 3)]
    bulk_upsert_observations(rows, origin=Origin.IMPORT)

    rows[0] = rows[0]._replace(value=11.0)
    rows[1] = rows[1]._replace(note="revised")
    counts = bulk_upsert_observations(rows, origin=Origin.IMPORT)

    assert counts == UpsertCounts(new=0, changed=2, unchanged=1)


def test_new_and_changed_rows_get_history_and_unchanged_rows_do_not(
    django_user_model,
):
    user = django_user_model.objects.create_user(username="loader")
    indicator = IndicatorFactory()
    rows = [make_row(indicator.pk, day, 10.0) for day in (1, 2)]
    bulk_upsert_observations(rows, origin=Origin.IMPORT, user=user)

    bulk_upsert_observations(
        [rows[0]._replace(value=12.0), rows[1]], origin=Origin.IMPORT, user=user
    )

    history = Observation.history.order_by("history_id")
    assert [(h.history_type, h.date.day, h.value) for h in history] == [
        ("+", 1, 10.0),
        ("+", 2, 10.0),
        ("~", 1, 12.0),
    ]
    assert {h.history_user_id for h in history} == {user.pk}


def test_an_update_keeps_created_at_and_records_the_new_provenance():
    indicator = IndicatorFactory()
    existing = ObservationFactory(
        indicator=indicator, date=datetime.date(2025, 1, 1), source_url=URL, value=1.0
    )
    run = FetchRun.objects.create(feed=FeedFactory(), started_at=timezone.now())

    bulk_upsert_observations(
        [make_row(indicator.pk, 1, 2.0)], origin=Origin.FEED, fetch_run=run
    )

    updated = Observation.objects.get()
    assert (updated.pk, updated.created_at) == (existing.pk, existing.created_at)
    assert (updated.value, updated.origin, updated.fetch_run) == (2.0, "feed", run)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": math.nan}, "value"),
        ({"value": math.inf}, "value"),
        ({"low": -math.inf}, "low"),
        ({"low": 21.0}, "low"),
        ({"high": 19.0}, "high"),
        ({"value": 101.0}, "value"),
        ({"value": -1.0}, "value"),
        ({"date": datetime.date(2025, 1, 1)}, "date"),
        ({"indicator_id": 0}, "indicator_id"),
        ({"date": datetime.date(2099, 1, 1)}, "date"),
        ({"published_on": datetime.date(2099, 1, 1)}, "published_on"),
        ({"published_on": None}, "published_on"),
        ({"tier": "secondary"}, "tier"),
        ({"note": "a\x00b"}, "note"),
    ],
)
def test_a_bad_row_fails_the_whole_batch_naming_the_field_and_row(change, field):
    indicator = IndicatorFactory(min_value=0, max_value=100)
    rows = [make_row(indicator.pk, day, 20.0) for day in (1, 2)]
    rows.append(make_row(indicator.pk, 3, 20.0)._replace(**change))

    with pytest.raises(ValidationError) as raised:
        bulk_upsert_observations(rows, origin=Origin.IMPORT)

    assert list(raised.value.message_dict) == [field]
    assert raised.value.message_dict[field][0].startswith("row 3 ")
    assert not Observation.objects.exists()


def test_a_value_on_a_log_scale_must_be_positive():
    indicator = IndicatorFactory(scale="log")

    with pytest.raises(ValidationError, match="row 1 .*log scale"):
        bulk_upsert_observations([make_row(indicator.pk, 1, 0.0)], origin="import")


def test_changes_are_announced_once_per_batch(monkeypatch):
    first, second = IndicatorFactory(), IndicatorFactory()
    bulk_upsert_observations([make_row(second.pk, 1, 1.0)], origin=Origin.IMPORT)
    rows = [make_row(first.pk, 1, 1.0), make_row(second.pk, 1, 1.0)]
    rows.append(make_row(first.pk, 2, 1.0))
    announced = []
    monkeypatch.setattr(upsert, "notify_observations_changed", announced.append)

    bulk_upsert_observations(rows, origin=Origin.IMPORT)

    assert announced == [[first.pk]]  # second's row was unchanged


# --- run_feed ------------------------------------------------------------------------


def test_a_feed_run_writes_the_expected_observations(feed_server):
    feed = swebench_feed(feed_server)

    run = ingest.run_feed(feed)

    assert (run.outcome, run.rows_seen, run.rows_new) == (Outcome.OK, 21, 13)
    assert stored_values(feed.indicator) == VERIFIED_BEST
    latest = Observation.objects.get(date=datetime.date(2025, 9, 26))
    assert (latest.source_url, latest.source_title) == (feed.url, feed.source_title)
    assert (latest.origin, latest.fetch_run) == (Origin.FEED, run)
    assert latest.note == "TRAE + Doubao-Seed-Code"


def test_rerunning_a_feed_adds_nothing(feed_server):
    feed = swebench_feed(feed_server)
    ingest.run_feed(feed)
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")  # full download

    run = ingest.run_feed(feed)

    assert (run.outcome, run.rows_new, run.rows_changed) == (Outcome.UNCHANGED, 0, 0)
    assert Observation.objects.count() == len(VERIFIED_BEST)
    assert Observation.history.count() == len(VERIFIED_BEST)


def test_an_unchanged_source_costs_one_conditional_request(feed_server):
    feed = swebench_feed(feed_server)
    ingest.run_feed(feed)

    run = ingest.run_feed(feed)

    assert (run.outcome, run.rows_seen) == (Outcome.UNCHANGED, 0)
    second = feed_server.requests(SWEBENCH)[1]
    assert second.headers["If-None-Match"]
    assert feed_server.hits() == 2


def test_a_feed_claimed_by_another_run_is_skipped(feed_server):
    feed = swebench_feed(feed_server)
    feed.claimed_until = timezone.now() + datetime.timedelta(minutes=5)
    feed.save()

    assert ingest.run_feed(feed) is None
    assert feed_server.hits() == 0
    assert not FetchRun.objects.exists()


def test_an_expired_claim_is_taken_over(feed_server):
    feed = swebench_feed(feed_server)
    feed.claimed_until = timezone.now() - datetime.timedelta(seconds=1)
    feed.save()

    assert ingest.run_feed(feed).outcome == Outcome.OK


def test_a_redelivered_task_takes_over_the_claim_of_its_interrupted_run(feed_server):
    feed = swebench_feed(feed_server)
    feed.claimed_until = timezone.now() + datetime.timedelta(minutes=5)
    feed.save()
    dead = FetchRun.objects.create(
        feed=feed, started_at=timezone.now(), task_id="task-1"
    )

    run = ingest.run_feed(feed, task_id="task-1")

    dead.refresh_from_db()
    assert (run.outcome, dead.outcome) == (Outcome.OK, Outcome.FAILED)
    assert dead.error.startswith("interrupted")


def test_a_finished_run_releases_the_claim_and_schedules_the_next(feed_server):
    feed = swebench_feed(feed_server, interval_minutes=60)

    run = ingest.run_feed(feed)

    feed.refresh_from_db()
    assert feed.claimed_until is None
    assert feed.next_run_at == run.started_at + datetime.timedelta(minutes=60)


FAILURES = {
    "malformed": ({"file": "swebench/leaderboards_malformed.json"}, "not valid JSON"),
    "truncated": ({"file": "swebench/leaderboards_truncated.json"}, "ends early"),
    "empty": ({"file": "errors/empty.json"}, "empty"),
    "html": (
        {"file": "errors/html_error_page.html", "content_type": "text/html"},
        "is HTML",
    ),
    "oversized": ({"file": SWEBENCH, "content_length": 10_000_000}, "larger than"),
}


@pytest.mark.parametrize("route", FAILURES.values(), ids=FAILURES.keys())
def test_a_bad_response_fails_the_run_with_the_reason_and_writes_nothing(
    feed_server, route
):
    options, reason = route
    feed_server.route("/feed.json", **options)
    feed = swebench_feed(feed_server, "feed.json")

    run = ingest.run_feed(feed)

    assert run.outcome == Outcome.FAILED
    assert reason in run.error
    assert not Observation.objects.exists()


def test_a_feed_row_dated_in_the_future_fails_the_run_naming_it(feed_server):
    entry = {"name": "model", "date": "2099-01-01", "resolved": 50}
    body = json.dumps({"leaderboards": [{"name": "Verified", "results": [entry]}]})
    feed_server.route("/feed.json", body=body.encode())
    feed = swebench_feed(feed_server, "feed.json")

    run = ingest.run_feed(feed)

    assert run.outcome == Outcome.FAILED
    assert "2099-01-01 is in the future" in run.error
    assert not Observation.objects.exists()


def test_a_server_error_fails_the_run_and_is_raised_for_a_retry(feed_server):
    feed_server.route("/feed.json", status=500)
    feed = swebench_feed(feed_server, "feed.json")

    with pytest.raises(FetchError) as raised:
        ingest.run_feed(feed)

    assert raised.value.transient
    run = FetchRun.objects.get()
    assert (run.outcome, "HTTP 500" in run.error) == (Outcome.FAILED, True)
    assert not Observation.objects.exists()


def test_a_timeout_fails_the_run_and_is_raised_for_a_retry(feed_server, settings):
    settings.FEED_TIMEOUT_SECONDS = 0.5
    feed_server.route("/feed.json", file=SWEBENCH, delay=3)
    feed = swebench_feed(feed_server, "feed.json")

    with pytest.raises(FetchError):
        ingest.run_feed(feed)

    run = FetchRun.objects.get()
    assert (run.outcome, "no response" in run.error) == (Outcome.FAILED, True)
    assert not Observation.objects.exists()


def test_a_feed_value_out_of_range_fails_the_run_and_writes_nothing(feed_server):
    feed = swebench_feed(feed_server)
    feed.indicator.max_value = 50
    feed.indicator.save()

    run = ingest.run_feed(feed)

    assert run.outcome == Outcome.FAILED
    assert "row 6 " in run.error and "above the maximum" in run.error
    assert not Observation.objects.exists()
    feed.refresh_from_db()
    assert (feed.etag, feed.claimed_until) == ("", None)


def test_a_feed_sends_the_deployments_user_agent(feed_server, settings):
    settings.FEED_USER_AGENT = "forecast-tracker/0.1 (ops@example.org)"
    feed = swebench_feed(feed_server)

    ingest.run_feed(feed)

    agent = feed_server.requests(SWEBENCH)[0].headers["User-Agent"]
    assert agent == "forecast-tracker/0.1 (ops@example.org)"


def test_a_feeds_own_byte_limit_overrides_the_setting(feed_server, settings):
    settings.FEED_MAX_BYTES = 1_000
    small = swebench_feed(feed_server, name="default limit")
    large = swebench_feed(feed_server, name="own limit", max_bytes=20_000_000)

    assert "larger than 1000 bytes" in ingest.run_feed(small).error
    assert ingest.run_feed(large).outcome == Outcome.OK


def test_bounds_are_stored_and_rows_without_a_value_are_counted(feed_server):
    body = """[{"d": "2025-01-01", "m": {"v": 2, "lo": 1, "hi": 4}},
               {"d": "2025-01-02", "m": {"v": "n/a", "lo": 1, "hi": 4}}]"""
    feed_server.route("/feed.json", body=body, content_type="application/json")
    feed = FeedFactory(
        url=feed_server.url("feed.json"),
        date_field="d",
        value_field="m.v",
        low_field="m.lo",
        high_field="m.hi",
        unit_factor=10,
    )

    run = ingest.run_feed(feed)

    assert (run.outcome, run.rows_seen, run.rows_missing) == (Outcome.OK, 2, 1)
    stored = Observation.objects.get()
    assert (stored.value, stored.low, stored.high) == (20.0, 10.0, 40.0)


def test_a_feed_whose_format_changed_fails_naming_the_field(feed_server):
    feed = swebench_feed(feed_server, value_field="resolved_pct")

    run = ingest.run_feed(feed)

    assert run.outcome == Outcome.FAILED
    assert "'resolved_pct'" in run.error
    assert not Observation.objects.exists()


def test_feed_filters_are_validated_by_the_model():
    feed = FeedFactory.build(
        indicator=IndicatorFactory(),
        filters=[{"field": "form", "op": "like", "value": "10-K"}],
    )

    with pytest.raises(ValidationError) as raised:
        feed.full_clean()

    assert "unknown op 'like'" in raised.value.message_dict["filters"][0]


# --- revisions ------------------------------------------------------------------------


@pytest.fixture(params=["postgresql", "portable"])
def write_path(request, monkeypatch):
    """Each test runs through the database's own statement and the portable path."""
    if request.param == "portable":
        monkeypatch.setattr(upsert, "_upsert_postgresql", upsert._upsert_batches)
    return request.param


def revise(indicator, value: float, **changes) -> UpsertCounts:
    row = make_row(indicator.pk, 1, value, **changes)
    return bulk_upsert_observations([row], origin=Origin.FEED, supersede_revisions=True)


def test_a_revised_value_supersedes_rather_than_overwrites(write_path):
    indicator = IndicatorFactory()
    revise(indicator, 10.0, low=8.0)
    first = Observation.objects.get()

    counts = revise(indicator, 12.0, low=8.0)

    assert counts == UpsertCounts(new=0, changed=1, unchanged=0, superseded=1)
    current = Observation.objects.current().get()
    old = Observation.objects.exclude(pk=current.pk).get()
    assert (current.pk, current.value) == (first.pk, 12.0)
    assert (old.value, old.low, old.superseded_by) == (10.0, 8.0, current)
    assert old.created_at == first.created_at
    assert list(Observation.objects.deciding()) == [current]


def test_rerunning_a_revision_adds_nothing(write_path):
    indicator = IndicatorFactory()
    revise(indicator, 10.0)
    revise(indicator, 12.0)

    counts = revise(indicator, 12.0)

    assert counts == UpsertCounts(new=0, changed=0, unchanged=1, superseded=0)
    assert Observation.objects.count() == 2
    assert Observation.history.count() == 3  # new, superseded copy, changed


def test_each_revision_keeps_its_predecessor(write_path):
    indicator = IndicatorFactory()
    for value in (10.0, 12.0, 11.0):
        revise(indicator, value)

    current = Observation.objects.current().get()
    kept = Observation.objects.filter(superseded_by=current).order_by("value")
    assert current.value == 11.0
    assert [o.value for o in kept] == [10.0, 12.0]


def test_a_changed_note_is_updated_in_place_not_superseded(write_path):
    indicator = IndicatorFactory()
    revise(indicator, 10.0)

    counts = revise(indicator, 10.0, note="renamed")

    assert (counts.changed, counts.superseded) == (1, 0)
    assert Observation.objects.get().note == "renamed"


def test_without_revisions_a_changed_value_is_overwritten(write_path):
    indicator = IndicatorFactory()
    bulk_upsert_observations([make_row(indicator.pk, 1, 10.0)], origin=Origin.FEED)

    bulk_upsert_observations([make_row(indicator.pk, 1, 12.0)], origin=Origin.FEED)

    assert list(Observation.objects.values_list("value", flat=True)) == [12.0]


REVISED_YAML = """results:
  model_a: {{release_date: 2025-03-01, p50: {a}}}
  model_b: {{release_date: 2025-06-01, p50: {b}}}
"""


def test_a_feed_that_revises_values_supersedes_the_old_ones(feed_server):
    feed_server.route("/h.yaml", body=REVISED_YAML.format(a=30, b=60), times=1)
    feed_server.route("/h.yaml", body=REVISED_YAML.format(a=36, b=60))
    feed = FeedFactory(
        url=feed_server.url("h.yaml"),
        format="yaml",
        records_path="results.*",
        date_field="release_date",
        value_field="p50",
        label_field="@key",
        revises_values=True,
    )
    ingest.run_feed(feed)

    runs = [ingest.run_feed(feed) for _ in range(2)]

    assert [(r.outcome, r.rows_changed) for r in runs] == [("ok", 1), ("unchanged", 0)]
    current = Observation.objects.current().get(date=datetime.date(2025, 3, 1))
    assert (current.value, current.note) == (36.0, "model_a")
    assert [o.value for o in current.supersedes.all()] == [30.0]
    assert Observation.objects.count() == 3
