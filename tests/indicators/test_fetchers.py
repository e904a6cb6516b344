"""Feed fetching and field mapping, against a local HTTP server.

The fixture payloads under tests/fixtures/feeds/ are shaped like the real
sources (field names, nesting, value formats); their numbers are close to the
published ones but are test data, not a source of truth.
"""

import dataclasses
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from indicators.fetchers import (
    FeedSpec,
    FetchError,
    FetchResult,
    Filter,
    Record,
    fetch,
    parse,
)
from tests.httpserver import FEEDS, FixtureServer

SWEBENCH = "swebench/leaderboards.json"
EPOCH = "epoch/notable_ai_models.csv"
SEC = "sec/CIK0000789019.json"
LOCAL = "http://127.0.0.1/"  # for payloads parsed without a request


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a proxy from the environment away from requests to 127.0.0.1."""
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer(FEEDS) as server:
        yield server


def swebench_spec(url: str, **changes: object) -> FeedSpec:
    spec = FeedSpec(
        url=url,
        format="json",
        records_path="leaderboards[name=Verified].results",
        date_field="date",
        value_field="resolved",
        aggregation="running_max",
        label_field="name",
    )
    return dataclasses.replace(spec, **changes)


def epoch_spec(url: str) -> FeedSpec:
    return FeedSpec(
        url=url,
        format="csv",
        date_field="Publication date",
        value_field="Training compute (FLOP)",
        aggregation="running_max",
        label_field="Model",
    )


def sec_spec(url: str) -> FeedSpec:
    return FeedSpec(
        url=url,
        format="json",
        records_path=(
            "facts.us-gaap.PaymentsToAcquirePropertyPlantAndEquipment.units.USD"
        ),
        date_field="end",
        value_field="val",
        filters=(Filter("fp", "eq", "FY"),),
        unit_factor=1e-9,
    )


def fetch_error(spec: FeedSpec, **options: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(spec, **options)
    return caught.value


def results_body(*results: str) -> str:
    """A one-board leaderboard whose results are the given JSON objects."""
    joined = ", ".join(results)
    return '{"leaderboards": [{"name": "Verified", "results": [' + joined + "]}]}"


# --- the three example feeds


def test_swebench_verified_board_yields_the_running_best_score(
    server: FixtureServer,
) -> None:
    result = fetch(swebench_spec(server.url(SWEBENCH)))

    assert result.status == "ok"
    assert result.rows_seen == 21  # the Verified board only
    assert result.records == [
        Record(date(2023, 10, 10), 4.4, "RAG + Claude 2"),
        Record(date(2024, 4, 2), 22.4, "SWE-agent + GPT 4 (1106)"),
        Record(date(2024, 6, 20), 33.6, "SWE-agent + Claude 3.5 Sonnet"),
        Record(date(2024, 8, 20), 40.6, "Honeycomb"),
        Record(date(2024, 8, 24), 45.2, "Gru(2024-08-24)"),
        Record(
            date(2024, 10, 29),
            53.0,
            "OpenHands + CodeAct v2.1 (claude-3-5-sonnet-20241022)",
        ),
        Record(date(2024, 12, 2), 55.0, "Amazon Q Developer Agent (v20241202-dev)"),
        Record(date(2024, 12, 13), 58.2, "devlo"),
        Record(date(2025, 1, 10), 62.8, "Blackbox AI Agent"),
        Record(date(2025, 3, 16), 65.4, "Augment Agent v0"),
        Record(date(2025, 5, 22), 72.4, "Refact.ai Agent"),
        Record(date(2025, 6, 12), 75.2, "TRAE"),
        Record(date(2025, 9, 26), 78.8, "TRAE + Doubao-Seed-Code"),
    ]


def test_swebench_per_date_keeps_the_best_score_of_each_day(
    server: FixtureServer,
) -> None:
    spec = swebench_spec(
        server.url(SWEBENCH),
        records_path="leaderboards[name=Lite].results",
        aggregation="per_date",
    )

    result = fetch(spec)

    assert result.rows_seen == 8
    assert [(r.date, r.value) for r in result.records] == [
        (date(2023, 10, 10), 2.67),
        (date(2024, 4, 2), 18.0),  # over RAG + Claude 3 Opus, 4.33, the same day
        (date(2024, 6, 20), 23.0),
        (date(2024, 8, 20), 38.33),
        (date(2024, 10, 29), 41.67),
        (date(2025, 5, 14), 60.0),
        (date(2025, 6, 1), 60.33),
    ]


def test_epoch_csv_yields_the_running_maximum_of_training_compute(
    server: FixtureServer,
) -> None:
    result = fetch(epoch_spec(server.url(EPOCH)))

    assert result.status == "ok"
    assert result.rows_seen == 25  # including five models without an estimate
    assert result.records == [
        Record(date(2012, 9, 30), 4.7e17, "AlexNet"),
        Record(date(2014, 9, 10), 7.3e18, "Seq2Seq LSTM"),
        Record(date(2017, 6, 12), 7.4e18, "Transformer"),
        Record(date(2017, 10, 18), 3.41e23, "AlphaGo Zero"),
        Record(date(2021, 10, 11), 1.17e24, "Megatron-Turing NLG 530B"),
        Record(date(2022, 4, 4), 2.5272e24, "PaLM (540B)"),
        Record(date(2023, 3, 15), 2.1e25, "GPT-4"),
        Record(date(2023, 12, 6), 5e25, "Gemini 1.0 Ultra"),
        Record(date(2025, 2, 17), 4.6e26, "Grok 3"),
        Record(date(2025, 7, 9), 5e26, "Grok 4"),
    ]


def test_sec_company_facts_yield_fiscal_year_capex_in_billions(
    server: FixtureServer,
) -> None:
    result = fetch(sec_spec(server.url(SEC)))

    assert result.rows_seen == 20  # annual and year-to-date quarterly rows
    # Each 10-K repeats the two years before it: one value per fiscal year end.
    assert [r.date for r in result.records] == [
        date(2021, 6, 30),
        date(2022, 6, 30),
        date(2023, 6, 30),
        date(2024, 6, 30),
        date(2025, 6, 30),
    ]
    assert [r.value for r in result.records] == pytest.approx(
        [20.622, 23.886, 28.107, 44.477, 64.551]
    )


# --- mapping rules


def test_filter_compares_the_field_as_a_string() -> None:
    body = """[
        {"fy": 2024, "end": "2024-06-30", "val": 44477000000},
        {"fy": 2025, "end": "2025-06-30", "val": 64551000000},
        {"fy": "2025", "end": "2025-03-31", "val": 47435000000}
    ]"""
    spec = FeedSpec(
        url="http://127.0.0.1/",
        format="json",
        date_field="end",
        value_field="val",
        filters=(Filter("fy", "eq", "2025"),),
    )

    records, rows_seen, _ = parse(spec, body.encode())

    assert rows_seen == 3
    assert [r.date for r in records] == [date(2025, 3, 31), date(2025, 6, 30)]


def test_running_min_keeps_each_new_lowest_value() -> None:
    body = "day,cost\n2024-01-05,10\n2024-02-01,12\n2024-03-01,8\n2024-03-01,9\n"
    spec = FeedSpec(
        url="http://127.0.0.1/",
        format="csv",
        date_field="day",
        value_field="cost",
        aggregation="running_min",
    )

    records, *_ = parse(spec, body.encode())

    assert records == [Record(date(2024, 1, 5), 10.0), Record(date(2024, 3, 1), 8.0)]


def test_numeric_strings_may_carry_commas_and_a_percent_sign() -> None:
    body = results_body(
        '{"date": "2024-01-01", "resolved": "1,234.5"}',
        '{"date": "2024-01-02", "resolved": " 45.5% "}',
    )
    spec = swebench_spec(LOCAL, label_field="", aggregation="per_date")

    records, *_ = parse(spec, body.encode())

    assert [r.value for r in records] == [1234.5, 45.5]


def test_rows_without_a_date_or_a_value_are_skipped() -> None:
    body = results_body(
        '{"date": "2024-01-01", "resolved": 10}',
        '{"date": "", "resolved": 50}',
        '{"resolved": 60}',
        '{"date": "2024-01-03", "resolved": null}',
    )

    records, rows_seen, _ = parse(swebench_spec(LOCAL, label_field=""), body.encode())

    assert rows_seen == 4
    assert records == [Record(date(2024, 1, 1), 10.0)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-14", date(2024, 3, 14)),
        ("2024-03-14T18:30:00", date(2024, 3, 14)),
        ("2024-03-14T23:30:00-05:00", date(2024, 3, 15)),  # UTC
        ("2024-03-14T10:00:00Z", date(2024, 3, 14)),
        ("2024-02", date(2024, 2, 29)),  # a month stands for its last day
        ("2024", date(2024, 12, 31)),  # a year too
    ],
)
def test_date_formats(raw: str, expected: date) -> None:
    body = results_body(f'{{"date": "{raw}", "resolved": 1}}')

    records, *_ = parse(swebench_spec(LOCAL, label_field=""), body.encode())

    assert records[0].date == expected


def test_an_unreadable_date_names_the_row_and_the_field() -> None:
    body = results_body(
        '{"date": "2024-01-01", "resolved": 10}',
        '{"date": "14.03.2024", "resolved": 20}',
    )

    with pytest.raises(FetchError) as caught:
        parse(swebench_spec(LOCAL, label_field=""), body.encode())

    assert str(caught.value) == "row 2: 'date' is not a date: '14.03.2024'"
    assert caught.value.transient is False


def test_a_filter_that_matches_nothing_is_an_error(server: FixtureServer) -> None:
    spec = dataclasses.replace(
        sec_spec(server.url(SEC)), filters=(Filter("fp", "eq", "fy"),)
    )

    error = fetch_error(spec)

    assert error.transient is False
    assert str(error) == (
        "none of the 20 rows has a date in 'end' and a value in 'val' with fp eq 'fy'"
    )


def test_a_board_that_is_not_there_is_an_error(server: FixtureServer) -> None:
    spec = swebench_spec(
        server.url(SWEBENCH), records_path="leaderboards[name=Multimodal].results"
    )

    error = fetch_error(spec)

    assert error.transient is False
    assert str(error) == (
        "no records at path 'leaderboards[name=Multimodal].results': "
        "no list item has name = 'Multimodal'"
    )


def test_an_empty_list_at_the_path_is_an_error() -> None:
    with pytest.raises(FetchError) as caught:
        parse(swebench_spec(LOCAL, label_field=""), results_body().encode())

    assert str(caught.value) == (
        "no records at path 'leaderboards[name=Verified].results': the list is empty"
    )


def test_a_path_that_ends_on_an_object_is_an_error(server: FixtureServer) -> None:
    error = fetch_error(
        swebench_spec(server.url(SWEBENCH), records_path="leaderboards[name=Verified]")
    )

    assert "found a dict, not a list" in str(error)


def test_an_unknown_aggregation_is_refused_before_any_request(
    server: FixtureServer,
) -> None:
    error = fetch_error(swebench_spec(server.url(SWEBENCH), aggregation="mean"))

    assert "unknown aggregation 'mean'" in str(error)
    assert server.hits() == 0


# --- conditional requests


def test_an_unchanged_source_answers_304_to_its_etag(server: FixtureServer) -> None:
    spec = swebench_spec(server.url(SWEBENCH))
    first = fetch(spec)

    second = fetch(spec, etag=first.etag)

    assert first.etag
    assert second == FetchResult(
        status="unchanged",
        records=[],
        rows_seen=0,
        etag=first.etag,
        last_modified=first.last_modified,
    )
    assert server.hits(SWEBENCH) == 2
    assert server.requests(SWEBENCH)[1].headers["If-None-Match"] == first.etag


def test_an_unchanged_source_answers_304_to_its_last_modified(
    server: FixtureServer,
) -> None:
    stamp = "Tue, 01 Jul 2025 08:00:00 GMT"
    server.route("/capex.json", file=SEC, last_modified=stamp)
    spec = sec_spec(server.url("capex.json"))
    first = fetch(spec)

    second = fetch(spec, last_modified=first.last_modified)

    assert first.status == "ok"
    assert first.last_modified == stamp
    assert first.etag == ""
    assert second.status == "unchanged"
    assert second.records == []
    assert second.last_modified == stamp
    assert server.hits("/capex.json") == 2


def test_a_changed_source_is_fetched_in_full(server: FixtureServer) -> None:
    result = fetch(swebench_spec(server.url(SWEBENCH)), etag='"an-older-version"')

    assert result.status == "ok"
    assert len(result.records) == 13
    assert server.hits(SWEBENCH) == 1


# --- failures a retry can fix


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_are_transient(server: FixtureServer, status: int) -> None:
    server.route("/board.json", status=status, body="busy")

    error = fetch_error(swebench_spec(server.url("board.json")))

    assert error.transient is True
    assert str(error).startswith(f"HTTP {status} from {server.url('board.json')}")


def test_a_reset_connection_is_transient(server: FixtureServer) -> None:
    server.route("/board.json", drop=True)

    error = fetch_error(swebench_spec(server.url("board.json")))

    assert error.transient is True
    assert str(error).startswith(f"could not fetch {server.url('board.json')}")


def test_a_refused_connection_is_transient() -> None:
    with FixtureServer(FEEDS) as stopped:
        url = stopped.url(SWEBENCH)  # nothing listens on the port afterwards

    error = fetch_error(swebench_spec(url))

    assert error.transient is True


def test_a_body_cut_short_of_its_content_length_is_transient(
    server: FixtureServer,
) -> None:
    body = (FEEDS / SWEBENCH).read_bytes()
    server.route("/board.json", body=body[:5000], content_length=len(body))

    error = fetch_error(swebench_spec(server.url("board.json")))

    assert error.transient is True
    assert f"closed after 5000 of {len(body)} bytes" in str(error)


def test_a_slow_server_times_out_as_a_transient_error(server: FixtureServer) -> None:
    server.route("/board.json", file=SWEBENCH, delay=1.0)
    started = time.monotonic()

    error = fetch_error(swebench_spec(server.url("board.json")), timeout=0.1)

    assert time.monotonic() - started < 0.9
    assert error.transient is True
    assert str(error) == f"no response from {server.url('board.json')} within 0.1 s"


def test_a_failure_then_a_success_on_the_next_attempt(server: FixtureServer) -> None:
    server.route("/board.json", status=502, times=1)
    server.route("/board.json", file=SWEBENCH)
    spec = swebench_spec(server.url("board.json"))

    assert fetch_error(spec).transient is True
    assert fetch(spec).status == "ok"
    assert server.hits("/board.json") == 2


# --- failures a retry cannot fix


def test_not_found_is_permanent(server: FixtureServer) -> None:
    url = server.url("swebench/missing.json")

    error = fetch_error(swebench_spec(url))

    assert error.transient is False
    assert str(error) == f"HTTP 404 from {url} (Not Found)"


@pytest.mark.parametrize(
    "content_type", ["text/html; charset=utf-8", "application/json"]
)
def test_an_html_page_instead_of_json_is_permanent(
    server: FixtureServer, content_type: str
) -> None:
    server.route(
        "/board.json", file="errors/html_error_page.html", content_type=content_type
    )

    error = fetch_error(swebench_spec(server.url("board.json")))

    assert error.transient is False
    assert str(error).startswith("expected JSON but the response is HTML")


def test_malformed_json_is_permanent(server: FixtureServer) -> None:
    error = fetch_error(
        swebench_spec(server.url("swebench/leaderboards_malformed.json"))
    )

    assert error.transient is False
    assert str(error) == (
        "the response is not valid JSON: Expecting ',' delimiter (line 24, column 17)"
    )


def test_a_truncated_json_document_is_permanent(server: FixtureServer) -> None:
    # Served whole, without a Content-Length that would tell a cut transfer.
    server.route(
        "/board.json",
        file="swebench/leaderboards_truncated.json",
        content_length=None,
    )

    error = fetch_error(swebench_spec(server.url("board.json")))

    assert error.transient is False
    assert str(error).startswith("the response is not valid JSON: it ends early")


def test_an_empty_body_is_permanent(server: FixtureServer) -> None:
    error = fetch_error(swebench_spec(server.url("errors/empty.json")))

    assert error.transient is False
    assert str(error) == "the response is empty"


def test_a_body_over_the_limit_is_refused_from_its_content_length(
    server: FixtureServer,
) -> None:
    server.route("/board.json", body=b"[" + b" " * 6000 + b"]")

    error = fetch_error(swebench_spec(server.url("board.json")), max_bytes=5000)

    assert error.transient is False
    assert str(error).startswith(
        "response larger than 5000 bytes (Content-Length: 6002)"
    )


def test_a_body_over_the_limit_is_refused_while_reading(server: FixtureServer) -> None:
    server.route("/board.json", body=b"[" + b" " * 6000 + b"]", content_length=None)

    error = fetch_error(swebench_spec(server.url("board.json")), max_bytes=5000)

    assert error.transient is False
    assert (
        str(error) == f"response larger than 5000 bytes from {server.url('board.json')}"
    )


def test_a_csv_without_the_value_column_names_it(server: FixtureServer) -> None:
    spec = epoch_spec(server.url("epoch/notable_ai_models_renamed_columns.csv"))

    error = fetch_error(spec)

    assert error.transient is False
    assert str(error).startswith(
        "the CSV has no column 'Training compute (FLOP)' (its columns: Model, Domain,"
    )


def test_a_csv_that_is_not_utf8_is_permanent(server: FixtureServer) -> None:
    error = fetch_error(epoch_spec(server.url("epoch/notable_ai_models_latin1.csv")))

    assert error.transient is False
    assert str(error).startswith("the response is not valid UTF-8: byte 0xe9 at offset")


def test_a_csv_with_a_byte_order_mark_is_read(server: FixtureServer) -> None:
    result = fetch(epoch_spec(server.url("epoch/notable_ai_models_bom.csv")))

    assert [r.note for r in result.records] == [
        "AlexNet",
        "Seq2Seq LSTM",
        "Transformer",
        "AlphaGo Zero",
    ]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ('"n/a!"', "is not a number: 'n/a!'"),
        ('"NaN"', "is not a finite number: 'NaN'"),
        ("NaN", "is not a finite number: nan"),
        ('"inf"', "is not a finite number: 'inf'"),
        ("-Infinity", "is not a finite number: -inf"),
        ("true", "is not a number: True"),
    ],
)
def test_a_bad_value_fails_the_whole_payload(
    server: FixtureServer, raw: str, problem: str
) -> None:
    server.route(
        "/board.json",
        body=results_body(
            '{"date": "2024-01-01", "resolved": 10}',
            f'{{"date": "2024-01-02", "resolved": {raw}}}',
        ),
        content_type="application/json",
    )

    error = fetch_error(swebench_spec(server.url("board.json"), label_field=""))

    assert error.transient is False
    assert str(error) == f"row 2: 'resolved' {problem}"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/leaderboards.json",
        "127.0.0.1/leaderboards.json",
        "data:application/json,[]",
    ],
)
def test_only_http_and_https_urls_are_fetched(url: str) -> None:
    error = fetch_error(swebench_spec(url))

    assert error.transient is False
    assert str(error) == f"only http and https URLs can be fetched, not {url!r}"


def test_a_malformed_url_is_permanent() -> None:
    error = fetch_error(swebench_spec("http://127.0.0.1:abc/leaderboards.json"))

    assert error.transient is False
    assert "nonnumeric port: 'abc'" in str(error)


def test_a_non_http_url_is_refused_before_any_request(server: FixtureServer) -> None:
    url = "ftp" + server.url(SWEBENCH).removeprefix("http")

    fetch_error(swebench_spec(url))

    assert server.hits() == 0


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x.json"])
def test_a_redirect_to_another_scheme_is_refused(
    server: FixtureServer, target: str
) -> None:
    server.route("/board.json", status=302, headers={"Location": target})

    error = fetch_error(swebench_spec(server.url("board.json")))

    assert error.transient is False
    assert "only http and https redirects are followed" in str(error)


def test_a_redirect_to_http_is_followed(server: FixtureServer) -> None:
    server.route("/old.json", status=301, headers={"Location": "/" + SWEBENCH})

    result = fetch(swebench_spec(server.url("old.json")))

    assert result.status == "ok"
    assert server.hits(SWEBENCH) == 1


def test_the_fetcher_imports_without_django() -> None:
    code = "import sys, indicators.fetchers; sys.exit('django' in sys.modules)"

    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).parents[2]
    )

    assert completed.returncode == 0
