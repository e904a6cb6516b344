"""Rules for stored values that pages, feeds and the schema turn into markup.

Every stored URL is an absolute http(s) URL written in plain RFC 3986
characters, so it is always a valid ``uri`` in the schema and never becomes
``javascript:`` or ``data:`` in a page. Every JSON field has a fixed shape.
"""

import math
import re
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible

from predictions.scoring.claims import read_quantile_value

URL_MAX_LENGTH = 500
TITLE_MAX_LENGTH = 300
MAX_SUPPLEMENTS = 50
MAX_QUANTILES = 99
# RFC 3986: unreserved and reserved characters, and %-escapes. Anything else
# (spaces, quotes, <, >, backslashes, non-ASCII) must be percent-encoded.
URI_CHARACTERS = re.compile(
    r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
)

_http_url = URLValidator(schemes=["http", "https"])


@deconstructible
class HttpURLValidator:
    """An absolute http or https URL, in RFC 3986 characters only."""

    message = "Enter an http:// or https:// URL written in plain URL characters."

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str) or not URI_CHARACTERS.fullmatch(value):
            raise ValidationError(self.message, code="invalid_url", params={})
        if urlsplit(value).scheme.lower() not in ("http", "https"):
            raise ValidationError(self.message, code="invalid_url")
        _http_url(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HttpURLValidator)


validate_http_url = HttpURLValidator()


def validate_supplements(value: Any) -> None:
    """A source's supplements: a list of ``{"title": text, "url": http URL}``."""
    if not isinstance(value, list):
        raise ValidationError("Supplements must be a list of {title, url} objects.")
    if len(value) > MAX_SUPPLEMENTS:
        raise ValidationError(f"At most {MAX_SUPPLEMENTS} supplements.")
    for number, item in enumerate(value, start=1):
        where = f"Supplement {number}"
        if not isinstance(item, dict) or set(item) != {"title", "url"}:
            raise ValidationError(f"{where} must have exactly a title and a url.")
        title, url = item["title"], item["url"]
        if not isinstance(title, str) or not title.strip():
            raise ValidationError(f"{where}: the title must be non-empty text.")
        if len(title) > TITLE_MAX_LENGTH:
            raise ValidationError(f"{where}: the title is over 300 characters.")
        if not isinstance(url, str) or len(url) > URL_MAX_LENGTH:
            raise ValidationError(f"{where}: the url must be text of at most 500.")
        try:
            validate_http_url(url)
        except ValidationError:
            raise ValidationError(f"{where}: {url!r} is not an http(s) URL.") from None


def validate_quantiles(value: Any) -> None:
    """A prediction's quantiles: ``[[level, value], ...]``, levels in (0, 1),
    each value a number or an open bound such as ``">2050"``."""
    if not isinstance(value, list) or len(value) > MAX_QUANTILES:
        raise ValidationError(
            f"Quantiles must be a list of at most {MAX_QUANTILES} [level, value]."
        )
    for pair in value:
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not _is_finite_number(pair[0])
        ):
            raise ValidationError(f"{pair!r} is not a [level, value] pair.")
        if not 0 < pair[0] < 1:
            raise ValidationError(f"The level {pair[0]!r} is not between 0 and 1.")
        try:
            number, _ = read_quantile_value(pair[1])
        except ValueError as error:
            raise ValidationError(f"{pair!r}: {error}") from None
        if not math.isfinite(number):
            raise ValidationError(f"{pair!r}: the value is not finite.")


def _is_finite_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )
