"""The scoreboard and a prediction page in headless Chromium: charts drawn, no
console error, screenshots under test-output/screenshots/ to look at."""

import datetime
import math
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, sync_playwright

from indicators.models import Scale
from predictions.models import Prediction, Question, Status
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PredictionFactory,
    SourceFactory,
    StatusChangeFactory,
)
from tests.pages.conftest import give_score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


def build_record() -> Prediction:
    """Two sources on a log-scale indicator: resolved, paced and projected claims."""
    ai2027 = SourceFactory(slug="ai2027", name="AI 2027")
    lambert = SourceFactory(slug="lambert", name="Lambert's rebuttal")
    horizon = IndicatorFactory(
        slug="metr-horizon", name="METR 50% time horizon", unit="hours", scale=Scale.LOG
    )
    start = datetime.date(2024, 3, 1)
    for month in range(0, 20, 2):
        ObservationFactory(
            indicator=horizon,
            date=start + datetime.timedelta(days=30 * month),
            value=0.5 * 1.12**month,
            source_url=f"https://example.org/metr/{month}",
            source_title=f"METR report {month}",
        )
    featured = PredictionFactory(
        slug="ai2027-horizon",
        source=ai2027,
        indicator=horizon,
        claim="Agents handle week-long tasks by the end of 2026.",
        baseline_value=0.5,
        baseline_date=start,
        target=40.0,
        deadline=datetime.date(2026, 12, 31),
    )
    give_score(
        featured,
        Status.BEHIND,
        pace_ratio=0.62,
        months_ahead=-6.5,
        observed_value=3.0,
        projection_value=9.0,
        projection_low=4.0,
        projection_high=20.0,
        projection_probability=0.1,
    )
    rival = PredictionFactory(
        source=lambert,
        indicator=horizon,
        claim="Horizons stay under a working day through 2026.",
        comparison="not_gte",
        baseline_value=0.5,
        baseline_date=start,
        target=8.0,
        deadline=datetime.date(2026, 12, 31),
        is_operationalized=True,
        reasoning="Research stays bottlenecked, so long tasks lag.",
    )
    give_score(rival, Status.ON_TRACK, pace_ratio=1.0, projection_probability=0.8)
    for source, outcomes in ((ai2027, (True, False, False)), (lambert, (True, True))):
        for outcome in outcomes:
            prediction = PredictionFactory(source=source, probability=0.7)
            status = Status.RESOLVED_TRUE if outcome else Status.RESOLVED_FALSE
            give_score(
                prediction,
                status,
                probability=0.7,
                brier=0.09 if outcome else 0.49,
                log_score=math.log(0.7 if outcome else 0.3),
            )
            StatusChangeFactory(
                prediction=prediction,
                from_status=Status.ON_TRACK,
                to_status=status,
                occurred_at=timezone.now() - datetime.timedelta(days=3),
            )
    return featured


def open_page(page: Page, url: str, errors: list[str]) -> None:
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15_000)


def drawn_marks(page: Page) -> int:
    """Plotted lines and points inside the charts' SVG."""
    return page.locator(
        ".js-plotly-plot .main-svg .scatterlayer path, "
        ".js-plotly-plot .main-svg .scatterlayer .point"
    ).count()


def test_scoreboard_and_prediction_pages_draw_their_charts(live_server):
    featured = build_record()
    # Playwright's sync API keeps an event loop in this thread, so the data is
    # written before it starts (Django refuses ORM calls from an async context).
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        errors: list[str] = []
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        open_page(page, live_server.url + "/", errors)
        home_marks = drawn_marks(page)
        verdict = page.locator("#verdict").inner_text()
        page.screenshot(path=SCREENSHOTS / "home.png", full_page=True)

        open_page(page, f"{live_server.url}/predictions/{featured.slug}/", errors)
        prediction_marks = drawn_marks(page)
        page.screenshot(path=SCREENSHOTS / "prediction.png", full_page=True)

        phone = browser.new_page(viewport=PHONE, device_scale_factor=2)
        open_page(phone, live_server.url + "/", errors)
        phone.screenshot(path=SCREENSHOTS / "home-phone.png", full_page=True)
        phone_overflow = phone.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        browser.close()

    assert errors == []
    assert verdict.startswith("Lambert's rebuttal is ahead")
    assert home_marks > 0
    assert prediction_marks > 0
    assert phone_overflow <= 0


NEW_PAGES = [
    "/questions/",
    "/report-card/",
    "/methods/",
    "/predictions/",
    "/sources/ai2027/",
    "/indicators/metr-horizon/",
]


def test_the_question_pages_draw_and_fit_a_phone(live_server):
    featured = build_record()
    rival = Prediction.objects.get(comparison="not_gte")
    question = Question.objects.create(
        slug="horizons",
        title="How long are the tasks agents handle?",
        quantity="METR's 50% time horizon.",
        decider="METR's horizon at the end of 2026.",
    )
    question.predictions.set([featured, rival])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        errors: list[str] = []
        phone = browser.new_page(viewport=PHONE, device_scale_factor=2)
        open_page(phone, f"{live_server.url}/questions/horizons/", errors)
        question_marks = drawn_marks(phone)
        phone.screenshot(path=SCREENSHOTS / "question-phone.png", full_page=True)
        overflows = {}
        for url in NEW_PAGES:
            phone.on("pageerror", lambda error: errors.append(str(error)))
            phone.goto(live_server.url + url, wait_until="load")
            name = url.strip("/").replace("/", "-") + "-phone.png"
            phone.screenshot(path=SCREENSHOTS / name, full_page=True)
            overflows[url] = phone.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
        browser.close()

    assert errors == []
    assert question_marks > 0
    assert all(overflow <= 0 for overflow in overflows.values()), overflows


@pytest.mark.parametrize(
    ("path", "drawn"),
    [("/api/v1/docs/", ".swagger-ui .opblock"), ("/api/v1/redoc/", "[role=menuitem]")],
)
def test_the_api_viewers_run_under_the_content_security_policy(
    live_server, path, drawn
):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        errors: list[str] = []
        page = browser.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        response = page.goto(live_server.url + path, wait_until="load")
        page.wait_for_selector(drawn, timeout=15_000)
        policy = response.headers["content-security-policy"]
        browser.close()

    assert "script-src 'self'" in policy
    # Redoc's footer points at its vendor's logo: the policy keeps it off-site.
    assert [e for e in errors if "cdn.redoc.ly/redoc/logo-mini.svg" not in e] == []
