"""A small HTTP server for feed tests, on 127.0.0.1 with an ephemeral port.

It serves files under a root directory (with an ETag and a Last-Modified, and
304 answers to conditional requests) and scripted routes: any status, slow
answers, lying or missing Content-Length, connection resets. It counts and
records requests per path. Handlers run in threads, so a Celery worker in
another process can fetch from it while the test waits.

    with FixtureServer(FEEDS) as server:
        server.route("/flaky", status=503, times=1)  # then falls through
        server.route("/flaky", file="swebench/leaderboards.json")
        url = server.url("flaky")
        ...
        assert server.hits("/flaky") == 2

As a pytest fixture:

    @pytest.fixture
    def feed_server() -> Iterator[FixtureServer]:
        with FixtureServer(FEEDS) as server:
            yield server
"""

import hashlib
import mimetypes
import socket
import struct
import sys
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

FIXTURES = Path(__file__).parent / "fixtures"
FEEDS = FIXTURES / "feeds"

AUTO = "auto"  # content_length: send the real length of the body


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: str
    headers: dict[str, str]


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    delay: float = 0.0
    content_length: int | str | None = AUTO
    drop: bool = False
    times: int | None = None  # None: forever


class FixtureServer:
    """Serves `root` and scripted routes until stopped; safe to use from threads."""

    def __init__(self, root: str | Path | None = FEEDS) -> None:
        self.root = Path(root).resolve() if root is not None else None
        self._routes: dict[str, list[Route]] = {}
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle

    def start(self) -> "FixtureServer":
        self._stopping.clear()
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.fixture = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FixtureServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()  # wakes handlers sleeping on a delay
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> "FixtureServer":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # --- addresses

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "") -> str:
        """The full URL of a path: url("swebench/leaderboards.json")."""
        return self.base_url + _normalize(path)

    # --- scripting

    def route(
        self,
        path: str,
        *,
        status: int = 200,
        body: bytes | str = b"",
        file: str | Path | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str = "",
        last_modified: str = "",
        delay: float = 0.0,
        content_length: int | str | None = AUTO,
        drop: bool = False,
        times: int | None = None,
    ) -> None:
        """Script the answer to GET `path` (the query string is ignored).

        - body or file: what to send (file is relative to the root).
        - etag / last_modified: sent, and honoured with a 304.
        - delay: seconds to wait before answering (cut short by stop()).
        - content_length: "auto" (the body's), None (omitted: the body ends
          when the connection closes), or a number to claim, true or not.
        - drop: reset the connection instead of answering.
        - times: answer this way that many times, then fall through to the
          next route of the path, or to the file of that name.
        Routes of a path are tried in the order they were added.
        """
        if file is not None:
            body = self._file_path(str(file)).read_bytes()
        if isinstance(body, str):
            body = body.encode()
        if content_type is None:
            content_type = _guess_type(str(file or path))
        route = Route(
            status=status,
            body=body,
            content_type=content_type,
            headers=dict(headers or {}),
            etag=etag,
            last_modified=last_modified,
            delay=delay,
            content_length=content_length,
            drop=drop,
            times=times,
        )
        with self._lock:
            self._routes.setdefault(_normalize(path), []).append(route)

    def clear(self) -> None:
        """Forget every route and recorded request."""
        with self._lock:
            self._routes.clear()
            self._requests.clear()

    # --- inspection

    def hits(self, path: str | None = None) -> int:
        """Requests received for `path`, or for any path when None."""
        return len(self.requests(path))

    def requests(self, path: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            if path is None:
                return list(self._requests)
            wanted = _normalize(path)
            return [request for request in self._requests if request.path == wanted]

    # --- used by the handler

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _take_route(self, path: str) -> Route | None:
        with self._lock:
            for route in self._routes.get(path, []):
                if route.times is None:
                    return route
                if route.times > 0:
                    route.times -= 1
                    return route
        return None

    def _file_path(self, relative: str) -> Path:
        if self.root is None:
            raise FileNotFoundError(relative)
        candidate = (self.root / relative.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            raise FileNotFoundError(relative)
        return candidate

    def _file_route(self, path: str) -> Route:
        try:
            file = self._file_path(urllib.parse.unquote(path))
        except FileNotFoundError:
            return Route(status=404, body=b"not found\n", content_type="text/plain")
        body = file.read_bytes()
        return Route(
            body=body,
            content_type=_guess_type(file.name),
            etag='"' + hashlib.sha256(body).hexdigest()[:16] + '"',
            last_modified=formatdate(file.stat().st_mtime, usegmt=True),
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fixture: FixtureServer

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (a timeout test) makes the handler's write fail;
        # anything else is a bug worth the traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (the name http.server looks up)
        fixture = self.server.fixture
        parts = urllib.parse.urlsplit(self.path)
        fixture._record(
            RecordedRequest(
                method="GET",
                path=parts.path,
                query=parts.query,
                headers=dict(self.headers.items()),
            )
        )
        route = fixture._take_route(parts.path) or fixture._file_route(parts.path)
        if route.delay and fixture._stopping.wait(route.delay):
            return
        if route.drop:
            # Linger on with a zero timeout: closing sends RST, not FIN.
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            self.rfile.close()  # the socket closes only once its files are
            self.connection.close()
            return
        if self._is_unchanged(route):
            self.send_response(304)
            self._send_validators(route)
            self.end_headers()
            return
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        if route.content_length == AUTO:
            self.send_header("Content-Length", str(len(route.body)))
        elif route.content_length is not None:
            self.send_header("Content-Length", str(route.content_length))
        self._send_validators(route)
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(route.body)

    def _is_unchanged(self, route: Route) -> bool:
        if route.status != 200:
            return False
        if route.etag and "If-None-Match" in self.headers:
            tags = [tag.strip() for tag in self.headers["If-None-Match"].split(",")]
            return route.etag in tags or "*" in tags
        since = self.headers.get("If-Modified-Since")
        if route.last_modified and since:
            try:
                return parsedate_to_datetime(since) >= parsedate_to_datetime(
                    route.last_modified
                )
            except (TypeError, ValueError):
                return False
        return False

    def _send_validators(self, route: Route) -> None:
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.last_modified:
            self.send_header("Last-Modified", route.last_modified)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _normalize(path: str) -> str:
    return "/" + path.lstrip("/")


def _guess_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
