"""The measurements: ingest, rescore, worker memory, HTTP and queries."""

import datetime
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.bench.scales import COLD, Scale

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
SOURCES_PER_DATE = 5


def summarize(samples: list[float]) -> dict:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": len(samples),
    }


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# --- ingest -------------------------------------------------------------------


def make_rows(scale: Scale, indicators: list) -> list:
    """``scale.ingest_rows`` observations spread over the indicators: per
    indicator, a growing series reported by several sources per date, inside
    each indicator's range."""
    from indicators.upsert import ObservationRow

    rng = random.Random(1)
    per_indicator = scale.ingest_rows // len(indicators)
    dates_per_indicator = max(1, per_indicator // SOURCES_PER_DATE)
    start = datetime.date(2020, 1, 1)
    rows = []
    for indicator in indicators:
        low = indicator.min_value if indicator.min_value is not None else 0.0
        high = indicator.max_value if indicator.max_value is not None else 1_000.0
        low = max(low, 1e-3) if indicator.scale == "log" else low
        for day in range(dates_per_indicator):
            level = low + (high - low) * (day + 1) / (dates_per_indicator + 1)
            date = start + datetime.timedelta(days=day)
            for source in range(SOURCES_PER_DATE):
                value = min(high, max(low, level * rng.uniform(0.97, 1.03)))
                rows.append(
                    ObservationRow(
                        indicator_id=indicator.pk,
                        date=date,
                        value=value,
                        low=None,
                        high=None,
                        is_estimate=False,
                        tier="primary",
                        source_url=f"https://example.org/source-{source}",
                        source_title=f"Source {source}",
                        note="",
                        published_on=date,
                    )
                )
    return rows


def truncate_observations() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE indicators_observation, indicators_historicalobservation "
            "RESTART IDENTITY CASCADE"
        )


def copy_raw(rows: list) -> None:
    """The reference: psycopg 3 COPY straight into the same indexed table."""
    now = datetime.datetime.now(datetime.UTC)
    columns = (
        "indicator_id, date, value, low, high, is_estimate, tier, "
        "source_url, source_title, note, published_on, origin, created_at, updated_at"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY indicators_observation ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, "feed", now, now))
    connection.commit()


def measure_ingest(scale: Scale, rows: list) -> dict:
    from indicators import upsert

    bulk, raw = [], []
    for _ in range(scale.runs):
        truncate_observations()
        raw.append(timed(lambda: copy_raw(rows)))
        truncate_observations()
        bulk.append(timed(lambda: upsert.bulk_upsert_observations(rows, origin="feed")))
    bulk_rate = len(rows) / statistics.median(bulk)
    raw_rate = len(rows) / statistics.median(raw)
    return {
        "rows": len(rows),
        "bulk_seconds": summarize(bulk),
        "copy_seconds": summarize(raw),
        "bulk_rows_per_second": bulk_rate,
        "copy_rows_per_second": raw_rate,
        "ratio": bulk_rate / raw_rate,
    }


# --- rescore ------------------------------------------------------------------


def build_scored_record(scale: Scale) -> dict:
    """The record the rescore and HTTP stages run on, built after ingest."""
    from tests.synthetic import build_synthetic_record

    truncate_observations()
    seconds = timed(
        lambda: build_synthetic_record(
            predictions=scale.predictions,
            indicators=scale.indicators,
            observations=scale.observations,
            seed=1,
        )
    )
    return {"build_seconds": seconds}


def measure_rescore(scale: Scale) -> dict:
    from indicators.models import Indicator, Observation
    from predictions import services

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE indicators_observation")
    services.rescore_predictions()  # warm-up: caches, first scores
    full = [timed(services.rescore_predictions) for _ in range(scale.runs)]
    indicator = Indicator.objects.filter(predictions__isnull=False).first()
    touched = indicator.predictions.count()
    incremental = []
    for run in range(max(3, scale.runs)):
        latest = Observation.objects.filter(indicator=indicator).latest("date")
        Observation.objects.create(
            indicator=indicator,
            date=latest.date,
            value=latest.value,
            published_on=latest.date,
            source_url=f"https://example.org/new-{run}",
            source_title="One new observation",
            origin="api",
        )
        incremental.append(
            timed(lambda: services.rescore_indicators(indicator_ids=[indicator.pk]))
        )
    full_median = statistics.median(full)
    incremental_median = statistics.median(incremental)
    return {
        "full_seconds": summarize(full),
        "incremental_seconds": summarize(incremental),
        "incremental_predictions": touched,
        "speedup": full_median / incremental_median,
    }


def measure_history(scale: Scale) -> dict:
    """Every prediction scored as of each month-end since its source's
    publication (``rescore --history``), as many times as the scale says."""
    from predictions import services

    summaries = [services.rescore_history() for _ in range(scale.runs)]
    return {
        "seconds": summarize([summary.seconds for summary in summaries]),
        "months": summaries[0].months,
        "scores": summaries[0].scores,
    }


def wait_for(check: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


def measure_worker_memory(env: dict) -> dict:
    """Peak resident memory of a real Celery worker running the full rescore."""
    from django_celery_results.models import TaskResult

    from predictions import tasks

    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "tracker",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "error",
            "--queues",
            "bench",
            "--hostname",
            "bench@%h",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        time.sleep(1)  # let the worker connect before the task is sent
        before = peak_rss_mb(worker.pid)
        result = tasks.rescore_all_task.apply_async(queue="bench")
        wait_for(
            lambda: TaskResult.objects.filter(
                task_id=result.id, status="SUCCESS"
            ).exists(),
            seconds=300,
            what="the rescore task",
        )
        return {"before_mb": before, "peak_mb": peak_rss_mb(worker.pid)}
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)


# --- HTTP -----------------------------------------------------------------------


def endpoints() -> dict[str, str]:
    """Every page measured, by name; `bare` is the floor the others are
    divided by. The detail pages take the record's first prediction and its
    indicator (the first indicator by id may be one of the ingest stage's,
    which have no observations)."""
    from predictions.models import Prediction, Source

    prediction, indicator = Prediction.objects.order_by("pk").values_list(
        "slug", "indicator__slug"
    )[0]
    source = Source.objects.order_by("pk").values_list("slug", flat=True)[0]
    return {
        "bare": "/bench/bare/",
        "bare_rows": "/bench/bare-rows/",
        "scoreboard": "/api/v1/scoreboard/",
        "predictions_page": "/api/v1/predictions/?page_size=50",
        "observations_page": "/api/v1/observations/?page_size=50",
        "indicator_observations": f"/api/v1/indicators/{indicator}/observations/",
        "history": f"/api/v1/predictions/{prediction}/scores/",
        "home": "/",
        "questions": "/questions/",
        "report_card": "/report-card/",
        "methods": "/methods/",
        "source": f"/sources/{source}/",
        "prediction": f"/predictions/{prediction}/",
    }


# The views of the bench itself, measured once: they keep no page.
FLOORS = ("bare", "bare_rows")
# Each page is also measured cold, on a second server whose page store keeps
# nothing (tests/bench/settings.py): what a page costs read from the database.
COLD_ENV = {"BENCH_PAGE_STORE": "off"}


def start_wrk(
    url: str, seconds: int, connections: int = 32, script: Path | None = None
) -> subprocess.Popen:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    return subprocess.Popen(command + [url], stdout=subprocess.PIPE, text=True)


def read_wrk(process: subprocess.Popen) -> dict:
    """The figures of a finished wrk run."""
    out, _ = process.communicate()
    if process.returncode:
        raise RuntimeError(f"wrk failed with exit code {process.returncode}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: (.*)", out)
    p50 = re.search(r"50%\s+(\S+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sockets.group(1) if sockets else "",
        "p50": p50.group(1) if p50 else "",
        "p99": p99.group(1) if p99 else "",
    }


def run_wrk(url: str, seconds: int, connections: int = 32) -> dict:
    result = read_wrk(start_wrk(url, seconds, connections))
    drain(url)
    return result


def drain(url: str, workers: int = 2) -> None:
    """Wait until the server has answered what wrk left queued.

    A sync worker answers every request it accepted, even one whose client
    has gone: after a run on a slow page (a second a request, 32 connections)
    the next run would measure that backlog instead of its own page. A
    request sent now is answered after it, one per worker.
    """
    for _ in range(workers):
        with urllib.request.urlopen(url, timeout=600) as response:
            response.read()


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "tracker.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "-k",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/") as r:
                return r.status == 200
        except OSError:
            return False

    wait_for(answers, seconds=60, what="gunicorn")
    return server


def ratio(rps: float, bare: float | None) -> float | None:
    """The share of the bare view's rate; none when the floor itself failed."""
    return rps / bare if bare else None


def measure_http(scale: Scale, env: dict, port: int = 8391) -> dict:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    pages = endpoints()
    kept = start_gunicorn(env, port)
    cold = start_gunicorn({**env, **COLD_ENV}, port + 1)
    try:
        samples: dict[str, list[dict]] = {}
        for path in pages.values():
            for server_port in (port, port + 1):
                run_wrk(f"http://127.0.0.1:{server_port}{path}", scale.http_warmup)
        for _ in range(scale.runs):
            # Alternate with the bare view so that noise hits both alike.
            for name, path in pages.items():
                samples.setdefault(name, []).append(
                    run_wrk(f"http://127.0.0.1:{port}{path}", scale.http_seconds)
                )
                if name not in FLOORS:
                    samples.setdefault(name + COLD, []).append(
                        run_wrk(
                            f"http://127.0.0.1:{port + 1}{path}", scale.http_seconds
                        )
                    )
    finally:
        for server in (kept, cold):
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    floor = samples["bare"]
    bare = statistics.median(s["rps"] for s in floor)
    if any(s["non_2xx"] for s in floor):
        bare = None
    report = {}
    for name, runs in samples.items():
        rps = [s["rps"] for s in runs]
        report[name] = {
            "rps": summarize(rps),
            "ratio_to_bare": ratio(statistics.median(rps), bare),
            "errors": sum(s["non_2xx"] for s in runs),
            "socket_errors": [s["socket_errors"] for s in runs if s["socket_errors"]],
        }
    return report


def analyze_tables() -> dict:
    """Bring the planner's statistics up to date on every table before the
    pages are measured: the rescores have just written the scores and their
    history, which autovacuum may not have sampled yet. Says how long it took
    and which tables it analyzed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (started,) = cursor.fetchone()
        seconds = timed(lambda: cursor.execute("ANALYZE"))
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze >= %s"
            " ORDER BY relname",
            [started],
        )
        return {"seconds": seconds, "tables": [name for (name,) in cursor]}


def measure_queries() -> dict:
    """Queries per request of every page: cold (the page store emptied) and
    warm (the same URL again)."""
    from tracker import memo

    client = Client()
    counts = {}
    for name, path in endpoints().items():
        memo.RESPONSES.clear()
        with CaptureQueriesContext(connection) as cold:
            status = client.get(path).status_code
        with CaptureQueriesContext(connection) as warm:
            client.get(path)
        counts[name] = {"cold": len(cold), "warm": len(warm), "status": status}
    return counts
