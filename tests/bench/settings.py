"""Settings for the benchmark: production-like (DEBUG off), its own database,
and a URLconf that adds the bare view every ratio is measured against."""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DEBUG", "0")

from tracker.settings import *  # noqa: E402,F403

ROOT_URLCONF = "tests.bench.urls"
# The benchmark's feed server listens on 127.0.0.1.
FEEDS_ALLOW_PRIVATE_HOSTS = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# The load generator is one client address; throttling would measure 429s.
# A rate of None makes every DRF throttle let the request through.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
}
# The cold server: no process keeps a page, so every request renders it from
# the database (the shared Redis copy of the scoreboard still serves it).
if os.environ.get("BENCH_PAGE_STORE") == "off":
    CACHES = {  # noqa: F405
        **CACHES,  # noqa: F405
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
