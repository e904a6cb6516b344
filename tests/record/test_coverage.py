"""The coverage map: sections.yaml checked against the record, and kept in step."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from predictions.coverage import PredictionRef, read_sections, render_coverage
from predictions.models import Prediction

pytestmark = pytest.mark.slow

REFS = {
    "a-one": PredictionRef("a-one", "ai2027", "threshold", "2026-12-31"),
    "l-one": PredictionRef("l-one", "lambert", "event", "2027-12-31"),
}
SOURCES = {"ai2027", "lambert"}


def sections_yaml(ai2027_claims: str, lambert_claims: str = "") -> bytes:
    lambert_claims = lambert_claims or "      - {claim: L, predictions: [l-one]}\n"
    return (
        "- source: ai2027\n  sections:\n  - title: Mid 2025\n"
        "    url: https://ai-2027.com/\n    claims:\n"
        f"{ai2027_claims}"
        "- source: lambert\n  sections:\n  - title: Intro\n"
        "    url: https://example.org/\n    claims:\n"
        f"{lambert_claims}"
    ).encode()


def errors_of(raw: bytes) -> list[str]:
    _, errors = read_sections(raw, predictions=REFS, sources=SOURCES)
    return [str(error) for error in errors]


def test_a_complete_sections_file_has_no_errors() -> None:
    raw = sections_yaml(
        "      - {claim: A, predictions: [a-one]}\n"
        "      - {claim: B, not_in_record: not_checkable, reason: internal}\n"
    )
    assert errors_of(raw) == []


def test_an_unknown_prediction_is_an_error() -> None:
    raw = sections_yaml(
        "      - {claim: A, predictions: [a-one]}\n"
        "      - {claim: B, predictions: [no-such-slug]}\n"
    )
    assert any("'no-such-slug' is not a prediction" in e for e in errors_of(raw))


def test_a_prediction_listed_nowhere_is_an_error() -> None:
    raw = sections_yaml("      - {claim: B, not_in_record: undecidable, reason: x}\n")
    assert any("a-one" in e and "not listed" in e for e in errors_of(raw))


def test_a_prediction_under_the_other_source_is_an_error() -> None:
    raw = sections_yaml(
        "      - {claim: A, predictions: [a-one, l-one]}\n",
        "      - {claim: L, predictions: [l-one]}\n",
    )
    assert any("belongs to another source" in e for e in errors_of(raw))


def test_a_claim_needs_predictions_or_a_reason_but_not_both() -> None:
    raw = sections_yaml(
        "      - {claim: A, predictions: [a-one], not_in_record: duplicate}\n"
    )
    assert any("either predictions or not_in_record" in e for e in errors_of(raw))


def test_a_duplicate_must_name_the_prediction_it_repeats() -> None:
    raw = sections_yaml(
        "      - {claim: A, predictions: [a-one]}\n"
        "      - {claim: B, not_in_record: duplicate, duplicate_of: nowhere}\n"
    )
    assert any("duplicate_of" in e for e in errors_of(raw))


def test_the_map_tallies_each_disposition() -> None:
    raw = sections_yaml(
        "      - {claim: A, predictions: [a-one]}\n"
        "      - {claim: B, not_in_record: duplicate, duplicate_of: a-one}\n"
    )
    sections, _ = read_sections(raw, predictions=REFS, sources=SOURCES)

    text = render_coverage(sections, REFS, source_names={"ai2027": "AI 2027"})

    assert "| AI 2027 | 1 | 2 | 1 | 0 | 1 | 0 | 1 |" in text
    assert "- B — not in the record (duplicate): repeats `a-one`" in text


@pytest.mark.django_db
def test_the_committed_coverage_map_is_in_step_with_the_record() -> None:
    call_command("coverage_map", "--check", stdout=StringIO())


@pytest.mark.django_db
def test_the_check_fails_when_the_map_is_stale(tmp_path: Path) -> None:
    stale = tmp_path / "coverage.md"
    stale.write_text("# old\n")

    with pytest.raises(CommandError, match="out of date"):
        call_command("coverage_map", "--check", "--output", str(stale))


@pytest.mark.django_db
def test_load_seed_refuses_a_sections_file_naming_an_unknown_prediction(
    record_dir: Path,
) -> None:
    (record_dir / "sections.yaml").write_text(
        "- source: ai2027\n  sections:\n  - title: Mid 2025\n"
        "    url: https://ai-2027.com/\n    claims:\n"
        "      - {claim: A, predictions: [no-such-slug]}\n"
    )
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("load_seed", "--input", str(record_dir), stderr=err)

    assert "no-such-slug" in err.getvalue()
    assert "not listed under any section" in err.getvalue()
    assert not Prediction.objects.exists()


@pytest.mark.django_db
def test_every_section_of_lamberts_post_is_in_the_map() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "coverage.md").read_text()
    for heading in (
        "Introduction",
        "1. How labs make progress on evaluations",
        "2. Current AI is broad, not narrow intelligence",
        "3. Data research is the foundation of algorithmic AI progress",
        "4. Over-optimism of RL training",
        "A world with compute shifting to inference",
    ):
        assert f"### [{heading}" in text
