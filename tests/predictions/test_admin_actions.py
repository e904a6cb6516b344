"""The prediction admin: rescore now, and override with a written reason."""

import pytest
from django.urls import reverse

from predictions.models import Score, Status
from tests.factories import PredictionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:predictions_prediction_changelist")


def act(client, action: str, predictions, **fields):
    data = {"action": action, "_selected_action": [p.pk for p in predictions]}
    return client.post(CHANGELIST, {**data, **fields})


def test_rescore_selected_scores_only_those(staff_client):
    chosen, _ = PredictionFactory(), PredictionFactory()
    act(staff_client, "rescore_selected", [chosen])
    assert list(Score.objects.values_list("prediction_id", flat=True)) == [chosen.pk]


def test_override_asks_for_a_reason_first(staff_client):
    prediction = PredictionFactory()
    response = act(staff_client, "override_selected", [prediction])
    assert b"Override the resolution" in response.content
    assert not Score.objects.exists()


def test_override_with_a_reason_resolves_the_selected(staff_client):
    prediction = PredictionFactory()
    act(
        staff_client,
        "override_selected",
        [prediction],
        apply="Override",
        outcome="true",
        reason="Confirmed in the lab's filing.",
    )
    prediction.refresh_from_db()
    assert prediction.current_score.status == Status.RESOLVED_TRUE
    assert prediction.history.first().history_user == staff_client.user


def test_override_without_a_reason_changes_nothing(staff_client):
    prediction = PredictionFactory()
    act(
        staff_client,
        "override_selected",
        [prediction],
        apply="Override",
        outcome="true",
    )
    prediction.refresh_from_db()
    assert prediction.override_outcome is None
