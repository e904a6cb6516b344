"""An indicator no value decides yet says what would, on its page and in the API."""

import pytest

from tests.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db

AWAITING = "The next time-horizon results file from METR would decide it."


def test_the_page_says_what_would_decide_an_indicator_with_no_deciding_value(client):
    indicator = IndicatorFactory(slug="rebench", awaiting=AWAITING)
    ObservationFactory(indicator=indicator, tier="aggregator")

    html = client.get(f"/indicators/{indicator.slug}/").content.decode()

    assert "No value decides this indicator yet." in html
    assert AWAITING in html


def test_the_page_says_nothing_of_it_once_a_value_decides(client):
    indicator = IndicatorFactory(slug="rebench", awaiting=AWAITING)
    ObservationFactory(indicator=indicator, tier="primary")

    html = client.get(f"/indicators/{indicator.slug}/").content.decode()

    assert "No value decides this indicator yet." not in html


def test_the_api_gives_the_text_and_how_many_values_decide(client):
    indicator = IndicatorFactory(slug="rebench", awaiting=AWAITING)
    ObservationFactory(indicator=indicator, tier="aggregator")

    row = client.get(f"/api/v1/indicators/{indicator.slug}/").json()

    assert (row["awaiting"], row["observation_count"], row["deciding_count"]) == (
        AWAITING,
        1,
        0,
    )
