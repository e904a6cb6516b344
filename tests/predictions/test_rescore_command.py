"""manage.py rescore: progress on stderr, one summary line on stdout."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from predictions.models import Score
from tests.factories import IndicatorFactory, PredictionFactory

pytestmark = pytest.mark.django_db


def rescore(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("rescore", "--date", "2025-06-01", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_a_summary_line():
    PredictionFactory.create_batch(2)
    out, _ = rescore()
    assert out.startswith("Scored 2 predictions as of 2025-06-01: 2 status changes")


def test_the_command_shows_progress():
    PredictionFactory()
    _, err = rescore()
    assert "1/1 predictions" in err


def test_the_indicator_option_scores_only_its_predictions():
    indicator = IndicatorFactory(slug="swe-bench")
    chosen = PredictionFactory(indicator=indicator)
    PredictionFactory()
    rescore("--indicator", "swe-bench")
    assert list(Score.objects.values_list("prediction_id", "as_of")) == [
        (chosen.pk, datetime.date(2025, 6, 1))
    ]


def test_an_unknown_indicator_is_named():
    with pytest.raises(CommandError, match="no-such-thing"):
        rescore("--indicator", "no-such-thing")
