"""An editor (not a superuser) in headless Chromium: logs in, follows the
stalest indicator's line on the admin's home page, logs its newest value, and
finds the prediction rescored on its public page. Screenshots go to
test-output/screenshots/."""

import datetime
import importlib
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from indicators.models import Tier
from predictions import services
from tests.browser.test_pages_in_chromium import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.factories import IndicatorFactory, ObservationFactory, PredictionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_record(today: datetime.date) -> None:
    """A weekly leaderboard two months stale whose prediction the next value
    decides, and a quarterly filing only a little overdue."""
    board = IndicatorFactory(
        slug="swe-bench-verified-best",
        name="SWE-bench Verified best score",
        unit="%",
        min_value=0,
        max_value=100,
        cadence_days=7,
    )
    for months_ago, value in ((6, 62.0), (4, 66.0), (2, 70.5)):
        day = today - datetime.timedelta(days=30 * months_ago)
        ObservationFactory(
            indicator=board,
            date=day,
            published_on=day,
            value=value,
            tier=Tier.PRIMARY,
            source_url="https://leaderboard.example.org/swe-bench/",
            source_title="SWE-bench leaderboard",
        )
    PredictionFactory(
        slug="swe-bench-75",
        indicator=board,
        claim="A model resolves 75% of SWE-bench Verified within the year.",
        target=75.0,
        baseline_value=62.0,
        baseline_date=today - datetime.timedelta(days=180),
        deadline=today + datetime.timedelta(days=180),
    )
    filing = IndicatorFactory(name="Hyperscaler capex", unit="$B", cadence_days=92)
    ObservationFactory(indicator=filing, date=today - datetime.timedelta(days=100))
    services.rescore_predictions()


def editor_password() -> str:
    # The Editors group comes from a migration, and the flush after an earlier
    # transactional test has removed it: make it again, as the migration does.
    migration = importlib.import_module("predictions.migrations.0007_editors_group")
    with connection.schema_editor() as editor:
        migration.create_group(apps, editor)
    out = StringIO()
    call_command("create_editor", "ada", stdout=out)
    return re.search(r"shown only now\): (\S+)", out.getvalue()).group(1)


def test_an_editor_logs_the_stalest_indicators_value_and_the_prediction_resolves(
    live_server,
):
    today = timezone.now().date()
    build_record(today)
    password = editor_password()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/predictions/swe-bench-75/")
        status_before = page.locator(".status").first.inner_text()

        page.goto(f"{live_server.url}/admin/")
        page.fill("#id_username", "ada")
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        stalest = page.locator("#attention-stale li").first
        expect(stalest).to_contain_text("SWE-bench Verified best score")
        page.screenshot(path=SCREENSHOTS / "editor-home.png", full_page=True)

        stalest.locator("a.fix").click()
        expect(page.locator("#latest-value")).to_contain_text("70.5 %")
        expect(page.locator("#id_source_url")).to_have_value(
            "https://leaderboard.example.org/swe-bench/"
        )
        page.fill("#id_date", today.isoformat())
        page.fill("#id_value", "7.63")  # the editor slips a digit ...
        page.click("input[name=_save]")
        expect(page.locator(".errornote, .errorlist").first).to_be_visible()
        warning = page.locator("ul.errorlist.nonfield").inner_text()
        page.screenshot(path=SCREENSHOTS / "editor-far-value.png", full_page=True)
        page.fill("#id_value", "76.3")  # ... and corrects it
        page.click("input[name=_save]")
        expect(page.locator(".messagelist .success")).to_be_visible()

        # Chosen on the plain form, the indicator's summary shows too.
        page.goto(f"{live_server.url}/admin/indicators/observation/add/")
        page.click(".field-indicator .select2-selection")
        page.fill(".select2-search__field", "capex")
        page.click(".select2-results__option >> text=Hyperscaler capex")
        page.wait_for_url(re.compile(r"\?indicator=\d+$"))
        expect(page.locator("#indicator-summary")).to_contain_text("$B")

        page.goto(f"{live_server.url}/predictions/swe-bench-75/")
        status_after = page.locator(".status").first.inner_text()
        page.screenshot(path=SCREENSHOTS / "editor-rescored.png", full_page=True)
        browser.close()

    assert "is the unit right?" in warning
    assert status_before != "Came true"
    assert status_after == "Came true"
