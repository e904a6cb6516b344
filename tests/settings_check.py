"""Settings of ``make check``: the tests that need no service, on an SQLite
database in memory, local-memory caches and Celery's in-memory broker."""

from tests.settings import *  # noqa: F403

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": CACHES["pages"],  # noqa: F405
}
CELERY_BROKER_URL = "memory://"
