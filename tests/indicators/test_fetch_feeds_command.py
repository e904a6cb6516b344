"""manage.py fetch_feeds: feeds run in the foreground, a line each and a summary."""

import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Aggregation, FetchRun, Observation, Outcome
from tests.factories import FeedFactory, IndicatorFactory
from tests.feed_fixtures import SWEBENCH, VERIFIED_BEST

pytestmark = pytest.mark.django_db


def swebench_feed(server, name: str, path: str = SWEBENCH, **fields):
    defaults = {
        "name": name,
        "indicator": IndicatorFactory(min_value=0, max_value=100),
        "url": server.url(path),
        "records_path": "leaderboards[name=Verified].results",
        "date_field": "date",
        "value_field": "resolved",
        "aggregation": Aggregation.RUNNING_MAX,
    }
    return FeedFactory(**{**defaults, **fields})


def fetch_feeds(*args: str) -> str:
    out = StringIO()
    call_command("fetch_feeds", *args, stdout=out)
    return out.getvalue()


def test_every_active_feed_runs_with_a_line_each_and_a_summary(feed_server):
    swebench_feed(feed_server, "A board")
    swebench_feed(feed_server, "B board")
    swebench_feed(feed_server, "C paused", is_active=False)

    output = fetch_feeds()

    lines = output.splitlines()
    assert lines[0].startswith("[1/2] A board: ok, 21 rows seen, 13 new, 0 changed (")
    assert lines[1].startswith("[2/2] B board: ok, 21 rows seen, 13 new, 0 changed (")
    assert lines[2] == "2 feeds: 2 ok."
    assert Observation.objects.count() == 2 * len(VERIFIED_BEST)


def test_one_feed_by_name_or_by_indicator(feed_server):
    wanted = swebench_feed(feed_server, "Wanted", is_active=False)
    swebench_feed(feed_server, "Other")

    by_name = fetch_feeds("--feed", "Wanted")
    by_indicator = fetch_feeds("--feed", wanted.indicator.slug)

    assert by_name.splitlines()[-1] == "1 feed: 1 ok."
    assert by_indicator.splitlines()[-1] == "1 feed: 1 unchanged."
    assert set(FetchRun.objects.values_list("feed__name", flat=True)) == {"Wanted"}


def test_an_unknown_feed_is_named():
    with pytest.raises(CommandError, match="No feed is named 'nope'"):
        fetch_feeds("--feed", "nope")


def test_offline_each_failed_run_says_so_once_in_words(monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)  # offline: no name resolves
    FeedFactory(name="Unreachable", url="http://feeds.example.org/leaderboards.json")
    out = StringIO()

    with pytest.raises(CommandError, match="1 of 1 feed failed"):
        call_command("fetch_feeds", stdout=out)

    [line, summary] = out.getvalue().splitlines()
    assert line.startswith(
        "[1/1] Unreachable: failed: could not fetch "
        "http://feeds.example.org/leaderboards.json: "
        "the host feeds.example.org was not found"
    )
    assert summary == "1 feed: 1 failed."
    assert FetchRun.objects.get().outcome == Outcome.FAILED
