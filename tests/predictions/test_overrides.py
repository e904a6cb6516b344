"""Overrides: an editor's verdict wins over the data and is kept in history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from predictions import services
from predictions.models import Score, Status
from tests.factories import IndicatorFactory, ObservationFactory, PredictionFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 1)


@pytest.fixture
def prediction():
    indicator = IndicatorFactory()
    ObservationFactory(indicator=indicator, date=datetime.date(2025, 1, 15), value=40)
    return PredictionFactory(
        indicator=indicator, target=80.0, deadline=datetime.date(2025, 1, 31)
    )


def test_an_override_wins_over_the_data(prediction):
    score = services.override_resolution(
        prediction=prediction, outcome=True, reason="Announced in a filing."
    )
    assert (score.status, score.is_override) == (Status.RESOLVED_TRUE, True)


def test_a_rescore_does_not_undo_an_override(prediction):
    services.override_resolution(
        prediction=prediction, outcome=True, reason="Announced in a filing."
    )
    services.rescore_predictions(today=DAY)
    prediction.refresh_from_db()
    assert prediction.current_score.status == Status.RESOLVED_TRUE


def test_an_override_scores_the_stated_probability(prediction):
    prediction.probability = 0.8
    prediction.save()
    score = services.override_resolution(
        prediction=prediction, outcome=False, reason="The lab denied it."
    )
    assert score.brier == pytest.approx(0.64)


def test_an_override_keeps_the_day_it_was_first_scored(prediction):
    services.override_resolution(prediction=prediction, outcome=True, reason="Filed.")
    first = prediction.current_score.resolved_on
    services.rescore_predictions(today=datetime.date(2099, 1, 1))
    prediction.refresh_from_db()
    assert prediction.current_score.resolved_on == first


def test_an_override_needs_a_written_reason(prediction):
    with pytest.raises(ValidationError) as error:
        services.override_resolution(prediction=prediction, outcome=True, reason=" ")
    assert "override_reason" in error.value.message_dict
    assert not Score.objects.exists()


def test_an_override_is_kept_in_history(prediction, django_user_model):
    editor = django_user_model.objects.create_user(username="ed", password="x" * 12)
    services.override_resolution(
        prediction=prediction, outcome=True, reason="Filed.", user=editor
    )
    record = prediction.history.first()
    assert (record.override_outcome, record.history_user) == (True, editor)
    assert record.history_change_reason == "Override: Filed."


def test_clearing_an_override_hands_the_prediction_back_to_the_data(prediction):
    services.override_resolution(prediction=prediction, outcome=True, reason="Filed.")
    score = services.clear_override(prediction=prediction)
    assert (score.status, score.is_override) == (Status.RESOLVED_FALSE, False)
