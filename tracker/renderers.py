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
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rest_framework.exceptions import NotAcceptable
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

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
        buffer = io.StringIO()
        # RFC 4180's CRLF: Python's writer then also quotes a cell holding a CR.
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([format_cell(row.get(column)) for column in columns])
        return buffer.getvalue().encode(self.charset)


class CSVExportMixin:
    """``?format=csv`` on a list: every matching row, not a page, as CSV."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    csv_columns: Sequence[str] = ()

    def get_export_rows(self) -> Iterable[Mapping[str, Any]]:
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
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
            raise NotAcceptable(
                "CSV is a format for reading lists; send writes with "
                "Accept: application/json and without ?format=csv."
            )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.accepted_renderer.format == CSVRenderer.format:
            return Response(list(self.get_export_rows()))
        return super().list(request, *args, **kwargs)
