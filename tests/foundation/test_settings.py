"""Settings come from the environment, and a malformed variable stops start-up."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tracker import env

ROOT = Path(__file__).resolve().parents[2]


def start_settings(**variables: str) -> subprocess.CompletedProcess:
    """Import the production settings in a fresh interpreter with these variables."""
    return run_python("import tracker.settings", **variables)


def run_python(code: str, **variables: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with these variables and no service's."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DATA_DIR": "/tmp/tracker-settings-test", **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow  # starts two processes
def test_without_redis_the_site_and_the_worker_share_one_cache(tmp_path):
    """`make run`: what the worker caches (the scoreboard) the site serves."""
    setup = "import django; django.setup(); from django.core.cache import cache; "
    variables = {
        "DEBUG": "1",
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
    }
    run_python(setup + "cache.set('board', 'rebuilt', None)", **variables)

    read = run_python(setup + "print(cache.get('board'))", **variables)

    assert read.stdout.strip() == "rebuilt", read.stderr


def test_development_key_is_refused_outside_debug():
    result = start_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_development_key_is_accepted_in_debug():
    result = start_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://db/tracker"),
        ("DATABASE_URL", "postgres://host-without-database"),
        ("REDIS_URL", "http://example.org:6379"),
        ("CONN_MAX_AGE", "ten"),
        ("ALLOWED_HOSTS", "a.example.org,,b.example.org"),
    ],
)
def test_a_malformed_variable_stops_start_up_naming_it(name, value):
    result = start_settings(**{"DEBUG": "1", name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.splitlines()[-1]


def test_booleans_accept_the_usual_words(monkeypatch):
    for word, expected in [("1", True), ("yes", True), ("off", False), ("", False)]:
        monkeypatch.setenv("FLAG", word)
        assert env.env_bool("FLAG") is expected


def test_unset_boolean_takes_the_default(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env.env_bool("FLAG", default=True) is True


def test_a_postgres_url_becomes_a_database_entry():
    entry = env.parse_database_url(
        "DATABASE_URL", "postgres://u:p%40ss@db.local:5433/tracker", conn_max_age=60
    )
    assert entry["ENGINE"] == "django.db.backends.postgresql"
    assert (entry["USER"], entry["PASSWORD"]) == ("u", "p@ss")
    assert (entry["HOST"], entry["PORT"], entry["NAME"]) == (
        "db.local",
        5433,
        "tracker",
    )
    assert entry["CONN_MAX_AGE"] == 60
    assert entry["CONN_HEALTH_CHECKS"] is True


def test_query_options_reach_the_driver():
    entry = env.parse_database_url(
        "DATABASE_URL", "postgres://u@db.local/tracker?sslmode=require", conn_max_age=0
    )
    assert entry["OPTIONS"]["sslmode"] == "require"


def test_postgres_queries_are_bound_by_the_server_and_prepared():
    entry = env.parse_database_url(
        "DATABASE_URL", "postgres://u@db.local/tracker", conn_max_age=0
    )
    assert entry["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_a_sqlite_url_names_a_file():
    entry = env.parse_database_url("DATABASE_URL", "sqlite:///var/x.db", conn_max_age=0)
    assert (entry["ENGINE"], entry["NAME"]) == (
        "django.db.backends.sqlite3",
        "var/x.db",
    )


@pytest.mark.parametrize("raw", ["mysql://h/db", "postgres://h/", "postgres:///db"])
def test_an_unusable_database_url_is_named(raw):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.parse_database_url("DATABASE_URL", raw, conn_max_age=0)


def test_a_bad_port_is_named():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.parse_database_url("DATABASE_URL", "postgres://h:99999/db", conn_max_age=0)


# --- secret keys ------------------------------------------------------------------

GOOD_KEY = "Zq3" + "".join(chr(ord("a") + i % 26) for i in range(47))
KEY_LITERAL = re.compile(
    r"""SECRET_KEY["']?\s*[:=,]\s*\$?\{?[^"'\s]*?["']?([^"'\s$(){}]{6,})"""
)


def keys_written_in_the_repository() -> set[str]:
    """Every literal assigned to SECRET_KEY in a committed file."""
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    keys = set()
    for name in files:
        path = ROOT / name
        if path.suffix in {".csv", ".json", ".png", ".svg"} or not path.is_file():
            continue
        for line in path.read_text(errors="replace").splitlines():
            keys.update(key for key in KEY_LITERAL.findall(line) if not key.isupper())
    return keys


def test_a_long_random_key_is_accepted():
    result = start_settings(DEBUG="0", SECRET_KEY=GOOD_KEY)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "key",
    [
        GOOD_KEY[:49],
        "x" * 80,
        "abcd" * 20,
        "django-insecure-" + GOOD_KEY,
        "change-me-to-a-long-random-string",
        "development-only-key-do-not-use-in-production",
        "deploy-check-only-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
        "test-only-secret-key-" + "x" * 40,
    ],
    ids=[
        "49-chars",
        "one-char",
        "four-chars",
        "insecure",
        "example",
        "dev",
        "deploy",
        "old-test",
    ],
)
def test_a_short_guessable_or_public_key_is_refused(key):
    result = start_settings(DEBUG="0", SECRET_KEY=key)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_every_key_written_in_the_repository_is_refused():
    from tracker.settings import PUBLIC_SECRET_KEYS

    written = keys_written_in_the_repository()

    assert "development-only-key-do-not-use-in-production" in written
    for key in written:
        refused = key in PUBLIC_SECRET_KEYS or len(key) < 50 or len(set(key)) < 5
        assert refused, key


def test_the_wsgi_application_loads_every_view_then_freezes_what_it_loaded():
    result = run_python(
        "import gc, sys, tracker.wsgi; "
        "print(gc.get_freeze_count(), 'predictions.views' in sys.modules)",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 10_000
    assert views_loaded == "True"
