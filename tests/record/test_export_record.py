"""manage.py export_record: the database written back in the record's canonical form."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from indicators.models import Indicator
from predictions.record import RecordPaths
from tests.factories import ObservationFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

FILES = ("sources.yaml", "predictions.yaml", "indicators.yaml", "observations.csv")
FILES += ("feeds.yaml",)


def load_then_export(paths: RecordPaths, output: Path) -> None:
    call_command("load_seed", "--input", str(paths.sources.parent), stdout=StringIO())
    call_command("export_record", "--output", str(output), stdout=StringIO())


def test_loading_then_exporting_gives_the_fixture_files_back(
    record_dir: Path, tmp_path: Path
) -> None:
    load_then_export(RecordPaths.in_directory(record_dir), tmp_path / "out")

    for name in FILES:
        assert (tmp_path / "out" / name).read_bytes() == (
            record_dir / name
        ).read_bytes()


def test_loading_then_exporting_gives_the_committed_seed_back(tmp_path: Path) -> None:
    seed = RecordPaths.seed()
    call_command("load_seed", stdout=StringIO())
    call_command("export_record", "--output", str(tmp_path), stdout=StringIO())

    exported = RecordPaths.in_directory(tmp_path)
    kinds = ("sources", "predictions", "indicators", "observations", "feeds")
    for kind in (*kinds, "derived"):
        assert getattr(exported, kind).read_bytes() == getattr(seed, kind).read_bytes()


def test_the_export_includes_observations_added_in_the_admin(
    record_dir: Path, tmp_path: Path
) -> None:
    call_command("load_seed", "--input", str(record_dir), stdout=StringIO())
    ObservationFactory(
        indicator=Indicator.objects.get(slug="swe-bench-verified"),
        date=datetime.date(2025, 8, 1),
        value=74.5,
        source_url="https://example.org/august",
    )

    call_command("export_record", "--output", str(tmp_path), stdout=StringIO())

    exported = (tmp_path / "observations.csv").read_text()
    assert (
        "swe-bench-verified,2025-08-01,74.5,,,false,primary,2025-08-01,,"
        "https://example.org/august" in exported
    )


def test_an_exported_record_loads_back_unchanged(
    record_dir: Path, tmp_path: Path
) -> None:
    load_then_export(RecordPaths.in_directory(record_dir), tmp_path)
    out = StringIO()

    call_command("load_seed", "--input", str(tmp_path), stdout=out)

    assert "Nothing changed." in out.getvalue()


def test_an_open_quantile_is_exported_as_it_was_written(
    record_dir: Path, tmp_path: Path
) -> None:
    predictions = record_dir / "predictions.yaml"
    predictions.write_text(
        predictions.read_text().replace("[0.9, 16.5]", "[0.9, '>16.5']")
    )

    load_then_export(RecordPaths.in_directory(record_dir), tmp_path / "out")

    assert (tmp_path / "out" / "predictions.yaml").read_bytes() == (
        predictions.read_bytes()
    )
