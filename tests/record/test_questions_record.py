"""questions.yaml: checked before anything is written, idempotent, canonical."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from indicators.record_format import RecordInvalid
from predictions import record
from predictions.models import Prediction, Question
from predictions.question_record import read_questions

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_committed_questions_load_with_both_sides_each() -> None:
    call_command("load_seed", stdout=StringIO())

    assert Question.objects.count() >= 7
    for question in Question.objects.prefetch_related("predictions__source"):
        sources = {p.source.slug for p in question.predictions.all()}
        assert sources == {"ai2027", "lambert"}, question.slug


def test_loading_the_seed_twice_changes_no_question() -> None:
    call_command("load_seed", stdout=StringIO())
    out = StringIO()

    call_command("load_seed", stdout=out)

    assert "Nothing changed." in out.getvalue()


def test_exporting_gives_the_committed_questions_back(tmp_path: Path) -> None:
    call_command("load_seed", stdout=StringIO())

    call_command("export_record", "--output", str(tmp_path), stdout=StringIO())

    seed = record.RecordPaths.seed().questions
    assert (tmp_path / "questions.yaml").read_bytes() == seed.read_bytes()


def write_record_with_questions(tmp_path: Path, text: str) -> Path:
    seed = record.RecordPaths.seed()
    for kind in ("sources", "predictions", "indicators", "observations"):
        path = getattr(seed, kind)
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "questions.yaml").write_text(text)
    return tmp_path


QUESTION = """
- slug: q
  title: A question
  quantity: A quantity.
  decider: A decider.
  predictions: [{slugs}]
"""


def load_errors(tmp_path: Path, slugs: str) -> list[str]:
    directory = write_record_with_questions(tmp_path, QUESTION.format(slugs=slugs))
    with pytest.raises(RecordInvalid) as raised:
        record.load_record(record.RecordPaths.in_directory(directory))
    return [str(error) for error in raised.value.errors]


def test_a_question_naming_an_unknown_prediction_writes_nothing(tmp_path: Path):
    errors = load_errors(tmp_path, "ai2027-sc-mar2027, no-such-prediction")

    assert any("not in the record: no-such-prediction" in e for e in errors)
    assert not Question.objects.exists()


def test_a_question_of_one_source_is_refused(tmp_path: Path) -> None:
    errors = load_errors(tmp_path, "ai2027-sc-mar2027, ai2027-sc-nikola-forecast")

    assert any("at least two sources" in e for e in errors)


def test_a_derivation_must_read_a_forecast_with_quantiles() -> None:
    call_command("load_seed", stdout=StringIO())
    known = Prediction.objects.select_related("source").in_bulk(field_name="slug")
    raw = (
        QUESTION.format(slugs="ai2027-sc-mar2027, lambert-no-sc-2027")
        + "  derivations: [{prediction: ai2027-sc-mar2027, "
        "distributions: [lambert-no-sc-2027]}]\n"
    ).encode()

    _, errors = read_questions(raw, predictions=known)

    assert [e.field for e in errors] == ["derivations[1]"]
