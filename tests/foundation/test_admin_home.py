"""The admin's home page: the product's title, what needs attention, and the
editor's models before the technical ones."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Derivation, Formula, Outcome, Tier
from predictions.models import DeferredRescore, Status
from tests.factories import (
    FeedFactory,
    FetchRunFactory,
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
)
from tests.pages.conftest import give_score
from tracker.pages import attention

pytestmark = pytest.mark.django_db

INDEX_URL = reverse("admin:index")
TODAY = datetime.date(2026, 12, 3)


def section(key: str) -> list[attention.Line]:
    sections = {s.key: s for s in attention.collect(today=TODAY)}
    return sections[key].lines


def add_url(indicator) -> str:
    return f"{reverse('admin:indicators_observation_add')}?indicator={indicator.pk}"


def test_the_admin_is_titled_for_the_product(staff_client):
    page = staff_client.get(INDEX_URL).content.decode()
    assert "<title>The editor&#x27;s desk | Forecast tracker admin</title>" in page
    assert "Forecast tracker</a>" in page
    assert "Django administration" not in page


def test_an_indicator_past_its_cadence_is_overdue_with_a_link_to_add_a_value():
    weekly = IndicatorFactory(name="Leaderboard", cadence_days=7)
    ObservationFactory(indicator=weekly, date=TODAY - datetime.timedelta(days=30))

    [line] = section("stale")

    assert line.subject == "Leaderboard"
    assert "30 days ago; expected every 7 days" in line.problem
    assert line.fix_url == add_url(weekly)


def test_an_indicator_within_its_cadence_or_without_one_is_not_overdue():
    quarterly = IndicatorFactory(cadence_days=92)
    ObservationFactory(indicator=quarterly, date=TODAY - datetime.timedelta(days=30))
    ObservationFactory(indicator=IndicatorFactory(cadence_days=None), date=TODAY)

    assert section("stale") == []


def test_the_most_overdue_indicator_comes_first_and_those_with_no_value_last():
    IndicatorFactory(name="Never observed", cadence_days=30)
    for name, days in (("A bit late", 10), ("Very late", 400)):
        indicator = IndicatorFactory(name=name, cadence_days=7)
        ObservationFactory(indicator=indicator, date=TODAY - datetime.timedelta(days))

    subjects = [line.subject for line in section("stale")]

    assert subjects == ["Very late", "A bit late", "Never observed"]


def test_only_deciding_values_keep_an_indicator_current():
    indicator = IndicatorFactory(name="Only aggregated lately", cadence_days=7)
    ObservationFactory(indicator=indicator, date=TODAY - datetime.timedelta(days=60))
    ObservationFactory(indicator=indicator, date=TODAY, tier=Tier.AGGREGATOR)

    [line] = section("stale")

    assert line.subject == "Only aggregated lately"


def test_a_feed_whose_last_run_failed_is_listed_with_its_reason():
    feed = FeedFactory(name="SWE-bench feed")
    now = timezone.now()
    FetchRunFactory(
        feed=feed, started_at=now - datetime.timedelta(days=2), outcome=Outcome.OK
    )
    FetchRunFactory(
        feed=feed,
        started_at=now,
        outcome=Outcome.FAILED,
        error="the answer was an HTML page",
    )
    recovered = FeedFactory()
    FetchRunFactory(
        feed=recovered,
        started_at=now - datetime.timedelta(days=1),
        outcome=Outcome.FAILED,
    )
    FetchRunFactory(feed=recovered, started_at=now, outcome=Outcome.UNCHANGED)

    [line] = section("feeds")

    assert line.subject == "SWE-bench feed"
    assert "the answer was an HTML page" in line.problem
    assert "last worked" in line.problem
    assert line.fix_url == reverse("admin:indicators_feed_change", args=[feed.pk])


def test_a_prediction_due_soon_that_nothing_decides_is_listed():
    soon = PredictionFactory(slug="due-soon", deadline=TODAY + datetime.timedelta(30))
    give_score(soon, Status.UNRESOLVABLE)
    unscored = PredictionFactory(deadline=TODAY + datetime.timedelta(days=59))
    later = PredictionFactory(deadline=TODAY + datetime.timedelta(days=90))
    give_score(later, Status.UNRESOLVABLE)
    decided = PredictionFactory(deadline=TODAY + datetime.timedelta(days=10))
    give_score(decided, Status.ON_TRACK)
    just_past = PredictionFactory(
        slug="just-past", deadline=TODAY - datetime.timedelta(50)
    )
    give_score(just_past, Status.UNRESOLVABLE)
    long_past = PredictionFactory(deadline=TODAY - datetime.timedelta(days=200))
    give_score(long_past, Status.UNRESOLVABLE)

    lines = section("undecided")

    assert [line.subject for line in lines] == ["just-past", "due-soon", unscored.slug]
    assert "due 50 days ago" in lines[0].problem
    assert "due in 30 days" in lines[1].problem
    assert lines[1].fix_url == add_url(soon.indicator)


def test_an_indicator_with_only_aggregator_rows_is_listed():
    aggregated = IndicatorFactory(name="Aggregated")
    ObservationFactory(indicator=aggregated, tier=Tier.AGGREGATOR)
    mixed = IndicatorFactory()
    ObservationFactory(indicator=mixed, tier=Tier.AGGREGATOR)
    ObservationFactory(indicator=mixed)
    IndicatorFactory()  # no value at all: the overdue list's business

    [line] = section("aggregators")

    assert line.subject == "Aggregated"
    assert line.fix_url == add_url(aggregated)


def test_a_pending_deferred_rescore_is_listed():
    indicator = IndicatorFactory(name="Waiting")
    DeferredRescore.objects.create(indicator=indicator, deferred_at=timezone.now())

    [line] = section("deferred")

    assert line.subject == "Waiting"
    assert line.fix_url == reverse("admin:predictions_deferredrescore_changelist")


def test_the_lists_cost_the_same_queries_however_much_needs_attention():
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            attention.collect(today=TODAY)
        return len(queries)

    few = count_queries()
    for _ in range(5):
        indicator = IndicatorFactory(cadence_days=7)
        ObservationFactory(indicator=indicator, tier=Tier.AGGREGATOR)
        give_score(
            PredictionFactory(indicator=indicator, deadline=TODAY),
            Status.UNRESOLVABLE,
        )
        FetchRunFactory(
            feed=FeedFactory(indicator=indicator),
            started_at=timezone.now(),
            outcome=Outcome.FAILED,
        )
        DeferredRescore.objects.create(indicator=indicator, deferred_at=timezone.now())

    assert count_queries() == few == 4


def test_the_home_page_shows_each_line_with_its_link(staff_client):
    indicator = IndicatorFactory(name="Overdue leaderboard", cadence_days=7)

    page = staff_client.get(INDEX_URL).content.decode()

    assert "What needs attention" in page
    assert "Overdue leaderboard" in page
    assert f'href="{add_url(indicator)}"' in page.replace("&amp;", "&")


def test_the_editors_models_come_first_and_the_technical_ones_apart(rf, admin_user):
    request = rf.get(INDEX_URL)
    request.user = admin_user

    groups = admin.site.get_app_list(request)

    names = {group["name"]: [m["name"] for m in group["models"]] for group in groups}
    assert list(names) == ["The record", "Scores and events", "Accounts", "Technical"]
    assert names["The record"] == [
        "Observations",
        "Indicators",
        "Predictions",
        "Questions",
        "Sources",
        "Feeds",
        "Fetch runs",
    ]
    for technical in (
        "Periodic tasks",
        "Task results",
        "API tokens",
        "Deferred rescores",
        "Webhook deliveries",
    ):
        assert technical in names["Technical"]


def test_every_model_in_the_admin_has_a_plural_that_reads_right():
    plurals = [str(model._meta.verbose_name_plural) for model in admin.site._registry]
    assert "webhook deliveries" in plurals
    assert not [p for p in plurals if p.endswith("ys") and p[-3] not in "aeiou"]


def test_an_apps_own_page_still_lists_its_models(staff_client):
    url = reverse("admin:app_list", args=["predictions"])
    page = staff_client.get(url).content.decode()
    assert "Webhook deliveries" in page


def test_a_derived_indicator_is_never_overdue_and_its_prediction_links_an_input():
    capex = IndicatorFactory(slug="capex", name="Capex", cadence_days=92)
    growth = IndicatorFactory(slug="capex-growth", name="Capex growth", cadence_days=7)
    Derivation.objects.create(
        indicator=growth, formula=Formula.GROWTH, inputs=["capex"]
    )
    ObservationFactory(indicator=growth, tier=Tier.AGGREGATOR)
    prediction = PredictionFactory(indicator=growth, deadline=TODAY)

    assert [line.subject for line in section("stale")] == ["Capex"]
    assert section("aggregators") == []
    [line] = section("undecided")
    assert line.subject == prediction.slug
    assert line.fix_url == add_url(capex)
    assert "Capex (an input)" in line.fix_label


def test_a_long_list_shows_its_first_lines_until_asked_for_all(staff_client):
    for n in range(attention.SHOWN_LINES + 3):
        IndicatorFactory(name=f"Never observed {n:02}", cadence_days=7)

    page = staff_client.get(INDEX_URL).content.decode()
    everything = staff_client.get(INDEX_URL, {"all": "stale"}).content.decode()

    assert "Never observed 09" in page and "Never observed 10" not in page
    assert 'href="?all=stale#attention-stale">and 3 more</a>' in page
    assert "Never observed 12" in everything
