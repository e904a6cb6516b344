"""An editor logs observations through the admin's short form."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Observation, Tier
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


def add_url_for(indicator) -> str:
    return f"{ADD_URL}?indicator={indicator.pk}"


def test_the_indicator_page_links_to_the_form_with_the_indicator_chosen(
    staff_client,
):
    indicator = IndicatorFactory()
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    page = staff_client.get(url).content.decode()
    assert f'href="{add_url_for(indicator)}"' in page


def test_the_public_indicator_page_links_staff_to_the_form(client, staff_client):
    indicator = IndicatorFactory(slug="leaderboard")
    url = reverse("indicator-detail", args=["leaderboard"])
    link = f'href="{add_url_for(indicator)}"'
    assert link in staff_client.get(url).content.decode()
    staff_client.logout()
    assert link not in client.get(url).content.decode()


def test_the_form_shows_the_unit_range_and_latest_value(staff_client):
    indicator = IndicatorFactory(unit="hours", min_value=0, max_value=None)
    ObservationFactory(
        indicator=indicator,
        date=datetime.date(2026, 4, 30),
        value=3.5,
        source_title="METR report",
    )
    page = staff_client.get(add_url_for(indicator)).content.decode()
    assert "Unit: <strong>hours</strong>" in page
    assert "range 0 to no maximum" in page
    assert "<strong>3.5 hours</strong>\n        on 2026-04-30" in page
    assert "METR report</a>" in page
    assert "In hours." in page


def test_the_form_fills_in_the_source_of_the_latest_value(staff_client):
    indicator = IndicatorFactory()
    ObservationFactory(
        indicator=indicator,
        date=datetime.date(2026, 1, 1),
        source_url="https://example.org/old",
        source_title="Old",
    )
    ObservationFactory(
        indicator=indicator,
        date=datetime.date(2026, 4, 1),
        source_url="https://example.org/board",
        source_title="The board",
        tier=Tier.PRESS,
    )
    form = staff_client.get(add_url_for(indicator)).context["adminform"].form
    assert form.initial["source_url"] == "https://example.org/board"
    assert form.initial["source_title"] == "The board"
    assert form.initial["tier"] == Tier.PRESS
    assert int(form.initial["indicator"]) == indicator.pk


def give_history(indicator, values) -> None:
    for month, value in enumerate(values, start=1):
        ObservationFactory(
            indicator=indicator,
            date=datetime.date(2025, month, 1),
            value=value,
            source_url=f"https://example.org/{month}",
        )


def test_a_value_ten_times_off_the_record_asks_before_saving(staff_client):
    indicator = IndicatorFactory(min_value=0, max_value=None)
    give_history(indicator, [60, 62, 65, 68, 70])
    response = staff_client.post(ADD_URL, form_data(indicator, value="725"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "is the unit right?" in page
    assert 'type="checkbox" name="save_anyway"' in page
    assert "In %." in page
    assert Observation.objects.count() == 5


def test_a_value_ten_times_off_is_saved_when_confirmed(staff_client):
    indicator = IndicatorFactory(min_value=0, max_value=None)
    give_history(indicator, [60, 62, 65, 68, 70])
    data = form_data(indicator, value="725", save_anyway="on")
    response = staff_client.post(ADD_URL, data)
    assert response.status_code == 302
    assert Observation.objects.filter(value=725).exists()


def test_a_value_near_the_trend_is_saved_at_once(staff_client):
    indicator = IndicatorFactory(min_value=0, max_value=None)
    give_history(indicator, [60, 62, 65, 68, 70])
    response = staff_client.post(ADD_URL, form_data(indicator, value="74"))
    assert response.status_code == 302
