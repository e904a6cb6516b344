"""The benchmark itself runs: `make bench` at its small scale, asserting no speed."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")
def test_the_small_benchmark_reports_every_figure_beside_its_target(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench", "--scale", "small", "--output", tmp_path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "report.json").read_text())
    measured = {row["what"]: row for row in report["verdicts"]}
    assert measured["bulk ingest / raw COPY"]["value"] > 0
    assert measured["full rescore, seconds"]["value"] > 0
    assert measured["worker peak memory, MB"]["value"] > 0
    assert measured["history rescore, seconds"]["value"] > 0
    assert report["history"]["months"] > 0
    assert report["http"]["prediction_cold"]["errors"] == 0
    assert report["http"]["scoreboard"]["errors"] == 0
    assert report["http"]["bare_rows"]["errors"] == 0
    assert "bare_rows_cold" not in report["http"]
    assert report["queries"]["bare_rows"]["cold"] == 1
    assert report["queries"]["scoreboard"]["cold"] <= 6
    assert {"predictions_score", "predictions_prediction"} <= set(
        report["statistics"]["tables"]
    )
    assert report["load"]["errors"] == 0
    assert report["load"]["feeds"]["succeeded"] == report["load"]["feeds"]["runs"] > 0
    assert "| measure | value | target | met |" in (tmp_path / "report.md").read_text()
    profiled = report["profile"]["observations_page"]
    assert profiled["ms_per_request"] > report["profile"]["bare"]["ms_per_request"]
    assert sum(profiled["shares"].values()) == pytest.approx(1.0)
    assert profiled["shares"]["database (psycopg, waiting for PostgreSQL)"] > 0
    assert "Where a cold request's time goes" in (tmp_path / "report.md").read_text()


@pytest.mark.parametrize(
    ("filename", "part"),
    [
        ("/venv/site-packages/psycopg/connection.py", "database"),
        ("/venv/site-packages/django/db/models/sql/compiler.py", "ORM"),
        ("/work/main/indicators/serializers.py", "serializers"),
        ("/usr/lib/python3.11/json/encoder.py", "JSON encoding"),
        ("/venv/site-packages/django_redis/client/default.py", "cache"),
        ("/venv/site-packages/django/core/handlers/base.py", "Django, DRF"),
        ("~", "Django, DRF"),
    ],
)
def test_the_profile_counts_each_function_in_its_part_of_the_stack(filename, part):
    from tests.bench.profile import part_of

    assert part_of(filename).startswith(part)


@pytest.mark.parametrize(
    ("function", "part"),
    [
        ("<built-in method orjson.dumps>", "JSON encoding"),
        ("<method 'execute' of 'psycopg_binary._psycopg.PGconn' objects>", "database"),
        ("<method 'poll' of 'select.epoll' objects>", "database"),
        ("<built-in method builtins.isinstance>", "Django, DRF"),
    ],
)
def test_a_built_in_function_is_counted_in_its_part_by_name(function, part):
    from tests.bench.profile import part_of

    assert part_of("~", function).startswith(part)


def fake_report(scale: str, rescore: float, queries: int) -> dict:
    from tests.bench.__main__ import verdicts
    from tests.bench.scales import SCALES

    report = {
        "scale": scale,
        "date": "2026-12-04",
        "machine": "2 cores",
        "sizes": {"predictions": 1_000, "observations": 1_000_000},
        "rescore": {
            "full_seconds": {"median": rescore},
            "incremental_seconds": {"median": 0.01},
        },
        "memory": {"peak_mb": 200.0},
        "ingest": {"bulk_rows_per_second": 30_000.0},
        "http": {
            "scoreboard": {"rps": {"median": 900.0}, "ratio_to_bare": 0.9},
            "scoreboard_cold": {"rps": {"median": 300.0}, "ratio_to_bare": 0.3},
        },
        "queries": {"scoreboard": {"cold": queries, "warm": 0}},
    }
    report["verdicts"] = verdicts(report, SCALES[scale])
    return report


def test_the_growth_table_has_a_column_per_scale_and_judges_across_them():
    from tests.bench.__main__ import growth_markdown

    table = growth_markdown([fake_report("1x", 0.8, 6), fake_report("10x", 12.0, 7)])

    assert "| measure | 1x | 10x |" in table
    assert "| full rescore, s | 0.80 | 12.00 |" in table
    assert (
        "| scoreboard cold, req/s (share of bare) | 300 (0.30) | 300 (0.30) |" in table
    )
    assert "- 1x: full rescore, seconds 0.8 (target <= 1): met." in table
    assert "- 10x: full rescore, seconds 12 (target <= 10): NOT met." in table
    assert (
        "- Queries per request the same at every scale: NOT met (scoreboard)." in table
    )
