"""A real Celery worker process for integration tests, on a Redis DB of its own.

The worker runs `celery -A tracker worker --pool prefork` with the test
settings against the test database, so tests that enqueue work must use
`django_db(transaction=True)`: the worker only sees committed rows. Tests
enqueue through `WorkerProcess.send`, which publishes to the worker's broker
without touching the (eager) Celery app of the test process.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
GUNICORN = Path(sys.executable).with_name("gunicorn")
# A Redis DB of their own, so that stray tasks of other runs cannot interfere.
BROKER_URL = os.environ.get("INTEGRATION_REDIS_URL", "redis://127.0.0.1:6379/14")
# Low, so that a task whose worker was killed is handed out again quickly.
VISIBILITY_TIMEOUT = 5
START_TIMEOUT = 30.0


def wait_for(condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """Poll `condition` until it returns something truthy; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        if result := condition():
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.1)


def worker_database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )


class ServiceProcess:
    """A long-running command in a process group of its own, logging to a file.

    A group of its own, so that stopping or killing it reaches its children
    too (a worker's pool, gunicorn's workers).
    """

    what = "the process"

    def __init__(self, log_path: Path, **overrides: str) -> None:
        self.log_path = log_path
        self.overrides = overrides
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "FEED_TIMEOUT_SECONDS": "5",
            "no_proxy": "*",
            **self.overrides,
        }

    def launch(self, command: list[str]) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def is_running(self) -> bool:
        """True while the process lives; fails the test with its log if not."""
        if self.process is None or self.process.poll() is not None:
            log = self.log_path.read_text()[-3000:]
            pytest.fail(f"{self.what} exited; its log ends with:\n{log}")
        return True

    def kill(self) -> None:
        """SIGKILL the process group, as a crash would."""
        self._signal_group(signal.SIGKILL)

    def stop(self) -> None:
        self._signal_group(signal.SIGTERM)

    def _signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signum)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self.process = None


class WorkerProcess(ServiceProcess):
    """Starts, kills and stops one Celery worker."""

    what = "the Celery worker"

    def __init__(self, log_path: Path, **overrides: str) -> None:
        super().__init__(log_path, **overrides)
        self.name = ""
        self.broker = Celery(
            "integration-tests",
            broker=BROKER_URL,
            broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        )

    def start(self) -> None:
        self.name = f"feeds-{uuid.uuid4().hex[:8]}@integration"
        command = [str(CELERY), "-A", "tracker", "worker", "--pool", "prefork"]
        command += ["--concurrency", "2", "--hostname", self.name]
        command += ["--without-gossip", "--without-mingle", "--loglevel", "info"]
        self.launch(command)
        wait_for(self.is_ready, timeout=START_TIMEOUT, what="the worker to start")

    def is_ready(self) -> bool:
        self.is_running()
        replies = self.broker.control.ping(destination=[self.name], timeout=0.5)
        return bool(replies)

    def start_after_visibility_timeout(self, since: float) -> None:
        """Start again once tasks delivered before `since` (a monotonic time)
        are handed out anew: Redis does so for an unacknowledged task older
        than the visibility timeout, and a starting worker restores it at once."""
        time.sleep(max(0.0, since + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
        self.start()

    def send(self, task: str, *args: Any) -> str:
        """Publish a task to the worker's broker; returns the task id."""
        return self.broker.send_task(task, args=list(args)).id


class WebServer(ServiceProcess):
    """Gunicorn serving the site with the test settings, on a free local port.

    `overrides` replace environment variables (a DATABASE_URL or REDIS_URL
    through a `TcpProxy`, say).
    """

    what = "gunicorn"

    def __init__(self, log_path: Path, **overrides: str) -> None:
        site = {"ALLOWED_HOSTS": "127.0.0.1,localhost", "DEBUG": "0"}
        super().__init__(log_path, **{**site, **overrides})
        self.port = 0

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        command = [str(GUNICORN), "tracker.wsgi", "-b", f"127.0.0.1:{self.port}"]
        self.launch(command + ["-w", "2", "-k", "sync", "--timeout", "30"])
        wait_for(self.is_ready, timeout=START_TIMEOUT, what="gunicorn to start")

    def is_ready(self) -> bool:
        self.is_running()
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture(scope="module")
def celery_worker(
    django_db_setup, django_db_blocker, tmp_path_factory
) -> Iterator[WorkerProcess]:
    """A running worker for the module; restarted if a test killed it."""
    redis.Redis.from_url(BROKER_URL).flushdb()  # purge what earlier runs left
    worker = WorkerProcess(tmp_path_factory.mktemp("celery") / "worker.log")
    with django_db_blocker.unblock():
        worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def worker(celery_worker: WorkerProcess) -> WorkerProcess:
    if celery_worker.process is None:
        celery_worker.start()
    return celery_worker
