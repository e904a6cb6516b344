"""Reading payloads: YAML and XLSX, mapping records, dotted fields, bounds, dates,
missing values and filters. Pure parsing: no database, no server."""

import io
from datetime import date, datetime

import openpyxl
import pytest

from indicators.payloads import (
    FeedSpec,
    FetchError,
    Filter,
    Record,
    parse,
    read_filters,
)

URL = "http://127.0.0.1/"

METR_YAML = b"""\
benchmark_name: METR-Horizon-v1.1
results:
  claude_3_opus:
    release_date: 2024-03-04
    metrics:
      p50_horizon_length: {estimate: 6.4, ci_low: 3.1, ci_high: 12.2}
  gpt_5:
    release_date: '2025-08-07'
    metrics:
      p50_horizon_length: {estimate: 137.3, ci_low: 69.5, ci_high: 291.0}
  no_release_date:
    release_date: null
    metrics:
      p50_horizon_length: {estimate: 1.0, ci_low: 0.5, ci_high: 2.0}
"""


def metr_spec(**changes: object) -> FeedSpec:
    fields = {
        "url": URL,
        "format": "yaml",
        "records_path": "results.*",
        "date_field": "release_date",
        "value_field": "metrics.p50_horizon_length.estimate",
        "low_field": "metrics.p50_horizon_length.ci_low",
        "high_field": "metrics.p50_horizon_length.ci_high",
        "label_field": "@key",
        "unit_factor": 1 / 60,
    }
    return FeedSpec(**{**fields, **changes})


def xlsx(rows: list[list[object]], *, sheets: dict[str, list] | None = None) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for name, more in (sheets or {}).items():
        sheet = book.create_sheet(name)
        for row in more:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def board_spec(**changes: object) -> FeedSpec:
    fields = {"url": URL, "format": "json", "date_field": "date", "value_field": "v"}
    return FeedSpec(**{**fields, **changes})


def board(*rows: str) -> bytes:
    return ("[" + ", ".join(rows) + "]").encode()


# --- YAML, mapping records, dotted fields, bounds


def test_yaml_mapping_values_are_records_with_their_key_as_label() -> None:
    records, rows_seen, rows_missing = parse(metr_spec(), METR_YAML)

    assert (rows_seen, rows_missing) == (3, 1)
    assert [(r.date, r.note) for r in records] == [
        (date(2024, 3, 4), "claude_3_opus"),
        (date(2025, 8, 7), "gpt_5"),
    ]


def test_dotted_fields_give_the_value_and_its_bounds_in_the_unit() -> None:
    records, *_ = parse(metr_spec(), METR_YAML)

    gpt_5 = records[1]
    assert (gpt_5.value, gpt_5.low, gpt_5.high) == pytest.approx(
        (137.3 / 60, 69.5 / 60, 291.0 / 60)
    )


def test_a_value_field_no_record_has_fails_naming_it() -> None:
    spec = metr_spec(value_field="metrics.p80_horizon_length.estimate")

    with pytest.raises(FetchError) as caught:
        parse(spec, METR_YAML)

    assert str(caught.value) == (
        "none of the 3 records has the field 'metrics.p80_horizon_length.estimate': "
        "the format may have changed"
    )


def test_a_records_path_that_does_not_resolve_names_the_missing_key() -> None:
    with pytest.raises(FetchError) as caught:
        parse(metr_spec(records_path="models.*"), METR_YAML)

    assert (
        str(caught.value) == "no records at path 'models.*': there is no key 'models'"
    )


def test_invalid_yaml_is_refused_with_its_place() -> None:
    with pytest.raises(FetchError, match=r"not valid YAML: .*\(line 3, column"):
        parse(metr_spec(), b"results:\n  a: [1, 2\n  b: 3\n")


def test_a_wildcard_in_the_middle_walks_every_list() -> None:
    body = b"""{"boards": {"a": {"rows": [{"date": "2024-01-01", "v": 1}]},
                           "b": {"rows": [{"date": "2024-01-02", "v": 2}]}}}"""

    records, *_ = parse(board_spec(records_path="boards.*.rows"), body)

    assert [r.value for r in records] == [1.0, 2.0]


# --- XLSX


def test_xlsx_rows_of_the_first_sheet_are_keyed_by_the_header() -> None:
    body = xlsx(
        [
            ["Model", "Date", "Success rate", "Max steps"],
            ["Agent A", datetime.fromisoformat("2025-03-01"), 38.1, 100],
            ["Agent B", "2025-04-02", "45.2%", 50],
            [None, None, None, None],
        ]
    )
    spec = FeedSpec(
        url=URL,
        format="xlsx",
        date_field="Date",
        value_field="Success rate",
        label_field="Model",
    )

    records, rows_seen, _ = parse(spec, body)

    assert rows_seen == 2  # the empty row is not a row
    assert records == [
        Record(date(2025, 3, 1), 38.1, "Agent A"),
        Record(date(2025, 4, 2), 45.2, "Agent B"),
    ]


def test_xlsx_reads_a_named_sheet_and_filters_on_a_number() -> None:
    body = xlsx(
        [["ignored"], ["x"]],
        sheets={"Verified": [["Date", "Score", "Max steps"], ["2025-01-01", 1, 100.0]]},
    )
    spec = FeedSpec(
        url=URL,
        format="xlsx",
        sheet="Verified",
        date_field="Date",
        value_field="Score",
        filters=(Filter("Max steps", "eq", 100),),
    )

    records, *_ = parse(spec, body)

    assert [r.value for r in records] == [1.0]


def test_xlsx_without_the_sheet_lists_the_sheets() -> None:
    spec = FeedSpec(
        url=URL, format="xlsx", sheet="Nope", date_field="a", value_field="b"
    )

    with pytest.raises(FetchError) as caught:
        parse(spec, xlsx([["a", "b"], [1, 2]]))

    assert str(caught.value) == "the XLSX file has no sheet 'Nope' (its sheets: Sheet)"


def test_xlsx_without_the_value_column_names_it() -> None:
    spec = FeedSpec(url=URL, format="xlsx", date_field="Date", value_field="Score")

    with pytest.raises(FetchError) as caught:
        parse(spec, xlsx([["Date", "Success rate"], ["2025-01-01", 1]]))

    assert str(caught.value) == (
        "the XLSX has no column 'Score' (its columns: Date, Success rate)"
    )


def test_a_body_that_is_not_xlsx_is_refused() -> None:
    spec = FeedSpec(url=URL, format="xlsx", date_field="a", value_field="b")

    with pytest.raises(FetchError, match="not a readable XLSX file"):
        parse(spec, b"PK\x03\x04 not really a zip")


# --- dates and missing values


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12/31/2025", date(2025, 12, 31)),
        ("1/5/2026", date(2026, 1, 5)),
        ("17 November 2025", date(2025, 11, 17)),
        ("17 November 2025 4:28pm", date(2025, 11, 17)),
        ("17 Nov 2025", date(2025, 11, 17)),
        ("November 17, 2025", date(2025, 11, 17)),
        ("2025-11-17T16:28:00.123+00:00", date(2025, 11, 17)),
        ("2025-11-17 23:30:00-05:00", date(2025, 11, 18)),  # UTC
    ],
)
def test_more_date_formats(raw: str, expected: date) -> None:
    records, *_ = parse(board_spec(), board(f'{{"date": "{raw}", "v": 1}}'))

    assert records[0].date == expected


@pytest.mark.parametrize("marker", ['"."', '"n/a"', '"NA"', '""', "null", '" N/A "'])
def test_a_missing_value_marker_skips_the_row_and_is_counted(marker: str) -> None:
    body = board(
        '{"date": "2024-01-01", "v": 1}',
        f'{{"date": "2024-01-02", "v": {marker}}}',
        f'{{"date": {marker}, "v": 3}}',
    )

    records, rows_seen, rows_missing = parse(board_spec(), body)

    assert (rows_seen, rows_missing) == (3, 2)
    assert records == [Record(date(2024, 1, 1), 1.0)]


def test_fred_csv_with_dots_for_holidays() -> None:
    body = b"observation_date,SP500\n2025-12-24,6932.05\n2025-12-25,.\n"
    body += b"2025-12-26,6929.94\n"
    spec = FeedSpec(
        url=URL, format="csv", date_field="observation_date", value_field="SP500"
    )

    records, rows_seen, rows_missing = parse(spec, body)

    assert (rows_seen, rows_missing, len(records)) == (3, 1, 2)


def test_a_published_field_is_read_as_a_date() -> None:
    body = board('{"date": "2024-01-01", "v": 1, "filed": "2024-02-15"}')

    records, *_ = parse(board_spec(published_field="filed"), body)

    assert records[0].published_on == date(2024, 2, 15)


# --- filters


SWE_ROWS = board(
    '{"date": "2025-01-01", "v": 60, "tags": ["Checked", "Open source"], "os": true}',
    '{"date": "2025-02-01", "v": 70, "tags": ["Open source"], "os": true}',
    '{"date": "2025-03-01", "v": 80, "tags": ["Checked"], "os": false}',
    '{"date": "2025-04-01", "v": 90}',
)


@pytest.mark.parametrize(
    ("filters", "kept"),
    [
        ((Filter("tags", "contains", "Checked"),), [60, 80]),
        ((Filter("tags", "contains", "Checked"), Filter("os", "eq", True)), [60]),
        ((Filter("os", "ne", "true"),), [80, 90]),
        ((Filter("date", "in", ["2025-02-01", "2025-04-01"]),), [70, 90]),
        ((Filter("date", "contains", "-03-"),), [80]),  # a substring of text
    ],
)
def test_every_filter_must_hold(filters: tuple[Filter, ...], kept: list[int]) -> None:
    records, rows_seen, rows_missing = parse(board_spec(filters=filters), SWE_ROWS)

    assert [r.value for r in records] == kept
    assert (rows_seen, rows_missing) == (4, 0)  # filtered rows are not "missing"


def test_a_filter_field_no_record_has_fails_naming_it() -> None:
    spec = board_spec(filters=(Filter("labels", "contains", "Checked"),))

    with pytest.raises(FetchError, match="has the field 'labels'"):
        parse(spec, SWE_ROWS)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"field": "a", "op": "eq"}, "filter 1 must have exactly a field, an op"),
        ([{"field": "a", "op": "like", "value": "x"}], "filter 1: unknown op 'like'"),
        ([{"field": "", "op": "eq", "value": "x"}], "filter 1 needs a field"),
        ([{"field": "a", "op": "in", "value": "x"}], "'in' needs a non-empty list"),
        ([{"field": "a", "op": "eq", "value": ["x"]}], "'eq' needs a single value"),
        ([{"field": "a", "op": "eq", "value": ""}], "filter 1: the value is empty"),
    ],
)
def test_filters_are_validated(raw: object, message: str) -> None:
    with pytest.raises(FetchError) as caught:
        read_filters(raw if isinstance(raw, list) else [raw])

    assert message in str(caught.value)


def test_filters_read_from_their_stored_form() -> None:
    stored = [{"field": "form", "op": "eq", "value": "10-K"}]

    assert read_filters(stored) == (Filter("form", "eq", "10-K"),)


def test_a_factor_that_is_one_over_a_whole_number_divides_exactly() -> None:
    body = board('{"date": "2025-03-03", "v": 61500000000}')

    records, *_ = parse(board_spec(unit_factor=1e-9), body)

    assert records[0].value == 61.5  # not 61.50000000000001


def test_xlsx_dates_may_be_serial_numbers() -> None:
    body = xlsx([["Date", "Score"], [45887, 46.26], ["-", "-"], [None, "🚧"]])
    spec = FeedSpec(url=URL, format="xlsx", date_field="Date", value_field="Score")

    records, rows_seen, rows_missing = parse(spec, body)

    assert records == [Record(date(2025, 8, 18), 46.26)]
    assert (rows_seen, rows_missing) == (3, 2)
