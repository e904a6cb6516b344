"""Reading API rows as ``.values()`` without per-value Python work.

psycopg loads a ``timestamptz`` through Django's time-zone-aware loader, which
runs in Python for every value; a page of 50 observations holds 100 of them.
Read as text in UTC instead, a timestamp costs one string operation.
"""

from typing import Any

from django.db.models import Func, TextField


class UTCText(Func):
    """A stored time as text in UTC: ``YYYY-MM-DD HH:MM:SS[.ffffff]``."""

    output_field = TextField()
    # SQLite keeps times as that text already (in UTC, with USE_TZ).
    template = "CAST(%(expressions)s AS TEXT)"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple:
        return self.as_sql(
            compiler,
            connection,
            template="((%(expressions)s AT TIME ZONE 'UTC')::text)",
            **extra,
        )


def iso_utc(text: str) -> str:
    """``UTCText`` as DRF writes a time: ``2026-12-04T13:05:08.400000Z``
    (no fraction when it is zero, as ``datetime.isoformat``)."""
    day, _, time = text.partition(" ")
    whole, dot, fraction = time.partition(".")
    return f"{day}T{whole}{dot}{fraction.ljust(6, '0') if dot else ''}Z"
