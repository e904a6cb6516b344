"""Redis unreachable for a minute: the site reads and writes, and nothing is lost.

Gunicorn, a Celery worker and beat reach Redis, their cache and their broker,
through a `TcpProxy` on a Redis DB of their own; the test closes its port for
`OUTAGE_SECONDS`. Throughout, every page and API read answers, values are
saved through the API and the admin form, and the admin's "fetch now" makes its
feed due. Once the port opens again, the rescores deferred meanwhile and the
feed job that fell due meanwhile (with the feed fetched "now") run, each once.
"""

import datetime
import html
import http.cookiejar
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from django.contrib.auth.models import Permission, User
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_results.models import TaskResult
from rest_framework.authtoken.models import Token

from indicators.models import Feed, FetchRun, Indicator, Observation, Outcome
from predictions.models import DeferredRescore, Prediction, Score, Status
from tests.factories import IndicatorFactory, PredictionFactory
from tests.feed_fixtures import VERIFIED_BEST
from tests.integration.conftest import (
    CELERY,
    ServiceProcess,
    WebServer,
    WorkerProcess,
    wait_for,
)
from tests.integration.test_worker_feeds import swebench_feed
from tests.tcpproxy import TcpProxy

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 60
REDIS_DB = 13
# From the port opening: the worker reconnects (kombu waits up to 30 s between
# attempts), beat sends again within tracker.beat.RESEND_SECONDS, and the
# drain of deferred rescores runs as soon as it is sent.
RECOVERY_TIMEOUT = 45
# "fetch due feeds" falls due this long after beat starts: inside the outage.
FETCH_DUE_AFTER = datetime.timedelta(seconds=25)
FETCH_EVERY = datetime.timedelta(minutes=15)
FETCH_DUE_FEEDS = "indicators.tasks.fetch_due_feeds"
RESCORE_DEFERRED = "predictions.tasks.rescore_deferred_task"
TARGET = 70.0  # each indicator crosses it: 90 is posted, 78.8 is fetched
VALUE = 90.0
PASSWORD = "outage-" + "x" * 12


class ProxiedWorker(WorkerProcess):
    """A worker on the proxied broker; its readiness ping goes the same way."""

    def __init__(self, log_path: Path, broker_url: str) -> None:
        super().__init__(log_path, REDIS_URL=broker_url)
        self.broker = Celery("redis-outage-tests", broker=broker_url)

    def has_run(self, task: str) -> bool:
        return any(
            f"{task}[" in line and "succeeded" in line
            for line in self.log_path.read_text().splitlines()
        )


class BeatProcess(ServiceProcess):
    """`celery beat` with the project's scheduler."""

    what = "celery beat"

    def start(self) -> None:
        command = [str(CELERY), "-A", "tracker", "beat", "--loglevel", "info"]
        self.launch(command + ["--pidfile", str(self.log_path.with_suffix(".pid"))])
        self.is_running()


class Client:
    """A cookie-keeping HTTP client for the site, with Django's CSRF token."""

    def __init__(self, site: WebServer, token: str = "") -> None:
        self.site = site
        self.cookies = http.cookiejar.CookieJar()
        handler = urllib.request.HTTPCookieProcessor(self.cookies)
        self.opener = urllib.request.build_opener(handler)
        self.headers = {"Authorization": f"Token {token}"} if token else {}

    def request(self, path: str, body: bytes | None = None, **headers: str):
        request = urllib.request.Request(
            self.site.url(path), data=body, headers={**self.headers, **headers}
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_json(self, path: str, data: dict) -> tuple[int, str]:
        body = json.dumps(data).encode()
        return self.request(path, body, **{"Content-Type": "application/json"})

    def post_form(self, path: str, fields: dict[str, Any]) -> tuple[int, str]:
        """Read the form's page (for the CSRF cookie), then submit it."""
        self.request(path)
        csrf = next(c.value for c in self.cookies if c.name == "csrftoken")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, **fields})
        return self.request(path, body.encode())


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    redis.Redis(port=6379, db=REDIS_DB).flushdb()  # no task of an earlier run
    with TcpProxy(6379) as proxy:
        yield proxy


@pytest.fixture
def redis_url(proxy: TcpProxy) -> str:
    return f"redis://127.0.0.1:{proxy.port}/{REDIS_DB}"


@pytest.fixture
def worker(redis_url: str, tmp_path: Path) -> Iterator[ProxiedWorker]:
    worker = ProxiedWorker(tmp_path / "worker.log", redis_url)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def site(redis_url: str, tmp_path: Path) -> Iterator[WebServer]:
    site = WebServer(tmp_path / "gunicorn.log", REDIS_URL=redis_url)
    site.start()
    yield site
    site.stop()


@dataclass
class Record:
    api_indicator: Indicator
    admin_indicator: Indicator
    now_feed: Feed
    due_feed: Feed
    predictions: list[Prediction]

    @property
    def written(self) -> list[Indicator]:
        """The indicators that get values during the outage."""
        return [self.api_indicator, self.admin_indicator]


@pytest.fixture
def record(feed_server) -> Record:
    """Four indicators, each with a prediction that a value of the outage decides."""
    api_indicator, admin_indicator = IndicatorFactory(), IndicatorFactory()
    now_feed = swebench_feed(feed_server)
    now_feed.name = "SWE-bench Verified, fetched now"
    now_feed.save(update_fields=["name"])
    due_feed = swebench_feed(feed_server)
    indicators = [
        api_indicator,
        admin_indicator,
        now_feed.indicator,
        due_feed.indicator,
    ]
    predictions = [PredictionFactory(indicator=i, target=TARGET) for i in indicators]
    return Record(api_indicator, admin_indicator, now_feed, due_feed, predictions)


@pytest.fixture
def beat(redis_url: str, tmp_path: Path, worker, site, record) -> Iterator[BeatProcess]:
    """Beat with two jobs: the drain, due at once, and the feed job, due soon."""
    PeriodicTask.objects.all().delete()
    now = timezone.now()
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    every_15, _ = IntervalSchedule.objects.get_or_create(
        every=FETCH_EVERY.seconds // 60, period="minutes"
    )
    PeriodicTask.objects.create(
        name="rescore deferred",
        task=RESCORE_DEFERRED,
        interval=every_minute,
        last_run_at=now - datetime.timedelta(minutes=2),
    )
    PeriodicTask.objects.create(
        name="fetch due feeds",
        task=FETCH_DUE_FEEDS,
        interval=every_15,
        last_run_at=now - FETCH_EVERY + FETCH_DUE_AFTER,
    )
    beat = BeatProcess(tmp_path / "beat.log", REDIS_URL=redis_url)
    beat.start()
    # Beat connects to the broker on its first send, as in a beat up for days.
    wait_for(
        lambda: beat.is_running() and worker.has_run(RESCORE_DEFERRED),
        timeout=30,
        what="the first drain",
    )
    yield beat
    beat.stop()


def make_writer() -> str:
    user = User.objects.create_user(username="writer", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="add_observation"))
    return Token.objects.create(user=user).key


def log_in_editor(site: WebServer) -> Client:
    """A staff user logged in through the admin's form."""
    editor = Client(site)
    fields = {"username": "editor", "password": PASSWORD, "next": "/admin/"}
    status, body = editor.post_form("/admin/login/?next=/admin/", fields)
    assert status == 200 and "Log out" in body, body[-2000:]
    return editor


def observation_fields(indicator: Indicator) -> dict[str, Any]:
    return {
        "indicator": indicator.slug,
        "date": "2025-06-01",
        "value": VALUE,
        "source_url": "https://example.org/outage",
        "source_title": "Recorded during the outage",
    }


def read_paths(prediction: Prediction) -> list[str]:
    indicator, source = prediction.indicator.slug, prediction.source.slug
    pages = ["/", "/predictions/", f"/predictions/{prediction.slug}/"]
    pages += [f"/indicators/{indicator}/", f"/sources/{source}/"]
    pages += ["/feeds/status-changes.atom"]
    api = ["scoreboard/", "predictions/", f"predictions/{prediction.slug}/"]
    api += [f"predictions/{prediction.slug}/scores/", "sources/", "events/"]
    api += ["indicators/", f"indicators/{indicator}/", "observations/"]
    api += [f"indicators/{indicator}/observations/"]
    return pages + [f"/api/v1/{path}" for path in api]


def failed_reads(site: WebServer, paths: list[str]) -> dict[str, int]:
    reader = Client(site)
    statuses = {path: reader.request(path)[0] for path in paths}
    return {path: status for path, status in statuses.items() if status != 200}


def status_of(prediction: Prediction) -> str | None:
    prediction.refresh_from_db()
    score = prediction.current_score
    return score.status if score else None


def test_a_minute_without_redis_loses_no_read_write_or_job(
    proxy, site, worker, beat, record
):
    writer = Client(site, token=make_writer())
    User.objects.create_superuser(username="editor", password=PASSWORD)
    paths = read_paths(record.predictions[0])
    assert failed_reads(site, paths) == {}
    fetch_job = PeriodicTask.objects.get(task=FETCH_DUE_FEEDS)
    assert timezone.now() < fetch_job.last_run_at + FETCH_EVERY, "set-up too slow"

    proxy.close_port()
    outage_ends = time.monotonic() + OUTAGE_SECONDS

    editor = log_in_editor(site)

    fields = observation_fields(record.api_indicator)
    status, body = writer.post_json("/api/v1/observations/", fields)
    assert status == 201, body
    assert record.api_indicator.observations.get().value == VALUE
    fields = {**observation_fields(record.admin_indicator), "_save": "Save"}
    fields["indicator"] = record.admin_indicator.pk
    editor.post_form("/admin/indicators/observation/add/", fields)
    assert record.admin_indicator.observations.get().value == VALUE
    action = {"action": "fetch_now", "_selected_action": record.now_feed.pk}
    status, body = editor.post_form("/admin/indicators/feed/", action)
    assert status == 200, body[-3000:]
    assert f"{record.now_feed} will be fetched by" in html.unescape(body), body[-3000:]
    assert not FetchRun.objects.filter(feed=record.now_feed).exists()
    deferred = DeferredRescore.objects.order_by("pk").values_list("pk", flat=True)
    assert list(deferred) == sorted(i.pk for i in record.written)
    while time.monotonic() < outage_ends:
        assert failed_reads(site, paths) == {}
    assert not FetchRun.objects.filter(feed=record.due_feed).exists()
    assert [status_of(p) for p in record.predictions] == [None] * 4

    proxy.open_port()
    reopened = time.monotonic()

    for prediction in record.predictions:
        wait_for(
            lambda p=prediction: status_of(p) == Status.RESOLVED_TRUE,
            timeout=RECOVERY_TIMEOUT,
            what=f"the rescore of {prediction.indicator}",
        )
    print(f"all rescored {time.monotonic() - reopened:.1f} s after the outage")
    assert not DeferredRescore.objects.exists()
    assert Score.objects.count() == len(record.predictions)
    assert Observation.objects.filter(indicator__in=record.written[:2]).count() == 2
    for feed in (record.now_feed, record.due_feed):
        assert feed.runs.get().outcome == Outcome.OK
        assert feed.indicator.observations.count() == len(VERIFIED_BEST)
    jobs = TaskResult.objects.filter(task_name=FETCH_DUE_FEEDS, status="SUCCESS")
    assert jobs.count() == 1
    assert failed_reads(site, paths) == {}
