"""The API's JSON parser: a body within the size limit, nested a sane depth.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE guards ``request.body``, but DRF reads
the request stream itself, so the limit is applied here as well; and Python's
parser raises RecursionError (a 500) on a few thousand nested brackets.
"""

import json
from typing import IO, Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


class RequestTooLarge(ParseError):
    status_code = 413
    default_code = "request_too_large"


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: dict | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(
                f"The request body is over {limit:,} bytes "
                "(DATA_UPLOAD_MAX_MEMORY_SIZE)."
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
        if depth_over(data, MAX_DEPTH):
            raise ParseError(_too_deep())
        return data


def _refuse_constant(token: str) -> None:
    raise ValueError(f"{token} is not a JSON number")


def _too_deep() -> str:
    return f"JSON parse error - the body is nested deeper than {MAX_DEPTH} levels."


def depth_over(data: Any, limit: int) -> bool:
    """Whether lists and objects in ``data`` nest deeper than ``limit``."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
