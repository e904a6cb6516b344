"""Build a synthetic record in its own PostgreSQL database and measure it."""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tests.bench.scales import COLD, GROUPS, SCALES, Scale

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tracker"
COLD_PAGES = (
    "scoreboard",
    "predictions_page",
    "observations_page",
    "indicator_observations",
)


def profiled_pages() -> dict[str, str]:
    """The bench's own views and the pages measured cold against a target."""
    from tests.bench.measure import FLOORS, endpoints

    pages = endpoints()
    return {name: pages[name] for name in (*FLOORS, *COLD_PAGES)}


def targets(scale: Scale) -> list[tuple]:
    """Each target: (what, key path in the report, comparison, limit)."""
    return [
        ("bulk ingest / raw COPY", ("ingest", "ratio"), ">=", 0.5),
        (
            "full rescore, seconds",
            ("rescore", "full_seconds", "median"),
            "<=",
            scale.rescore_limit,
        ),
        ("incremental speed-up over full", ("rescore", "speedup"), ">=", 20.0),
        *(
            [("history rescore, seconds", ("history", "seconds", "median"), "<=", 30.0)]
            if scale.history
            else []
        ),
        ("worker peak memory, MB", ("memory", "peak_mb"), "<", scale.memory_limit),
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
            for page in COLD_PAGES
        ),
        *(
            [
                (
                    "load test: failed requests during ingest",
                    ("load", "errors"),
                    "<=",
                    0,
                ),
                ("load test: feed runs failed", ("load", "feeds", "failed"), "<=", 0),
            ]
            if scale.load_seconds
            else []
        ),
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


def verdicts(report: dict, scale: Scale) -> list[dict]:
    rows = []
    for label, path, comparison, limit in targets(scale):
        value = dig(report, path)
        rows.append(
            {
                "what": label,
                "value": value,
                "target": f"{comparison} {limit:g}",
                "met": None if value is None else met(value, comparison, limit),
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


def met(value: float, comparison: str, limit: float) -> bool:
    return {">=": value >= limit, "<=": value <= limit, "<": value < limit}[comparison]


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
    history = report.get("history")
    if history:
        lines += [
            "",
            f"History rescore: {history['months']} month-ends, {history['scores']:,} "
            f"scores, {history['seconds']['median']:.1f} s (median of "
            f"{history['seconds']['runs']}).",
        ]
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
            "a single client. `bare_rows` is the hand-written list of "
            "research/baselines.md (50 observations by `.values()`, with no "
            "count, filter, serializer or DRF): what a cold list costs at best.",
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
    lines += profile_markdown(report.get("profile"))
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


def profile_markdown(profiled: dict | None) -> list[str]:
    """Where a cold request's time goes: a column per page, a row per part."""
    if not profiled:
        return []
    names = list(profiled)
    parts = list(profiled[names[0]]["shares"])
    lines = [
        "",
        "Where a cold request's time goes, in-process (the page store off; "
        "`tests/bench/profile.py`): milliseconds per request unprofiled, then "
        "each part's share of the profiled time.",
        "",
        "| | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
        "| ms per request | "
        + " | ".join(f"{profiled[n]['ms_per_request']:.2f}" for n in names)
        + " |",
    ]
    for part in parts:
        lines.append(
            f"| {part} | "
            + " | ".join(f"{profiled[n]['shares'][part]:.0%}" for n in names)
            + " |"
        )
    return lines


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
    from tests.bench import load, measure, profile
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
        *(
            [("history", lambda: measure.measure_history(scale))]
            if scale.history
            else []
        ),
        ("memory", lambda: measure.measure_worker_memory(dict(os.environ))),
        ("statistics", measure.analyze_tables),
        ("queries", measure.measure_queries),
        ("profile", lambda: profile.profile_cold_pages(profiled_pages())),
        ("http", lambda: measure.measure_http(scale, dict(os.environ))),
        *(
            [("load", lambda: load.measure_load(scale, dict(os.environ)))]
            if scale.load_seconds
            else []
        ),
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
    report["verdicts"] = verdicts(report, scale)
    output.mkdir(parents=True, exist_ok=True)
    (output / "report.json").write_text(json.dumps(report, indent=2, default=str))
    (output / "report.md").write_text(markdown(report))
    return report


def run_group(names: tuple[str, ...], output: Path) -> str:
    """Each scale in its own process (settings are read once per process),
    then the growth table over their reports."""
    reports = []
    for name in names:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.bench",
                "--scale",
                name,
                "--output",
                str(output / name),
            ],
            check=True,
        )
        reports.append(json.loads((output / name / "report.json").read_text()))
    table = growth_markdown(reports)
    (output / "growth.md").write_text(table)
    return table


def growth_markdown(reports: list[dict]) -> str:
    """One column per scale: how each measure grows with the record."""
    names = [report["scale"] for report in reports]
    lines = [
        f"Growth on {reports[0]['date']}, {reports[0]['machine']}; "
        "medians of three runs.",
        "",
        "| measure | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
    ]

    def row(what: str, values: list) -> None:
        lines.append(f"| {what} | " + " | ".join(values) + " |")

    def figure(report: dict, path: tuple, pattern: str = "{:,.2f}") -> str:
        value = dig(report, path)
        return "—" if value is None else pattern.format(value)

    row("predictions", [f"{r['sizes']['predictions']:,}" for r in reports])
    row("observations", [f"{r['sizes']['observations']:,}" for r in reports])
    row(
        "full rescore, s",
        [figure(r, ("rescore", "full_seconds", "median")) for r in reports],
    )
    row(
        "incremental rescore, s",
        [
            figure(r, ("rescore", "incremental_seconds", "median"), "{:.3f}")
            for r in reports
        ],
    )
    row(
        "worker peak memory, MB",
        [figure(r, ("memory", "peak_mb"), "{:.0f}") for r in reports],
    )
    row(
        "bulk ingest, rows/s",
        [figure(r, ("ingest", "bulk_rows_per_second"), "{:,.0f}") for r in reports],
    )
    for page in reports[0].get("http", {}):
        if page.endswith(COLD):
            continue
        for kind, key in (("kept", page), ("cold", page + COLD)):
            if key not in reports[0]["http"]:
                continue
            row(
                f"{page} {kind}, req/s (share of bare)",
                [
                    figure(r, ("http", key, "rps", "median"), "{:,.0f}")
                    + f" ({share(dig(r, ('http', key, 'ratio_to_bare')))})"
                    for r in reports
                ],
            )
        row(
            f"{page} queries cold/kept",
            [
                "/".join(str(dig(r, ("queries", page, k))) for k in ("cold", "warm"))
                for r in reports
            ],
        )
    lines += ["", *growth_verdicts(reports)]
    return "\n".join(lines) + "\n"


def growth_verdicts(reports: list[dict]) -> list[str]:
    """The targets that compare scales: each scale's own are in its report."""
    lines = []
    for report in reports:
        for verdict in report["verdicts"]:
            if verdict["what"] in ("full rescore, seconds", "worker peak memory, MB"):
                shown = (
                    "none"
                    if verdict["value"] is None
                    else format_figure(verdict["value"])
                )
                state = {True: "met", False: "NOT met", None: "not measured"}[
                    verdict["met"]
                ]
                lines.append(
                    f"- {report['scale']}: {verdict['what']} {shown} "
                    f"(target {verdict['target']}): {state}."
                )
    counts = {
        page: {
            tuple(report["queries"][page][k] for k in ("cold", "warm"))
            for report in reports
        }
        for page in reports[0].get("queries", {})
    }
    changed = sorted(page for page, seen in counts.items() if len(seen) > 1)
    lines.append(
        "- Queries per request the same at every scale: "
        + ("met." if not changed else f"NOT met ({', '.join(changed)}).")
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--scale",
        choices=sorted([*SCALES, *GROUPS]),
        default="default",
        help="one scale, or large: 1x, 3x and 10x with a growth table",
    )
    parser.add_argument("--output", type=Path, default=Path("bench-output"))
    args = parser.parse_args()
    if args.scale in GROUPS:
        print(run_group(GROUPS[args.scale], args.output))
        return
    report = run(args.scale, args.output)
    print(markdown(report))


if __name__ == "__main__":
    main()
