"""PostgreSQL restarting under a job and under the site.

The worker and gunicorn reach PostgreSQL through a `TcpProxy`: closing its port
cuts their open connections and refuses new ones, as a restart does, without
touching the server the rest of the suite uses.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.feed_fixtures import SWEBENCH
from tests.integration.conftest import (
    BROKER_URL,
    WebServer,
    WorkerProcess,
    wait_for,
    worker_database_url,
)
from tests.integration.test_worker_feeds import (
    FETCH_FEED,
    assert_cut_short_then_completed,
    swebench_feed,
    task_succeeded,
)
from tests.tcpproxy import TcpProxy

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MESSAGE = "The database is unavailable for a moment. Please retry shortly."
# Pages that read the database on every request (none is kept in memory).
API_PAGE = "/api/v1/observations/"
HTML_PAGE = "/predictions/"


@pytest.fixture
def database_proxy() -> Iterator[TcpProxy]:
    settings = connection.settings_dict
    with TcpProxy(int(settings["PORT"]), settings["HOST"]) as proxy:
        yield proxy


def url_through(proxy: TcpProxy) -> str:
    settings = connection.settings_dict
    address = f"@{settings['HOST']}:{settings['PORT']}/"
    return worker_database_url().replace(address, f"@127.0.0.1:{proxy.port}/")


@pytest.fixture
def proxied_worker(database_proxy: TcpProxy, tmp_path: Path) -> Iterator[WorkerProcess]:
    redis.Redis.from_url(BROKER_URL).flushdb()  # no task of an earlier module
    worker = WorkerProcess(
        tmp_path / "worker.log", DATABASE_URL=url_through(database_proxy)
    )
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def proxied_site(database_proxy: TcpProxy, tmp_path: Path) -> Iterator[WebServer]:
    site = WebServer(
        tmp_path / "gunicorn.log", DATABASE_URL=url_through(database_proxy)
    )
    site.start()
    yield site
    site.stop()


def get(site: WebServer, path: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(site.url(path), timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def deliveries(worker: WorkerProcess, task_id: str) -> int:
    """How many times the worker received the task; each retry is one more.

    Read from its log: with the database gone, no result row records a retry.
    """
    return worker.log_path.read_text().count(f"[{task_id}] received")


def test_a_feed_run_cut_off_from_the_database_retries_and_completes(
    proxied_worker, database_proxy, feed_server
):
    # Slow enough that the database goes away while the worker fetches.
    feed_server.route("/feed.json", file=SWEBENCH, delay=3, times=1)
    feed_server.route("/feed.json", file=SWEBENCH)
    feed = swebench_feed(feed_server, "feed.json")
    task_id = proxied_worker.send(FETCH_FEED, feed.pk)
    wait_for(lambda: feed_server.hits("/feed.json"), timeout=20, what="the fetch")

    database_proxy.close_port()
    wait_for(
        lambda: deliveries(proxied_worker, task_id) > 1,
        timeout=20,
        what="a retry on the lost connection",
    )
    database_proxy.open_port()

    wait_for(lambda: task_succeeded(task_id), timeout=40, what="the retried run")
    assert_cut_short_then_completed(feed, task_id)


def test_a_request_while_the_database_is_down_gets_a_503_with_a_message(
    proxied_site, database_proxy
):
    assert get(proxied_site, API_PAGE)[0] == 200

    database_proxy.close_port()

    # A process may serve a list page it has kept without the database; a page
    # no process has kept yet (another query) needs it.
    status, content_type, body = get(proxied_site, API_PAGE + "?page_size=49")
    assert (status, content_type) == (503, "application/json")
    assert json.loads(body) == {"detail": MESSAGE}
    status, content_type, body = get(proxied_site, HTML_PAGE)
    assert (status, content_type) == (503, "text/plain")
    assert body.decode() == MESSAGE

    database_proxy.open_port()
    assert get(proxied_site, API_PAGE)[0] == 200


def test_persistent_connections_survive_a_database_restart(
    proxied_site, database_proxy
):
    # Each gunicorn process keeps its connection open between requests.
    for _ in range(6):
        assert get(proxied_site, API_PAGE)[0] == 200

    database_proxy.close_port()  # a restart between requests: every one is cut
    database_proxy.open_port()

    statuses = [get(proxied_site, path)[0] for path in [API_PAGE, HTML_PAGE] * 4]
    assert statuses == [200] * 8
