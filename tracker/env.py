"""Strict parsing of configuration from environment variables.

Every helper raises ``ImproperlyConfigured`` naming the variable when its value
is malformed, so a typo stops start-up with a message instead of running with a
surprising default.
"""

import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (one of 1/0, true/false, yes/no, on/off), "
        f"got {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, got {raw!r}"
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(
            f"{name} must be a comma-separated list without empty items, got {raw!r}"
        )
    return items


SUPPORTED_DATABASES = ("postgres", "postgresql", "sqlite")


def parse_database_url(name: str, raw: str, *, conn_max_age: int) -> dict:
    """Turn ``postgres://user:pass@host:port/db`` into a Django DATABASES entry.

    dj-database-url does the parsing; this names the variable when the value is
    malformed and accepts only the databases the project runs on (PostgreSQL,
    and SQLite as ``sqlite:///relative/path`` or ``sqlite:////absolute/path``).
    """
    scheme = urlsplit(raw).scheme
    if scheme not in SUPPORTED_DATABASES:
        raise ImproperlyConfigured(
            f"{name} must start with postgres:// or sqlite:///, got {raw!r}"
        )
    try:
        entry = dj_database_url.parse(
            raw, conn_max_age=conn_max_age, conn_health_checks=scheme != "sqlite"
        )
    except (ValueError, dj_database_url.ParseError) as error:
        raise ImproperlyConfigured(f"{name} is malformed ({error}): {raw!r}") from None
    if not entry["NAME"]:
        raise ImproperlyConfigured(f"{name} names no database: {raw!r}")
    if scheme != "sqlite" and not entry["HOST"]:
        raise ImproperlyConfigured(
            f"{name} must name a host and a database "
            f"(postgres://user:password@host:5432/name), got {raw!r}"
        )
    if scheme != "sqlite":
        # Parameters bound by the server, and a query run five times on a
        # connection prepared. Django leaves both off for connection poolers
        # in transaction mode, which the project does not use. PostgreSQL then
        # plans a query once per connection, and planning an API page's joins
        # takes about as long as running them.
        entry.setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )
    return entry


SECRET_KEY_MIN_LENGTH = 50


def check_secret_key(name: str, key: str, *, public: frozenset[str]) -> str:
    """Refuse a key anyone could know or guess (outside debug).

    The rule of Django's own deploy check (50 characters, 5 distinct ones, not
    a generated insecure key), and none of the keys written in the repository.
    """
    if key in public:
        raise ImproperlyConfigured(
            f"{name} is a key written in the repository (the development key or "
            "an example) while DEBUG is off: set it to a long random value, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))' "
            "(or DEBUG=1 on a laptop)."
        )
    if (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < 5
        or key.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            f"{name} must be a random value of at least {SECRET_KEY_MIN_LENGTH} "
            f"characters (this one has {len(key)}), e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    return key


def redis_cache(location: str, *, timeout: float = 0.5) -> dict:
    """A CACHES entry on Redis that treats an unreachable Redis as a miss.

    The cache only ever holds copies of what the database has, so with Redis
    down every read falls through to the database and writes to the cache are
    dropped (logged), instead of a cache outage becoming an outage of the site.
    """
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": timeout,
            "SOCKET_TIMEOUT": timeout,
        },
    }


def check_redis_url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must look like redis://host:6379/0, got {raw!r}"
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port: {raw!r}") from None
    return raw
