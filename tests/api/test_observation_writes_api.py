"""POST /api/v1/observations/: one or a list, all or nothing, the admin's upsert."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from indicators.models import Observation
from tests.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/observations/"


@pytest.fixture
def indicator():
    return IndicatorFactory(slug="swe-bench", min_value=0, max_value=100)


def item(**fields) -> dict:
    return {
        "indicator": "swe-bench",
        "date": "2025-06-01",
        "value": 72.5,
        "source_url": "https://example.org/swebench/",
        "source_title": "SWE-bench leaderboard",
        **fields,
    }


def post(client, payload):
    return client.post(URL, payload, format="json")


def test_a_new_observation_is_201_and_recorded(writer_client, indicator):
    response = post(writer_client, item())

    assert response.status_code == 201
    assert Observation.objects.get().value == 72.5


def test_an_observation_records_origin_api_and_the_tokens_user(
    writer_client, indicator
):
    post(writer_client, item())

    observation = Observation.objects.get()
    assert (observation.origin, observation.recorded_by) == ("api", writer_client.user)


def test_a_changed_value_is_200_and_updates_the_row(writer_client, indicator):
    post(writer_client, item(value=70))

    response = post(writer_client, item(value=75))

    assert response.status_code == 200
    assert response.json()["results"][0]["result"] == "changed"
    assert list(Observation.objects.values_list("value", flat=True)) == [75]


def test_the_same_observation_twice_is_unchanged(writer_client, indicator):
    post(writer_client, item())

    response = post(writer_client, item())

    assert (response.status_code, response.json()["unchanged"]) == (200, 1)


def test_a_list_reports_each_rows_result(writer_client, indicator):
    post(writer_client, item(date="2025-01-01", value=60))

    response = post(
        writer_client,
        [item(date="2025-01-01", value=61), item(date="2025-02-01", value=62)],
    )

    results = [row["result"] for row in response.json()["results"]]
    assert (response.status_code, results) == (201, ["changed", "new"])


def test_anonymous_writes_are_401(api_client, indicator):
    assert post(api_client, item()).status_code == 401


def test_read_only_tokens_may_not_write(reader_client, indicator):
    assert post(reader_client, item()).status_code == 403


def test_a_token_in_the_query_string_is_ignored(api_client, writer_client, indicator):
    key = writer_client._credentials["HTTP_AUTHORIZATION"].split()[1]

    response = api_client.post(f"{URL}?token={key}", item(), format="json")

    assert response.status_code == 401


@pytest.mark.parametrize(
    "value", ["NaN", "nan", "inf", "-Infinity", "seventy", True, None, 1e301]
)
def test_a_value_that_is_not_a_finite_number_is_refused(
    writer_client, indicator, value
):
    response = post(writer_client, item(value=value))

    assert response.status_code == 400
    assert "value" in response.json()
    assert not Observation.objects.exists()


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_json_tokens_are_refused(writer_client, indicator, token):
    body = f'{{"indicator": "swe-bench", "date": "2025-06-01", "value": {token}}}'

    response = writer_client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert not Observation.objects.exists()


def test_a_value_outside_the_indicators_range_is_refused(writer_client, indicator):
    response = post(writer_client, item(value=101))

    assert "above the maximum" in response.json()["value"][0]
    assert not Observation.objects.exists()


def test_a_lower_bound_above_the_value_is_refused(writer_client, indicator):
    response = post(writer_client, item(value=50, low=60, high=70))

    assert response.status_code == 400
    assert "low" in response.json()


def test_an_unknown_indicator_is_refused(writer_client, indicator):
    response = post(writer_client, item(indicator="no-such-thing"))

    assert "indicator" in response.json()
    assert not Observation.objects.exists()


@pytest.mark.parametrize("date", ["2025-13-01", "2025-02-30", "June 2025", ""])
def test_a_malformed_or_impossible_date_is_refused(writer_client, indicator, date):
    response = post(writer_client, item(date=date))

    assert "date" in response.json()
    assert not Observation.objects.exists()


def test_a_date_in_the_future_is_refused(writer_client, indicator):
    tomorrow = timezone.now().date() + datetime.timedelta(days=1)

    response = post(writer_client, item(date=tomorrow.isoformat()))

    assert "in the future" in response.json()["date"][0]


def test_one_bad_item_writes_nothing_of_the_list(writer_client, indicator):
    response = post(
        writer_client, [item(date="2025-01-01"), item(date="2025-02-01", value="x")]
    )

    assert response.status_code == 400
    assert not Observation.objects.exists()


def test_list_errors_name_each_bad_items_index(writer_client, indicator):
    payload = [item(date="2025-01-01"), item(date="2025-02-01", value=-1)]

    errors = post(writer_client, payload).json()["items"]

    assert [(error["index"], list(error["errors"])) for error in errors] == [
        (1, ["value"])
    ]


def test_a_list_that_repeats_a_natural_key_is_refused(writer_client, indicator):
    response = post(writer_client, [item(value=70), item(value=71)])

    assert response.status_code == 400
    assert not Observation.objects.exists()


@override_settings(API_MAX_BATCH=2)
def test_a_list_over_the_limit_is_refused_naming_the_limit(writer_client, indicator):
    payload = [item(date=f"2025-01-0{day}") for day in (1, 2, 3)]

    response = post(writer_client, payload)

    assert response.status_code == 400
    assert "at most 2" in response.json()["detail"]
    assert not Observation.objects.exists()


def test_an_empty_list_is_refused(writer_client, indicator):
    assert post(writer_client, []).status_code == 400


def test_a_body_that_is_not_json_is_a_400(writer_client, indicator):
    response = writer_client.post(URL, "value=3", content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_form_encoded_body_is_415(writer_client, indicator):
    response = writer_client.post(URL, item(), format="multipart")

    assert response.status_code == 415


def test_a_json_scalar_is_refused(writer_client, indicator):
    response = post(writer_client, 42)

    assert "one observation (an object) or a list" in response.json()["detail"]


def test_existing_rows_are_untouched_by_a_refused_list(writer_client, indicator):
    ObservationFactory(
        indicator=indicator,
        date=datetime.date(2025, 1, 1),
        value=60,
        source_url="https://example.org/swebench/",
    )

    post(writer_client, [item(date="2025-01-01", value=65), item(value="bad")])

    assert Observation.objects.get().value == 60


def test_an_indicator_slug_with_a_nul_character_is_refused(writer_client, indicator):
    response = post(writer_client, item(indicator="swe\x00bench"))

    assert "indicator" in response.json()


def test_a_publication_date_before_the_measured_date_is_a_400_naming_it(
    writer_client, indicator
):
    response = post(writer_client, item(published_on="2025-05-01"))

    assert response.status_code == 400
    assert "published_on" in response.json()
    assert not Observation.objects.exists()


def test_tier_and_publication_date_are_recorded_and_shown(writer_client, indicator):
    post(writer_client, item(tier="press", published_on="2025-06-03"))

    row = writer_client.get(URL).json()["results"][0]
    assert (row["tier"], row["published_on"], row["is_deciding"]) == (
        "press",
        "2025-06-03",
        True,
    )


def test_a_value_without_a_publication_date_is_public_from_the_day_recorded(
    writer_client, indicator
):
    post(writer_client, item())

    assert Observation.objects.get().published_on == timezone.now().date()


def test_an_update_without_a_publication_date_keeps_the_one_on_record(
    writer_client, indicator
):
    post(writer_client, item(published_on="2025-06-02"))
    response = post(writer_client, item())

    assert response.json()["results"][0]["result"] == "unchanged"
    assert Observation.objects.get().published_on == datetime.date(2025, 6, 2)


def test_the_list_filters_values_that_never_decide(writer_client, indicator):
    post(
        writer_client,
        [item(), item(tier="aggregator", source_url="https://a.example.com/")],
    )

    rows = writer_client.get(URL, {"is_deciding": "false"}).json()["results"]
    assert [row["tier"] for row in rows] == ["aggregator"]
