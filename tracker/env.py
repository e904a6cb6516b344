"""Strict parsing of configuration from environment variables.

Every helper raises ``ImproperlyConfigured`` naming the variable when its value
is malformed, so a typo stops start-up with a message instead of running with a
surprising default.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

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


def parse_database_url(name: str, raw: str, *, conn_max_age: int) -> dict:
    """Turn ``postgres://user:pass@host:port/db`` into a Django DATABASES entry.

    ``sqlite:///relative/path`` and ``sqlite:////absolute/path`` are accepted too.
    """
    parts = urlsplit(raw)
    if parts.scheme == "sqlite":
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ImproperlyConfigured(f"{name} names no SQLite file: {raw!r}")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"{name} must start with postgres:// or sqlite:///, got {raw!r}"
        )
    name_part = unquote(parts.path.lstrip("/"))
    if not name_part or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must name a host and a database "
            f"(postgres://user:password@host:5432/name), got {raw!r}"
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port: {raw!r}") from None
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name_part,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname,
        "PORT": str(port or 5432),
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


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
