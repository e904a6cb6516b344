"""Fetch a feed over HTTP and hand its payload to ``payloads.parse()``.

Plain Python on the standard library: no Django, no ORM, so it can be tested
without a database. ``fetch()`` checks the scheme (http and https only, on
redirects too), makes a conditional request, caps the size and the time, and
turns every failure into a ``FetchError`` whose ``transient`` flag tells the
caller whether a retry can help.
"""

import http
import http.client
import socket
import urllib.error
import urllib.parse
import urllib.request
import urllib.response
from dataclasses import dataclass
from email.message import Message
from typing import IO

from indicators.payloads import (
    FeedSpec,
    FetchError,
    Filter,
    Record,
    check_mapping,
    parse,
)

__all__ = [
    "FeedSpec",
    "FetchError",
    "FetchResult",
    "Filter",
    "Record",
    "fetch",
    "parse",
]

ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = "forecast-tracker/0.1 (feed fetcher)"
CHUNK_SIZE = 64 * 1024

# 408 and 429 ask the client to come back later; every 5xx may be temporary.
TRANSIENT_HTTP_CODES = frozenset({408, 429})


@dataclass(frozen=True)
class FetchResult:
    status: str  # "ok" | "unchanged"
    records: list[Record]
    rows_seen: int  # raw records in the payload (after the path, before the filter)
    rows_missing: int = 0  # rows skipped for a missing date or value
    etag: str = ""
    last_modified: str = ""


def fetch(
    spec: FeedSpec,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float = 20.0,
    max_bytes: int = 5_000_000,
    user_agent: str = USER_AGENT,
) -> FetchResult:
    """Download `spec.url` and parse it; a 304 yields status "unchanged".

    `timeout` bounds the connection and each read. The response returned for a
    304 carries the validators to keep: the server's if it sent new ones.
    `user_agent` should name a contact: some producers (the SEC) refuse others.
    """
    _check_url(spec.url)
    check_mapping(spec)
    request = urllib.request.Request(spec.url, headers={"User-Agent": user_agent})
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    # Built per call so proxy settings come from the environment of the moment.
    # Public addresses only, on every redirect too. Imported here: the tracker
    # package loads Django, and this module must import without it.
    from tracker import outbound

    opener = outbound.build_opener(redirect_handler=_SchemeCheckingRedirectHandler)
    try:
        with opener.open(request, timeout=timeout) as response:
            body = _read_body(response, spec.url, max_bytes)
            headers = response.headers
    except urllib.error.HTTPError as error:
        try:
            if error.code == 304:
                return FetchResult(
                    status="unchanged",
                    records=[],
                    rows_seen=0,
                    etag=error.headers.get("ETag", etag),
                    last_modified=error.headers.get("Last-Modified", last_modified),
                )
            raise _http_error(error, spec.url) from None
        finally:
            error.close()
    except (ValueError, http.client.InvalidURL) as error:
        raise FetchError(f"cannot fetch {spec.url!r}: {error}") from None
    except (OSError, http.client.HTTPException) as error:
        raise _network_error(error, spec.url, timeout) from error
    parsed = parse(spec, body, headers.get("Content-Type", ""))
    return FetchResult(
        status="ok",
        records=parsed.records,
        rows_seen=parsed.rows_seen,
        rows_missing=parsed.rows_missing,
        etag=headers.get("ETag", ""),
        last_modified=headers.get("Last-Modified", ""),
    )


def _check_url(url: str) -> None:
    try:
        parts = urllib.parse.urlsplit(url)
        is_http = parts.scheme.lower() in ALLOWED_SCHEMES and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed "[" around an IPv6 address
        is_http = False
    if not is_http:
        raise FetchError(f"only http and https URLs can be fetched, not {url!r}")


class _SchemeCheckingRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http and https only (urllib also allows ftp)."""

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
    ) -> urllib.response.addinfourl | None:
        target = urllib.parse.urljoin(req.full_url, headers.get("Location", ""))
        if urllib.parse.urlsplit(target).scheme.lower() not in ALLOWED_SCHEMES:
            fp.close()
            raise FetchError(
                f"{req.full_url} redirects to {target!r}: only http and https "
                "redirects are followed"
            )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _read_body(response: http.client.HTTPResponse, url: str, max_bytes: int) -> bytes:
    """Read at most max_bytes + 1 bytes, so an endless body cannot fill memory."""
    declared = response.headers.get("Content-Length", "")
    declared_size = int(declared) if declared.strip().isdigit() else None
    if declared_size is not None and declared_size > max_bytes:
        raise FetchError(
            f"response larger than {max_bytes} bytes "
            f"(Content-Length: {declared_size}) from {url}"
        )
    encoding = response.headers.get("Content-Encoding", "identity").lower()
    if encoding not in ("", "identity"):
        raise FetchError(f"{url} sent a {encoding}-encoded body, which is not read")
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(min(CHUNK_SIZE, max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"response larger than {max_bytes} bytes from {url}")
    # http.client returns a short body silently when the connection drops early.
    if declared_size is not None and size < declared_size:
        raise FetchError(
            f"the connection to {url} closed after {size} of {declared_size} bytes",
            transient=True,
        )
    return b"".join(chunks)


def _http_error(error: urllib.error.HTTPError, url: str) -> FetchError:
    is_transient = error.code >= 500 or error.code in TRANSIENT_HTTP_CODES
    # The standard phrase, not the server's: an error never echoes what came back.
    return FetchError(
        f"HTTP {error.code} from {url} ({_phrase(error.code)})", transient=is_transient
    )


def _phrase(code: int) -> str:
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return "non-standard status"


def _network_error(error: Exception, url: str, timeout: float) -> FetchError:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):
        message = f"no response from {url} within {timeout:g} s"
    elif isinstance(reason, socket.gaierror):
        host = urllib.parse.urlsplit(url).hostname
        message = (
            f"could not fetch {url}: the host {host} was not found (no network "
            "connection, or no DNS)"
        )
    else:
        message = f"could not fetch {url}: {reason or type(reason).__name__}"
    return FetchError(message, transient=True)
