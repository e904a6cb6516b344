"""Every feed the record ships, run through the real path against a trimmed copy
of its producer's real file, served on 127.0.0.1.

The values asserted are the producer's own: a reader can check them on the
producer's page (see each fixture's ORIGIN.md).
"""

import datetime

import pytest

from indicators import derived, ingest
from indicators.models import Observation, Origin, Outcome, Tier
from tests.httpserver import FEEDS
from tests.shipped_feeds import FIXTURES, install_shipped_feeds, shipped_feed_names

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

D = datetime.date


def run(feed_server, name: str) -> dict[datetime.date, Observation]:
    feed = install_shipped_feeds(feed_server)[name]
    fetch_run = ingest.run_feed(feed)
    assert fetch_run.outcome == Outcome.OK, fetch_run.error
    rows = Observation.objects.filter(indicator=feed.indicator)
    return {row.date: row for row in rows}


def run_feeds_then_derive(feed_server, *prefixes: str) -> None:
    """Run the shipped feeds whose names start with one of ``prefixes``, then
    recompute the derived indicators."""
    for name, feed in install_shipped_feeds(feed_server).items():
        if name.startswith(prefixes):
            assert ingest.run_feed(feed).outcome == Outcome.OK
    derived.recompute()


def value(slug: str, day: datetime.date) -> float:
    """A derived indicator's value on ``day``."""
    rows = Observation.objects.filter(origin=Origin.DERIVED, indicator__slug=slug)
    return rows.get(date=day).value


def test_every_shipped_feed_has_a_fixture_and_its_origin():
    names = shipped_feed_names()

    assert sorted(FIXTURES) == sorted(names)
    for path in FIXTURES.values():
        assert (FEEDS / path).is_file()
        assert (FEEDS / path).parent.joinpath("ORIGIN.md").is_file()


def test_feed_rows_are_primary_and_public_from_the_fetch_date(feed_server):
    rows = run(feed_server, "SWE-bench Verified leaderboard")

    today = datetime.datetime.now(datetime.UTC).date()
    assert {row.tier for row in rows.values()} == {Tier.PRIMARY}
    assert {row.published_on for row in rows.values()} == {today}


def test_swebench_verified_gives_the_boards_running_best(feed_server):
    rows = run(feed_server, "SWE-bench Verified leaderboard")

    best = max(rows.values(), key=lambda row: row.date)
    assert (best.date, best.value, best.note) == (
        D(2025, 9, 28),
        78.8,
        "TRAE + Doubao-Seed-Code",
    )
    assert (rows[D(2025, 8, 4)].value, rows[D(2025, 6, 12)].value) == (76.8, 75.2)
    assert len(rows) == 30
    values = [rows[day].value for day in sorted(rows)]
    assert values == sorted(values)


def test_swebench_bash_only_gives_the_boards_running_best(feed_server):
    rows = run(feed_server, "SWE-bench bash-only leaderboard")

    assert [(day, rows[day].value) for day in sorted(rows)][-2:] == [
        (D(2025, 11, 18), 74.2),  # Gemini 3 Pro Preview
        (D(2025, 11, 24), 74.4),  # Claude 4.5 Opus medium
    ]


def test_metr_50_percent_horizons_in_hours_with_their_intervals(feed_server):
    rows = run(feed_server, "METR time horizons: 50%")

    gpt_5_2 = rows[D(2025, 12, 11)]
    assert gpt_5_2.note == "gpt_5_2"
    assert (gpt_5_2.value, gpt_5_2.low, gpt_5_2.high) == pytest.approx(
        (352.249302 / 60, 191.31908 / 60, 862.339204 / 60)
    )
    # Two models released on 2026-02-05: the day keeps the longer horizon.
    assert rows[D(2026, 2, 5)].note == "claude_opus_4_6_inspect"
    assert rows[D(2026, 2, 5)].value == pytest.approx(718.80683 / 60)
    assert len(rows) == 22  # 23 models, two on one day


def test_metr_80_percent_horizons(feed_server):
    rows = run(feed_server, "METR time horizons: 80%")

    assert rows[D(2025, 12, 11)].value == pytest.approx(66.002649 / 60)
    assert rows[D(2019, 2, 14)].note == "gpt2"


@pytest.mark.parametrize(
    ("name", "day", "value", "low", "high"),
    [
        ("Nvidia compute", D(2025, 12, 31), 13.659258, 11.899055, 15.548902),
        ("Nvidia power", D(2025, 12, 31), 8.562, 7.413, 9.782),
        ("Google TPU compute", D(2025, 12, 31), 3.812878, 3.083116, 4.537332),
        ("Google TPU power", D(2025, 12, 31), 2.223, 1.813, 2.653),
        ("AMD compute", D(2025, 12, 31), 1.244972, 1.060773, 1.456892),
        ("AMD power", D(2025, 9, 30), 0.629, 0.525, 0.744),
        ("Amazon Trainium compute", D(2025, 12, 31), 1.020727, 0.907525, 1.164343),
        ("Amazon Trainium power", D(2025, 12, 31), 0.840, 0.7301, 1.0164),
    ],
)
def test_epoch_chip_counts_per_family(feed_server, name, day, value, low, high):
    rows = run(feed_server, f"Epoch AI chip counts: {name}")

    row = rows[day]
    assert (row.value, row.low, row.high) == pytest.approx((value, low, high))


def test_epoch_chip_counts_leave_out_the_incomplete_quarter(feed_server):
    rows = run(feed_server, "Epoch AI chip counts: Nvidia compute")

    assert max(rows) == D(2025, 12, 31)  # the 3/31/2026 row is marked incomplete
    assert len(rows) == 16


def test_epoch_anthropic_valuations_of_closed_rounds(feed_server):
    rows = run(feed_server, "Epoch AI funding rounds: Anthropic valuation")

    assert (rows[D(2025, 9, 2)].value, rows[D(2025, 9, 2)].note) == (
        183.0,
        "Sep 2025 183B Series F",
    )
    assert rows[D(2025, 3, 3)].value == 61.5
    # Public from Epoch's report date, or from the close when reported before it.
    assert rows[D(2025, 9, 2)].published_on == D(2025, 9, 2)
    assert rows[D(2024, 1, 11)].published_on == D(2024, 1, 11)  # reported 2023-12-21
    # Rounds without a published valuation (Amazon's and Google's) are skipped.
    assert D(2024, 3, 27) not in rows
    assert len(rows) == 6


def test_epoch_leading_lab_valuation_is_the_running_best(feed_server):
    rows = run(feed_server, "Epoch AI funding rounds: leading lab valuation")

    assert [(day, rows[day].value, rows[day].note) for day in sorted(rows)][-3:] == [
        (D(2024, 10, 2), 157.0, "OpenAI"),
        (D(2025, 3, 31), 300.0, "OpenAI"),
        (D(2025, 10, 1), 500.0, "OpenAI"),
    ]


def test_metr_revising_a_horizon_supersedes_the_earlier_estimate(feed_server):
    feed = install_shipped_feeds(feed_server)["METR time horizons: 50%"]
    earlier = "metr/benchmark_results_1_1_2026-02-22.yaml"
    feed_server.route("/metr.yaml", file=earlier, times=1)
    feed_server.route("/metr.yaml", file="metr/benchmark_results_1_1.yaml")
    type(feed).objects.filter(pk=feed.pk).update(url=feed_server.url("metr.yaml"))
    ingest.run_feed(feed)

    revision = ingest.run_feed(feed)

    assert revision.outcome == Outcome.OK, revision.error
    opus = Observation.objects.current().get(
        indicator=feed.indicator, date=D(2026, 2, 5)
    )
    assert opus.value == pytest.approx(718.80683 / 60)
    [before] = opus.supersedes.all()
    assert before.value == pytest.approx(870.027186 / 60)
    assert before.note == "claude_opus_4_6_inspect"
    assert list(Observation.objects.deciding().filter(date=D(2026, 2, 5))) == [opus]


def test_epoch_largest_training_run_is_the_running_best(feed_server):
    rows = run(feed_server, "Epoch AI notable models: largest training run")

    assert [(day, rows[day].value, rows[day].note) for day in sorted(rows)][-4:] == [
        (D(2023, 3, 15), 2.1e25, "GPT-4"),
        (D(2023, 11, 6), 2.2e25, "GPT-4 Turbo"),
        (D(2023, 12, 6), 5.0000000001e25, "Gemini 1.0 Ultra"),
        (D(2025, 2, 17), 4.64e26, "Grok-3"),
    ]
    assert len(rows) == 28


def test_fred_sp500_closes_skip_the_market_holidays(feed_server):
    feed = install_shipped_feeds(feed_server)["FRED: S&P 500 daily close"]

    fetch_run = ingest.run_feed(feed)

    assert (fetch_run.rows_seen, fetch_run.rows_missing) == (64, 5)
    rows = dict(
        Observation.objects.filter(indicator=feed.indicator).values_list(
            "date", "value"
        )
    )
    assert (rows[D(2025, 12, 31)], rows[D(2026, 2, 20)]) == (6845.50, 6909.51)
    assert D(2025, 12, 25) not in rows


def test_osworld_verified_running_best_at_100_steps(feed_server):
    rows = run(feed_server, "OSWorld-Verified leaderboard (100 steps)")

    assert [(day, rows[day].value, rows[day].note) for day in sorted(rows)][-3:] == [
        (D(2026, 4, 17), 78.34, "OpenAPA w/ gemini-3.1-pro"),
        (D(2026, 4, 20), 82.56, "Holo3-35B-A3B"),
        (D(2026, 5, 21), 83.64, "Pointer Agent w/ Opus 4.7"),
    ]
    assert rows[D(2025, 7, 28)].value == 53.1  # GTA1 w/ o3, a date cell


def test_fed_chip_counts_and_closes_derive_the_global_totals_and_the_return(
    feed_server,
):
    run_feeds_then_derive(feed_server, "Epoch AI chip counts", "FRED")

    # Epoch's four families at the end of 2025: 19.74 million H100e, 12.39 GW.
    assert value("global-ai-compute-stock", D(2025, 12, 31)) == pytest.approx(
        13.659258 + 3.812878 + 1.244972 + 1.020727
    )
    assert value("ai-datacenter-power-global", D(2025, 12, 31)) == pytest.approx(
        8.562 + 2.223 + 0.762 + 0.840
    )
    # The S&P 500 from its 2025 close (6845.50) to 2026-02-20 (6909.51).
    assert value("sp500-return-2026", D(2026, 2, 20)) == pytest.approx(
        (6909.51 / 6845.50 - 1) * 100
    )


META_CAPEX = "SEC EDGAR XBRL: Meta purchases of property and equipment"


def test_sec_meta_capex_is_the_10k_years_public_from_their_filing(feed_server):
    rows = run(feed_server, META_CAPEX)

    # One row per calendar year, from the 10-K that first reported it; the
    # 10-Qs' year-to-date figures are left out.
    assert {
        day: (row.value, row.published_on, row.note) for day, row in rows.items()
    } == {
        D(2018, 12, 31): (
            pytest.approx(13.915),
            D(2019, 1, 31),
            "0001326801-19-000009",
        ),
        D(2019, 12, 31): (
            pytest.approx(15.102),
            D(2020, 1, 30),
            "0001326801-20-000013",
        ),
        D(2020, 12, 31): (
            pytest.approx(15.115),
            D(2021, 1, 28),
            "0001326801-21-000014",
        ),
    }
    assert {row.tier for row in rows.values()} == {Tier.PRIMARY}


def test_sec_meta_capex_run_twice_leaves_the_same_rows(feed_server):
    feed = install_shipped_feeds(feed_server)[META_CAPEX]

    def stored():
        return sorted(
            Observation.objects.filter(indicator=feed.indicator).values_list(
                "date", "value", "published_on", "note"
            )
        )

    assert ingest.run_feed(feed).outcome == Outcome.OK
    first = stored()
    second_run = ingest.run_feed(feed)

    assert second_run.outcome in (Outcome.OK, Outcome.UNCHANGED), second_run.error
    assert stored() == first
    assert len(first) == 3


def test_sec_meta_capex_fails_naming_the_field_a_changed_format_lacks(feed_server):
    feed = install_shipped_feeds(feed_server)[META_CAPEX]
    real = (FEEDS / FIXTURES[META_CAPEX]).read_text()
    feed_server.route("/changed.json", body=real.replace('"filed":', '"filedOn":'))
    type(feed).objects.filter(pk=feed.pk).update(url=feed_server.url("changed.json"))
    feed.refresh_from_db()

    fetch_run = ingest.run_feed(feed)

    assert fetch_run.outcome == Outcome.FAILED
    assert "'filed'" in fetch_run.error
    assert not Observation.objects.filter(indicator=feed.indicator).exists()


def test_sec_meta_finance_lease_principal_from_the_same_file(feed_server):
    rows = run(feed_server, "SEC EDGAR XBRL: Meta principal payments on finance leases")

    assert {day: (row.value, row.published_on) for day, row in rows.items()} == {
        # First tagged in the 10-K for 2019, which gave 2017 and 2018 as zero.
        D(2017, 12, 31): (0.0, D(2020, 1, 30)),
        D(2018, 12, 31): (0.0, D(2020, 1, 30)),
        D(2019, 12, 31): (pytest.approx(0.552), D(2020, 1, 30)),
        D(2020, 12, 31): (pytest.approx(0.604), D(2021, 1, 28)),
    }


def values(rows: dict[datetime.date, Observation]) -> dict:
    return {day: (row.value, row.published_on) for day, row in rows.items()}


MICROSOFT = "SEC EDGAR XBRL: Microsoft additions to property and equipment, "
SEC_CAPEX = {
    "SEC EDGAR XBRL: Alphabet purchases of property and equipment": {
        D(2018, 12, 31): (pytest.approx(25.139), D(2019, 2, 5)),
        D(2019, 12, 31): (pytest.approx(23.548), D(2020, 2, 4)),
        D(2020, 12, 31): (pytest.approx(22.281), D(2021, 2, 3)),
        D(2021, 12, 31): (pytest.approx(24.640), D(2022, 2, 2)),
    },
    # Amazon's concept since 2017 is PaymentsToAcquireProductiveAssets.
    "SEC EDGAR XBRL: Amazon purchases of property and equipment": {
        D(2018, 12, 31): (pytest.approx(13.427), D(2019, 2, 1)),
        D(2019, 12, 31): (pytest.approx(16.861), D(2020, 1, 31)),
        D(2020, 12, 31): (pytest.approx(40.140), D(2021, 2, 3)),
        D(2021, 12, 31): (pytest.approx(61.053), D(2022, 2, 4)),
    },
    # Microsoft's fiscal years end on June 30.
    MICROSOFT + "fiscal year": {
        D(2019, 6, 30): (pytest.approx(13.925), D(2019, 8, 1)),
        D(2020, 6, 30): (pytest.approx(15.441), D(2020, 7, 31)),
        D(2021, 6, 30): (pytest.approx(20.622), D(2021, 7, 29)),
    },
    # The six months to December; the three months from October, in the same
    # 10-Qs, are left out by the filter on the start date.
    MICROSOFT + "July to December": {
        D(2018, 12, 31): (pytest.approx(7.309), D(2019, 1, 30)),
        D(2019, 12, 31): (pytest.approx(6.930), D(2020, 1, 29)),
        D(2020, 12, 31): (pytest.approx(9.081), D(2021, 1, 26)),
        D(2021, 12, 31): (pytest.approx(11.675), D(2022, 1, 25)),
    },
}


@pytest.mark.parametrize("name", SEC_CAPEX)
def test_sec_capex_is_each_filings_value_public_from_its_filing_date(feed_server, name):
    assert values(run(feed_server, name)) == SEC_CAPEX[name]


def test_fed_capex_derives_microsofts_calendar_years_the_big4_sum_and_its_growth(
    feed_server,
):
    run_feeds_then_derive(feed_server, "SEC EDGAR XBRL")

    # Fiscal 2020 (to June) less July-December 2019 plus July-December 2020.
    assert value("hyperscaler-capex-microsoft", D(2020, 12, 31)) == pytest.approx(
        15.441 - 6.930 + 9.081
    )
    assert value("hyperscaler-capex-microsoft", D(2019, 12, 31)) == pytest.approx(
        13.925 - 7.309 + 6.930
    )
    # Meta's fixture ends with 2020: the sum covers the years all five have.
    big4_2019 = 23.548 + 16.861 + 15.102 + 0.552 + (13.925 - 7.309 + 6.930)
    big4_2020 = 22.281 + 40.140 + 15.115 + 0.604 + (15.441 - 6.930 + 9.081)
    big4 = Observation.objects.filter(
        origin=Origin.DERIVED, indicator__slug="hyperscaler-capex-big4"
    )
    # Microsoft's 2018 would need July-December 2017, which the fixture lacks.
    assert sorted(big4.values_list("date", flat=True)) == [
        D(2019, 12, 31),
        D(2020, 12, 31),
    ]
    assert value("hyperscaler-capex-big4", D(2020, 12, 31)) == pytest.approx(big4_2020)
    assert value("hyperscaler-capex-yoy-growth", D(2020, 12, 31)) == pytest.approx(
        100 * (big4_2020 / big4_2019 - 1)
    )
    # Each derived value is public from the latest of its inputs' filings.
    assert big4.get(date=D(2020, 12, 31)).published_on == D(2021, 2, 3)
