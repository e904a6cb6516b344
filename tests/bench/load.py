"""The load test: wrk against gunicorn while a Celery worker ingests feeds.

wrk asks for the scoreboard and a 50-row page of predictions in turn, over 32
connections; meanwhile a feed run is started every few seconds, each writing
a few thousand observations, and each triggering a rescore, which replaces
the scoreboard and the kept pages. Every answer must be a 200.
"""

import datetime
import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from django.utils import timezone

from tests.bench import measure
from tests.bench.scales import Scale
from tests.httpserver import FixtureServer

PATHS = ("/api/v1/scoreboard/", "/api/v1/predictions/?page_size=50")
# Each wrk thread asks for the paths in turn, starting at its own.
ALTERNATE = """
local paths = {%s}
local n = 0
function request()
  n = n + 1
  return wrk.format("GET", paths[n %% #paths + 1])
end
"""
FEED_ROWS = 2_000
FEED_QUEUE = "bench-load"


def write_script(directory: Path) -> Path:
    script = directory / "alternate.lua"
    script.write_text(ALTERNATE % ", ".join(f'"{path}"' for path in PATHS))
    return script


def make_feeds(server: FixtureServer, count: int) -> list[int]:
    """One CSV feed per indicator with predictions, each new to the record."""
    from indicators.models import Aggregation, Feed, FeedFormat, Indicator, Observation

    indicators = Indicator.objects.filter(predictions__isnull=False).distinct()
    today = timezone.now().date()
    feed_ids = []
    for number, indicator in enumerate(indicators.order_by("pk")[:count]):
        value = Observation.objects.filter(indicator=indicator).latest("date").value
        days = (today - datetime.timedelta(days=day) for day in range(1, FEED_ROWS))
        lines = ["date,value", *(f"{day.isoformat()},{value!r}" for day in days)]
        path = f"/load/{number}.csv"
        server.route(path, body="\n".join(lines), content_type="text/csv")
        feed = Feed.objects.create(
            name=f"Load feed {number}",
            indicator=indicator,
            url=server.url(path),
            format=FeedFormat.CSV,
            date_field="date",
            value_field="value",
            aggregation=Aggregation.PER_DATE,
            source_title=f"Load feed {number}",
            is_active=False,  # run by this test only, not by the schedule
        )
        feed_ids.append(feed.pk)
    return feed_ids


def start_worker(env: dict) -> subprocess.Popen:
    command = [str(measure.BIN / "celery"), "-A", "tracker", "worker"]
    command += ["--pool", "prefork", "--concurrency", "1", "--loglevel", "error"]
    command += ["--queues", f"{FEED_QUEUE},celery", "--hostname", "load@%h"]
    return subprocess.Popen(command, cwd=measure.ROOT, env=env, start_new_session=True)


def run_feeds_during(feed_ids: list[int], seconds: int) -> None:
    """Send the feed runs evenly over `seconds`."""
    from indicators import tasks

    gap = seconds / (len(feed_ids) + 1)
    for feed_id in feed_ids:
        time.sleep(gap)
        tasks.fetch_feed.apply_async(args=[feed_id], queue=FEED_QUEUE)


def feed_outcomes(feed_ids: list[int], *, wait: float) -> dict:
    """Outcome counts of the load's feed runs, once all have ended."""
    from indicators.models import FetchRun, Outcome

    runs = FetchRun.objects.filter(feed_id__in=feed_ids)
    measure.wait_for(
        lambda: runs.exclude(outcome=Outcome.RUNNING).count() >= len(feed_ids),
        seconds=wait,
        what="the load's feed runs",
    )
    return {
        "runs": runs.count(),
        "succeeded": runs.filter(outcome=Outcome.OK).count(),
        "failed": runs.filter(outcome=Outcome.FAILED).count(),
        "rows_new": sum(runs.values_list("rows_new", flat=True)),
    }


def measure_load(scale: Scale, env: dict, port: int = 8392) -> dict:
    """wrk for `scale.load_seconds` while the worker ingests; errors must be 0."""
    env = {**env, "CELERY_TASK_ALWAYS_EAGER": "0", "no_proxy": "*"}
    with FixtureServer(root=None) as feeds, tempfile.TemporaryDirectory() as tmp:
        feed_ids = make_feeds(feeds, scale.load_feeds)
        script = write_script(Path(tmp))
        server = measure.start_gunicorn(env, port)
        worker = start_worker(env)
        try:
            load = measure.start_wrk(
                f"http://127.0.0.1:{port}",
                scale.load_seconds,
                script=script,
            )
            run_feeds_during(feed_ids, scale.load_seconds)
            figures = measure.read_wrk(load)
            outcomes = feed_outcomes(feed_ids, wait=120)
        finally:
            for process in (worker, server):
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    return {
        "seconds": scale.load_seconds,
        "connections": 32,
        "paths": list(PATHS),
        **figures,
        "errors": figures["non_2xx"] + socket_error_count(figures["socket_errors"]),
        "feeds": outcomes,
    }


def socket_error_count(summary: str) -> int:
    """The total of wrk's "connect 0, read 0, write 0, timeout 0"."""
    return sum(int(number) for number in re.findall(r"\d+", summary))
