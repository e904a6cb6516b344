"""The feeds the record ships (indicators/seed/feeds.yaml), pointed at trimmed
copies of their producers' real files under tests/fixtures/feeds/.

Each shipped feed names its fixture here; a feed without one fails
``test_every_shipped_feed_has_a_fixture``. The files' origins are in the
ORIGIN.md beside them.
"""

import yaml

from indicators import record as indicator_record
from indicators import record_feeds
from indicators.models import Feed
from predictions.record import RecordPaths
from tests.httpserver import FixtureServer

FUNDING = "epoch-companies/ai_companies_funding_rounds.csv"
# Feed name in feeds.yaml -> the trimmed real file, relative to tests/fixtures/feeds.
FIXTURES: dict[str, str] = {
    "SWE-bench Verified leaderboard": "swebench/leaderboards_2025-12-10.json",
    "SWE-bench bash-only leaderboard": "swebench/leaderboards_2025-12-10.json",
    "METR time horizons: 50%": "metr/benchmark_results_1_1.yaml",
    "METR time horizons: 80%": "metr/benchmark_results_1_1.yaml",
    "Epoch AI notable models: largest training run": (
        "epoch/notable_ai_models_2025-04-18.csv"
    ),
    "FRED: S&P 500 daily close": "fred/SP500.csv",
    "OSWorld-Verified leaderboard (100 steps)": (
        "osworld/osworld_verified_results.xlsx"
    ),
    "Epoch AI funding rounds: Anthropic valuation": FUNDING,
    "Epoch AI funding rounds: leading lab valuation": FUNDING,
    "SEC EDGAR XBRL: Meta purchases of property and equipment": (
        "sec-meta/CIK0001326801.json"
    ),
    "SEC EDGAR XBRL: Meta principal payments on finance leases": (
        "sec-meta/CIK0001326801.json"
    ),
    "SEC EDGAR XBRL: Alphabet purchases of property and equipment": (
        "sec-2022/CIK0001652044.json"
    ),
    "SEC EDGAR XBRL: Amazon purchases of property and equipment": (
        "sec-2022/CIK0001018724.json"
    ),
    **{
        f"SEC EDGAR XBRL: Microsoft additions to property and equipment, {part}": (
            "sec-2022/CIK0000789019.json"
        )
        for part in ("fiscal year", "July to December")
    },
    **{
        f"Epoch AI chip counts: {family} {measure}": (
            f"epoch-chips/{file}_cumulative_totals.csv"
        )
        for family, file in (
            ("Nvidia", "nvidia"),
            ("Google TPU", "tpu"),
            ("AMD", "amd"),
            ("Amazon Trainium", "trainium"),
        )
        for measure in ("compute", "power")
    },
}


def install_shipped_feeds(server: FixtureServer) -> dict[str, Feed]:
    """Load the record's indicators, feeds and derivations, each feed's URL on
    `server`."""
    paths = RecordPaths.seed()
    indicators, errors = indicator_record.read_indicators(paths.indicators.read_bytes())
    assert [str(error) for error in errors] == []
    indicator_record.save_indicators(indicators)
    feeds, errors = record_feeds.read_feeds(
        paths.feeds.read_bytes(), indicators={i.slug: i for i in indicators}
    )
    assert [str(error) for error in errors] == []
    for feed in feeds:
        feed.url = server.url(FIXTURES[feed.name])
    record_feeds.save_feeds(feeds)
    derivations, errors = indicator_record.read_derivations(
        paths.derived.read_bytes(), indicators={i.slug: i for i in indicators}
    )
    assert [str(error) for error in errors] == []
    indicator_record.save_derivations(derivations)
    return {feed.name: feed for feed in Feed.objects.select_related("indicator")}


def shipped_feed_names() -> list[str]:
    """The names in feeds.yaml, read without a database."""
    items = yaml.safe_load(RecordPaths.seed().feeds.read_bytes()) or []
    return [item["name"] for item in items]
