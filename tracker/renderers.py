"""CSV export of API lists: the renderer, and the list mixin that feeds it rows
with the columns of the record files.

These files are meant for spreadsheets, so a text cell that a spreadsheet would
run as a formula (one beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading apostrophe. A cell that is a plain
number (``-1.5``, ``-2e-05``) is a number, not a formula, and is left alone.
The record files (``observations.csv``) are data that must load back byte for
byte, and are written verbatim by ``indicators.record``.
"""

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponseBase, StreamingHttpResponse
from rest_framework.exceptions import NotAcceptable
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request

# What spreadsheets read as the start of a formula, with the full-width forms
# some of them fold into the ASCII ones.
FORMULA_STARTS = tuple("=+-@\t\r") + tuple("\uff1d\uff0b\uff0d\uff20")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def format_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return neutralise(str(value))


def neutralise(text: str) -> str:
    """``text`` as a cell no spreadsheet runs: a formula gets a leading ``'``."""
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class FastJSONRenderer(JSONRenderer):
    """DRF's compact JSON, encoded by orjson: the same bytes, about ten times
    sooner (0.4 ms of a 50-row predictions page's 3.7 ms went to encoding).

    Whatever orjson does not encode itself goes through DRF's own encoder, as
    do dates and times, so they read as DRF writes them. An indented answer
    (``Accept: application/json; indent=4``), and anything orjson refuses (an
    integer wider than 64 bits), is rendered by DRF. Two differences remain:
    a float below 1e-4 is written without an exponent (``0.00001``, not
    ``1e-05``), the same number to any reader; and a NaN is written as
    ``null`` where DRF fails (the record refuses non-finite values).
    """

    OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        context = renderer_context or {}
        if data is None or self.get_indent(accepted_media_type, context):
            return super().render(data, accepted_media_type, context)
        try:
            encoded = orjson.dumps(
                data, default=self.encoder_class().default, option=self.OPTIONS
            )
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, context)
        # As DRF does: the two line separators JavaScript reads as line ends.
        return encoded.replace(b"\xe2\x80\xa8", b"\\u2028").replace(
            b"\xe2\x80\xa9", b"\\u2029"
        )


class CSVRenderer(BaseRenderer):
    """Render a list of dicts as CSV.

    The view names the columns in ``csv_columns`` so an empty export still has
    its header row; anything that is not a list of rows (an error) is written
    as a single ``detail`` column.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        context = renderer_context or {}
        response, view = context.get("response"), context.get("view")
        # An error may be a list too (of messages, not rows).
        is_error = response is not None and response.status_code >= 400
        if is_error or not isinstance(data, list):
            return self.write([{"detail": json.dumps(data)}], ["detail"])
        columns = getattr(view, "csv_columns", None) or list(data[0] if data else [])
        return self.write(data, list(columns))

    def write(self, rows: Iterable[Mapping[str, Any]], columns: list[str]) -> bytes:
        return b"".join(stream_csv(rows, columns))


def stream_csv(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str]
) -> Iterator[bytes]:
    """The header, then one encoded line per row: nothing held but the row."""
    line = _Line()
    # RFC 4180's CRLF: Python's writer then also quotes a cell holding a CR.
    writer = csv.writer(line, lineterminator="\r\n")
    yield writer.writerow(columns).encode()
    for row in rows:
        yield writer.writerow(
            [format_cell(row.get(column)) for column in columns]
        ).encode()


class _Line:
    """A file for csv.writer that hands back each line instead of keeping it."""

    def write(self, text: str) -> str:
        return text


class CSVExportMixin:
    """``?format=csv`` on a list: every matching row, not a page, as CSV.

    The rows are streamed from a database cursor, so an export of a million
    rows holds one chunk of them at a time. Anonymous clients get at most
    ``API_ANON_EXPORT_ROWS`` rows (said in the ``X-Export-Row-Limit`` header);
    a token lifts the cap.
    """

    renderer_classes = [FastJSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    csv_columns: Sequence[str] = ()
    export_chunk_size = 1000

    def get_export_rows(self, queryset: QuerySet) -> Iterable[Mapping[str, Any]]:
        """The CSV rows of ``queryset``'s objects, read lazily."""
        raise NotImplementedError

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Refuse a write that asks for CSV before anything is written.

        A write's answer is not a list of rows, so it has no CSV form; deciding
        after the write would commit the rows and then fail to answer.
        """
        super().initial(request, *args, **kwargs)
        if (
            request.method not in SAFE_METHODS
            and request.accepted_renderer.format == CSVRenderer.format
        ):
            request.accepted_renderer = FastJSONRenderer()
            request.accepted_media_type = FastJSONRenderer.media_type
            raise NotAcceptable(
                "CSV is a format for reading lists; send writes with "
                "Accept: application/json and without ?format=csv."
            )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.accepted_renderer.format != CSVRenderer.format:
            return super().list(request, *args, **kwargs)
        # Filters are checked here, so a bad one is still a 400 with a reason.
        queryset = self.filter_queryset(self.get_queryset())
        cap = None
        if not request.user.is_authenticated:
            cap = settings.API_ANON_EXPORT_ROWS
            queryset = queryset[:cap]
        rows = self.get_export_rows(queryset.iterator(self.export_chunk_size))
        response = StreamingHttpResponse(
            stream_csv(rows, self.csv_columns),
            content_type=f"{CSVRenderer.media_type}; charset={CSVRenderer.charset}",
        )
        if cap is not None:
            response["X-Export-Row-Limit"] = str(cap)
        return response
