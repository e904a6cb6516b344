"""A payload's bytes as a list of records (mappings), one reader per format.

JSON and YAML documents are walked down a records path; CSV rows and the rows
of an XLSX sheet are keyed by their header. Plain Python (openpyxl for XLSX):
no Django. Every failure is a ``FetchError`` naming what is wrong.
"""

import csv
import datetime
import io
import json
import re
import zipfile
from typing import Any

import yaml

from indicators.payload_values import KEY_FIELD, FetchError, text

FORMATS = ("json", "csv", "yaml", "xlsx")
# Formats read as one document and walked down a records path.
DOCUMENT_FORMATS = ("json", "yaml")
# An XLSX file is a ZIP: refuse one that would unpack to more than this, so a
# small download cannot fill memory.
XLSX_MAX_UNPACKED_BYTES = 200_000_000

# One segment of a records path: "key", "*" (every value of a mapping or item
# of a list) or "[field=value]" (the first list item whose field equals value),
# optionally after a dot.
_PATH_SEGMENT = re.compile(
    r"\.?(?:(?P<key>[^.\[\]]+)|\[(?P<field>[^=\]]+)=(?P<value>[^\]]*)\])"
)
_HTML_START = re.compile(rb"\s*<")
WILDCARD = "*"


def split_path(records_path: str) -> list[tuple[str, ...]]:
    """'a.b[name=X].c' → [("a",), ("b",), ("name", "X"), ("c",)]."""
    steps: list[tuple[str, ...]] = []
    position = 0
    while position < len(records_path):
        match = _PATH_SEGMENT.match(records_path, position)
        if match is None:
            raise FetchError(
                f"records path {records_path!r} is not valid at "
                f"{records_path[position:]!r}"
            )
        if match["key"] is not None:
            steps.append((match["key"],))
        else:
            steps.append((match["field"], match["value"]))
        position = match.end()
    return steps


def read_records(
    feed_format: str,
    body: bytes,
    *,
    content_type: str = "",
    records_path: str = "",
    sheet: str = "",
) -> list[dict[str, Any]]:
    """The payload's records, in payload order."""
    _refuse_empty_or_html(body, content_type, feed_format)
    if feed_format == "xlsx":
        return _xlsx_rows(body, sheet)
    decoded = _decode(body)
    if feed_format == "csv":
        return _csv_rows(decoded)
    document = _json(decoded) if feed_format == "json" else _yaml(decoded)
    return follow_path(document, records_path)


def _refuse_empty_or_html(body: bytes, content_type: str, feed_format: str) -> None:
    if not body or body.isspace():
        raise FetchError("the response is empty")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type in ("text/html", "application/xhtml+xml") or _HTML_START.match(body):
        raise FetchError(
            f"expected {feed_format.upper()} but the response is HTML "
            f"({media_type or 'no content type'})"
        )


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FetchError(
            f"the response is not valid UTF-8: byte 0x{body[error.start]:02x} "
            f"at offset {error.start}"
        ) from None


# --- documents (JSON, YAML) --------------------------------------------------------


def _json(text_: str) -> Any:
    try:
        return json.loads(text_)
    except json.JSONDecodeError as error:
        # An unterminated string is reported where it starts, not at the end.
        if error.pos >= len(text_.rstrip()) or error.msg.startswith("Unterminated"):
            problem = "it ends early (truncated?)"
        else:
            problem = error.msg
        raise FetchError(
            f"the response is not valid JSON: {problem} "
            f"(line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise FetchError("the response is not usable JSON: nested too deeply") from None


def _yaml(text_: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text_, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        place = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        raise FetchError(f"the response is not valid YAML: {problem}{place}") from None
    except RecursionError:
        raise FetchError("the response is not usable YAML: nested too deeply") from None


def follow_path(document: Any, records_path: str) -> list[dict[str, Any]]:
    """The records at ``records_path``: the items of the list it ends on, or,
    after a "*", the values of the mapping (their keys as ``KEY_FIELD``)."""
    where = f"no records at path {records_path!r}"
    # Each node with the key of the last "*" that led to it.
    nodes: list[tuple[str, Any]] = [("", document)]
    steps = split_path(records_path)
    for step in steps:
        nodes = _step(nodes, step, where)
    if steps and steps[-1] == (WILDCARD,):
        keyed = nodes
    else:
        keyed = []
        for key, node in nodes:
            if not isinstance(node, list):
                found = type(node).__name__
                raise FetchError(f"{where}: found a {found}, not a list")
            keyed += [(key, item) for item in node]
    if not keyed:
        raise FetchError(f"{where}: the list is empty")
    records = []
    for number, (key, item) in enumerate(keyed, start=1):
        if not isinstance(item, dict):
            raise FetchError(
                f"row {number} at path {records_path!r} is not an object: {item!r:.60}"
            )
        records.append({**item, KEY_FIELD: key} if key else item)
    return records


def _step(
    nodes: list[tuple[str, Any]], step: tuple[str, ...], where: str
) -> list[tuple[str, Any]]:
    if step == (WILDCARD,):
        walked = []
        for _, node in nodes:
            if isinstance(node, dict):
                walked += [(str(key), value) for key, value in node.items()]
            elif isinstance(node, list):
                walked += [(str(index), item) for index, item in enumerate(node)]
            else:
                raise FetchError(
                    f"{where}: {WILDCARD!r} reached a {type(node).__name__}"
                )
        return walked
    if len(step) == 1:
        found = [
            (k, n[step[0]]) for k, n in nodes if isinstance(n, dict) and step[0] in n
        ]
        if not found:
            raise FetchError(f"{where}: there is no key {step[0]!r}")
        return found
    field, value = step
    found = []
    for key, node in nodes:
        items = node if isinstance(node, list) else []
        matches = [
            i for i in items if isinstance(i, dict) and text(i.get(field)) == value
        ]
        found += [(key, matches[0])] if matches else []
    if not found:
        raise FetchError(f"{where}: no list item has {field} = {value!r}")
    return found


# --- tables (CSV, XLSX) ------------------------------------------------------------


def _csv_rows(text_: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text_, newline=""))
    try:
        reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
        rows = list(reader)
    except csv.Error as error:
        raise FetchError(
            f"the CSV is malformed at line {reader.line_num}: {error}"
        ) from None
    if not rows:
        raise FetchError("the CSV has a header but no rows")
    return rows


def _xlsx_rows(body: bytes, sheet: str) -> list[dict[str, Any]]:
    """The rows of the first sheet, or of ``sheet``, keyed by its first row."""
    # Imported here, so that only XLSX feeds pay for it.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > XLSX_MAX_UNPACKED_BYTES:
            raise FetchError(
                f"the XLSX file would unpack to {unpacked} bytes, more than "
                f"{XLSX_MAX_UNPACKED_BYTES}"
            )
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
    ) as error:
        raise FetchError(f"the response is not a readable XLSX file: {error}") from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise FetchError(
                f"the XLSX file has no sheet {sheet!r} (its sheets: "
                f"{', '.join(book.sheetnames)})"
            )
        worksheet = book[sheet] if sheet else book.worksheets[0]
        rows = worksheet.iter_rows(values_only=True)
        header = [text(cell) for cell in next(rows, ())]
        records = [
            {name: _cell(cell) for name, cell in zip(header, row, strict=False) if name}
            for row in rows
            if any(cell is not None and text(cell) for cell in row)
        ]
    finally:
        book.close()
    if not records:
        raise FetchError("the XLSX sheet has a header but no rows")
    return records


def _cell(cell: Any) -> Any:
    # A date-formatted cell arrives as a datetime at midnight: keep the date.
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time():
        return cell.date()
    return cell


def columns_of(records: list[dict[str, Any]]) -> list[str]:
    """The field names of a table's records (for an error message)."""
    return list(records[0]) if records else []
