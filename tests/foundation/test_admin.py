"""An editor logs observations through the admin's short form."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Observation
from tests.factories import IndicatorFactory, ObservationFactory, PredictionFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:indicators_observation_add")


def form_data(indicator, **overrides) -> dict:
    return {
        "indicator": indicator.pk,
        "date": "2025-06-30",
        "value": "72.5",
        "low": "",
        "high": "",
        "source_url": "https://example.org/leaderboard",
        "source_title": "Leaderboard",
        "tier": "primary",
        "published_on": "2025-07-01",
        "note": "",
        **overrides,
    }


def test_an_editor_logs_an_observation(staff_client):
    indicator = IndicatorFactory(min_value=0, max_value=100)
    response = staff_client.post(ADD_URL, form_data(indicator))
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert (observation.value, observation.origin) == (72.5, "admin")
    assert observation.recorded_by == staff_client.user
    assert observation.history.get().history_user == staff_client.user


def test_a_value_over_the_maximum_shows_a_form_error_and_writes_nothing(staff_client):
    indicator = IndicatorFactory(min_value=0, max_value=100)
    response = staff_client.post(ADD_URL, form_data(indicator, value="140"))
    assert response.status_code == 200
    assert "above the maximum" in response.content.decode()
    assert not Observation.objects.exists()


def test_bounds_in_the_wrong_order_show_a_form_error(staff_client):
    indicator = IndicatorFactory()
    response = staff_client.post(ADD_URL, form_data(indicator, low="80"))
    assert "lower bound is above the value" in response.content.decode()
    assert not Observation.objects.exists()


def test_an_existing_observation_is_linked_not_duplicated(staff_client):
    indicator = IndicatorFactory()
    existing = ObservationFactory(
        indicator=indicator,
        date=datetime.date(2025, 6, 30),
        source_url="https://example.org/leaderboard",
    )
    response = staff_client.post(ADD_URL, form_data(indicator))
    page = response.content.decode()
    assert response.status_code == 200
    assert "already has a value" in page
    assert reverse("admin:indicators_observation_change", args=[existing.pk]) in page
    assert Observation.objects.count() == 1


def test_the_indicator_page_shows_recent_observations(staff_client):
    observation = ObservationFactory(value=61.25)
    url = reverse("admin:indicators_indicator_change", args=[observation.indicator_id])
    assert "61.25" in staff_client.get(url).content.decode()


def test_the_prediction_page_says_when_it_has_no_score(staff_client):
    prediction = PredictionFactory()
    url = reverse("admin:predictions_prediction_change", args=[prediction.pk])
    assert "Not scored yet." in staff_client.get(url).content.decode()


def test_observation_history_is_browsable(staff_client):
    observation = ObservationFactory()
    url = reverse("admin:indicators_observation_history", args=[observation.pk])
    assert staff_client.get(url).status_code == 200


def test_the_admin_requires_staff(client):
    response = client.get(ADD_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_post_without_tier_or_publication_date_gets_primary_and_today(staff_client):
    indicator = IndicatorFactory(min_value=0, max_value=100)
    data = form_data(indicator)
    del data["tier"], data["published_on"]
    assert staff_client.post(ADD_URL, data).status_code == 302
    observation = Observation.objects.get()
    assert (observation.tier, observation.published_on) == (
        "primary",
        timezone.now().date(),
    )


def test_a_publication_date_before_the_measured_date_is_a_form_error(staff_client):
    indicator = IndicatorFactory(min_value=0, max_value=100)
    response = staff_client.post(
        ADD_URL, form_data(indicator, published_on="2025-01-01")
    )
    assert "before the date the value measures" in response.content.decode()
    assert not Observation.objects.exists()
