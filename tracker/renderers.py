"""CSV export of API lists: the renderer, and the list mixin that feeds it rows
with the columns of the record files."""

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response


def format_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


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
        writer = csv.writer(buffer, lineterminator="\n")
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

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.accepted_renderer.format == CSVRenderer.format:
            return Response(list(self.get_export_rows()))
        return super().list(request, *args, **kwargs)
