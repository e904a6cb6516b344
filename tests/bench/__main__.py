"""Build a synthetic record in its own PostgreSQL database and measure it."""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tests.bench.scales import SCALES

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tracker"
# Each target: (section, key path, comparison, limit, what it means).
TARGETS = [
    ("bulk ingest / raw COPY", ("ingest", "ratio"), ">=", 0.5),
    ("full rescore, seconds", ("rescore", "full_seconds", "median"), "<=", 1.0),
    ("incremental speed-up over full", ("rescore", "speedup"), ">=", 20.0),
    ("worker peak memory, MB", ("memory", "peak_mb"), "<", 300.0),
    ("scoreboard / bare view", ("http", "scoreboard", "ratio_to_bare"), ">=", 0.6),
    (
        "50-row page / bare view",
        ("http", "predictions_page", "ratio_to_bare"),
        ">=",
        0.3,
    ),
    ("home page / bare view", ("http", "home", "ratio_to_bare"), ">=", 0.3),
    *(
        (
            f"{page} cold / bare view",
            ("http", f"{page}_cold", "ratio_to_bare"),
            ">=",
            0.3,
        )
        for page in (
            "scoreboard",
            "predictions_page",
            "observations_page",
            "indicator_observations",
        )
    ),
    ("load test: failed requests during ingest", ("load", "errors"), "<=", 0),
    ("load test: feed runs failed", ("load", "feeds", "failed"), "<=", 0),
]
QUERY_LIMIT = 6


def bench_database_url(scale_name: str) -> str:
    """The bench database, named after the configured one, so that two
    checkouts with their own databases never drop each other's."""
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    name = parts.path.lstrip("/") or "tracker"
    return urlunsplit(parts._replace(path=f"/{name}_bench_{scale_name}"))


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = parts.path.lstrip("/")
    with psycopg.connect(
        admin.replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def dig(report: dict, path: tuple) -> float | None:
    value = report
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def verdicts(report: dict) -> list[dict]:
    rows = []
    for label, path, comparison, limit in TARGETS:
        value = dig(report, path)
        met = (
            None
            if value is None
            else {">=": value >= limit, "<=": value <= limit, "<": value < limit}[
                comparison
            ]
        )
        rows.append(
            {
                "what": label,
                "value": value,
                "target": f"{comparison} {limit:g}",
                "met": met,
            }
        )
    for name, counts in report.get("queries", {}).items():
        worst = max(counts["cold"], counts["warm"])
        rows.append(
            {
                "what": f"queries per request, {name} (cold/warm)",
                "value": f"{counts['cold']}/{counts['warm']}",
                "target": f"<= {QUERY_LIMIT}",
                "met": worst <= QUERY_LIMIT,
            }
        )
    return rows


def markdown(report: dict) -> str:
    lines = [
        f"Benchmark at scale `{report['scale']}` on {report['date']}, "
        f"{report['machine']}.",
        "",
        "| measure | value | target | met |",
        "| --- | --- | --- | --- |",
    ]
    for row in report["verdicts"]:
        value = row["value"]
        shown = "none" if value is None else format_figure(value)
        met = {True: "yes", False: "**NO**", None: "not measured"}[row["met"]]
        lines.append(f"| {row['what']} | {shown} | {row['target']} | {met} |")
    ingest = report.get("ingest")
    if ingest:
        lines += [
            "",
            f"Ingest: bulk path {ingest['bulk_rows_per_second']:,.0f} rows/s, "
            f"raw COPY {ingest['copy_rows_per_second']:,.0f} rows/s "
            f"({ingest['rows']:,} rows).",
        ]
    http = report.get("http")
    if http:
        lines += [
            "",
            "Every page, kept (served from the copy a process keeps) and cold (on a "
            "server whose page store keeps nothing); requests per second "
            "(median), share of the bare view, queries per request. Throttling "
            "is off in the benchmark: one load generator would be throttled as "
            "a single client.",
            "",
            "| page | kept req/s | kept / bare | cold req/s | cold / bare "
            "| queries cold/kept |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        queries = report.get("queries", {})
        for name, data in http.items():
            if name.endswith("_cold"):
                continue
            cold = http.get(f"{name}_cold")
            counts = queries.get(name)
            cold_rps = f"{cold['rps']['median']:,.0f}" if cold else "—"
            cold_share = share(cold["ratio_to_bare"]) if cold else "—"
            count = f"{counts['cold']}/{counts['warm']}" if counts else "—"
            lines.append(
                f"| {name} | {data['rps']['median']:,.0f} "
                f"| {share(data['ratio_to_bare'])} | {cold_rps} | {cold_share} "
                f"| {count} |"
            )
    load = report.get("load")
    if load:
        lines += [
            "",
            f"Load: {load['requests']:,} requests in {load['seconds']} s over "
            f"{load['connections']} connections ({load['rps']:,.0f}/s, p50 "
            f"{load['p50']}, p99 {load['p99']}), {load['errors']} failed; "
            f"meanwhile {load['feeds']['succeeded']} of {load['feeds']['runs']} "
            f"feed runs wrote {load['feeds']['rows_new']:,} observations.",
        ]
    return "\n".join(lines) + "\n"


def format_figure(value: float | int) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def share(value: float | None) -> str:
    """A ratio to the bare view, or a dash when the bare view failed."""
    return "—" if value is None else f"{value:.2f}"


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}"


def run(scale_name: str, output: Path) -> dict:
    scale = SCALES[scale_name]
    url = bench_database_url(scale.name)
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from indicators.models import Indicator
    from tests.bench import load, measure
    from tests.synthetic import build_synthetic_record

    call_command("migrate", verbosity=0)
    # Ingest is measured on indicators alone: truncating observations between
    # runs cascades to scores and so to predictions, which come afterwards.
    build_synthetic_record(predictions=0, indicators=scale.indicators, observations=0)
    report: dict = {
        "scale": scale.name,
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "machine": machine(),
        "sizes": {
            "predictions": scale.predictions,
            "indicators": scale.indicators,
            "observations": scale.observations,
        },
    }
    stages = [
        (
            "ingest",
            lambda: measure.measure_ingest(
                scale, measure.make_rows(scale, list(Indicator.objects.all()))
            ),
        ),
        ("record", lambda: measure.build_scored_record(scale)),
        ("rescore", lambda: measure.measure_rescore(scale)),
        ("memory", lambda: measure.measure_worker_memory(dict(os.environ))),
        ("queries", measure.measure_queries),
        ("http", lambda: measure.measure_http(scale, dict(os.environ))),
        ("load", lambda: load.measure_load(scale, dict(os.environ))),
    ]
    for name, stage in stages:
        started = time.perf_counter()
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        report[name] = stage()
        print(
            f"bench: {name} done in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    report["verdicts"] = verdicts(report)
    output.mkdir(parents=True, exist_ok=True)
    (output / "report.json").write_text(json.dumps(report, indent=2, default=str))
    (output / "report.md").write_text(markdown(report))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="default")
    parser.add_argument("--output", type=Path, default=Path("bench-output"))
    args = parser.parse_args()
    report = run(args.scale, args.output)
    print(markdown(report))


if __name__ == "__main__":
    main()
