"""Where a cold request's time goes: each cold page profiled in-process.

Every request runs with the page store off, so each one reads the database and
renders; ``cProfile`` times every function, and each function's own time is
counted in the part of the stack its file belongs to. The shares are what the
profile says; profiling slows Python down but not PostgreSQL, so the database
share comes out lower than it is unprofiled.
"""

import cProfile
import pstats
import time

from django.conf import settings
from django.test import Client, override_settings

# The parts of a request, by the file a function lives in (or, for a function
# built into Python or an extension, by its name); first match wins.
PARTS = (
    (
        "database (psycopg, waiting for PostgreSQL)",
        ("/psycopg/", "psycopg_binary", "select.epoll", "select.poll"),
    ),
    ("ORM (building and compiling queries, rows)", ("/django/db/",)),
    ("cache (Redis)", ("/redis/", "/django_redis/")),
    (
        "serializers (row to dict)",
        (
            "/rest_framework/serializers.py",
            "/rest_framework/fields.py",
            "serializers.py",
            "/tracker/rows.py",
        ),
    ),
    ("JSON encoding", ("/json/", "renderers.py", "orjson")),
)
# Every other function: Django, DRF, the middleware, Python itself.
REST = "Django, DRF and middleware (the rest)"
REQUESTS = 200
COLD_STORE = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


def part_of(filename: str, function: str = "") -> str:
    where = f"{filename} {function}" if filename == "~" else filename
    for part, markers in PARTS:
        if any(marker in where for marker in markers):
            return part
    return REST


def profile_page(client: Client, path: str, requests: int = REQUESTS) -> dict:
    """One page's time per request, unprofiled, and its profile by part."""
    for _ in range(50):  # warm connections, URL resolvers and statements
        assert client.get(path).status_code == 200, path
    started = time.perf_counter()
    for _ in range(requests):
        client.get(path)
    milliseconds = (time.perf_counter() - started) / requests * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    totals = dict.fromkeys([*(part for part, _ in PARTS), REST], 0.0)
    stats = pstats.Stats(profiler).stats
    for (filename, _, function), (_, _, own, _, _) in stats.items():
        totals[part_of(filename, function)] += own
    whole = sum(totals.values())
    return {
        "ms_per_request": milliseconds,
        "shares": {part: own / whole for part, own in totals.items()},
    }


def profile_cold_pages(pages: dict[str, str]) -> dict:
    """The bare view and each page measured cold, by name."""
    with override_settings(CACHES={**settings.CACHES, "pages": COLD_STORE}):
        client = Client()
        return {name: profile_page(client, path) for name, path in pages.items()}
