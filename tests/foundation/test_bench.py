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
    assert report["http"]["scoreboard"]["errors"] == 0
    assert report["load"]["errors"] == 0
    assert report["load"]["feeds"]["succeeded"] == report["load"]["feeds"]["runs"] > 0
    assert "| measure | value | target | met |" in (tmp_path / "report.md").read_text()
