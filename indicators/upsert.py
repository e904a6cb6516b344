"""The bulk write path of observations (feeds, large imports).

``bulk_upsert_observations`` validates a whole batch first, then writes it as
one statement on PostgreSQL (COPY into a staging table, then an upsert on the
natural key), keeping django-simple-history's history for every new or
changed row. Re-running a batch writes nothing.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from indicators.models import (
    OBSERVATION_KEY,
    OBSERVATION_VALUE_FIELDS,
    FetchRun,
    Observation,
)
from indicators.signals import notify_observations_changed
from indicators.validation import ObservationRow, validate_rows

NATURAL_KEY = tuple(Observation._meta.get_field(f).column for f in OBSERVATION_KEY)
# The natural key is unique among current rows only (superseded ones stay beside).
CURRENT_ROWS = "superseded_by_id IS NULL"
# The columns a source reports; a row whose values all match is "unchanged".
VALUE_COLUMNS = tuple(f for f in OBSERVATION_VALUE_FIELDS if f != "published_on")
# The columns of the number itself: with supersede_revisions, a change in one
# of them keeps the old value as a superseded row.
REVISED_COLUMNS = ("value", "low", "high")
SQLITE_BATCH_SIZE = 500
STAGING_TABLE = "indicators_observation_staging"
STAGING_TYPES = ["int8", "date", "float8", "float8", "float8", "bool", "text"]
STAGING_TYPES += ["text", "text", "text", "date"]


class UpsertCounts(NamedTuple):
    new: int
    changed: int
    unchanged: int
    superseded: int = 0  # old values kept beside the changed rows that replace them


# --- writing ----------------------------------------------------------------------


def bulk_upsert_observations(
    rows: Iterable[ObservationRow],
    *,
    origin: str,
    fetch_run: FetchRun | None = None,
    user=None,
    keep_publication_dates: bool = False,
    supersede_revisions: bool = False,
) -> UpsertCounts:
    """Insert or update every row on its natural key, all or nothing.

    Unchanged rows are not touched; new and changed ones get a history row.
    Rescoring is announced once for the batch, after the commit. With
    ``keep_publication_dates`` (feeds, whose rows carry the fetch date), a row's
    ``published_on`` changes only when its value does: the value was public
    since the first fetch that saw it. With ``supersede_revisions`` (producers
    that revise past values), a row whose value, low or high changes is first
    copied as a superseded row pointing at it, then updated: the old estimate
    stays on the record, the new one decides.
    """
    rows = [
        row if isinstance(row, ObservationRow) else ObservationRow(*row) for row in rows
    ]
    validate_rows(rows)
    if not rows:
        return UpsertCounts(0, 0, 0)
    write = _upsert_postgresql if connection.vendor == "postgresql" else _upsert_batches
    with transaction.atomic():
        new, changed, superseded, touched = write(
            rows,
            origin=origin,
            fetch_run_id=fetch_run.pk if fetch_run else None,
            user=user,
            now=timezone.now(),
            keep_dates=keep_publication_dates,
            supersede=supersede_revisions,
        )
        notify_observations_changed(touched)
    return UpsertCounts(new, changed, len(rows) - new - changed, superseded)


def _upsert_postgresql(
    rows: list[ObservationRow], *, user, **values
) -> tuple[int, int, int, list[int]]:
    with connection.cursor() as cursor:
        typed = zip(ObservationRow._fields, STAGING_TYPES, strict=True)
        columns = ", ".join(f"{name} {type_}" for name, type_ in typed)
        cursor.execute(f"CREATE TEMP TABLE {STAGING_TABLE} ({columns}) ON COMMIT DROP")
        columns = ", ".join(ObservationRow._fields)
        sql = f"COPY {STAGING_TABLE} ({columns}) FROM STDIN (FORMAT BINARY)"
        with cursor.copy(sql) as copy:
            copy.set_types(STAGING_TYPES)
            for row in rows:
                copy.write_row(row)
        cursor.execute(_upsert_sql(), {**values, "user_id": user and user.pk})
        new, changed, superseded, touched = cursor.fetchone()
        # Dropped now, not at commit, so a caller may upsert twice in one transaction.
        cursor.execute(f"DROP TABLE {STAGING_TABLE}")
    return new, changed, superseded, touched or []


def _upsert_sql() -> str:
    """One statement: upsert from the staging table, and history for what it wrote.

    `xmax = 0` holds only for a freshly inserted row version, which tells new
    rows from updated ones. The WHERE on DO UPDATE leaves identical rows alone,
    so they neither get a history row nor count as changed. With %(supersede)s,
    `superseded` first copies each current row whose number is revised; the
    copy points at that row, so the partial natural key ignores it. Every part
    of the statement sees the table as it was before it, so the copy holds the
    old value and the upsert finds the same current rows.
    """
    reported = ", ".join(ObservationRow._fields)
    updates = ", ".join(
        f"{column} = EXCLUDED.{column}"
        for column in (*VALUE_COLUMNS, "origin", "fetch_run_id", "recorded_by_id")
    )
    tracked = ", ".join(field.column for field in Observation._meta.concrete_fields)
    current = ", ".join(f"o.{column}" for column in VALUE_COLUMNS)
    incoming = ", ".join(f"EXCLUDED.{column}" for column in VALUE_COLUMNS)
    values_differ = f"({current}) IS DISTINCT FROM ({incoming})"
    date_differs = (
        "(NOT %(keep_dates)s AND o.published_on IS DISTINCT FROM EXCLUDED.published_on)"
    )
    copied = [
        field.column
        for field in Observation._meta.concrete_fields
        if field.column not in ("id", "superseded_by_id")
    ]
    old_number = ", ".join(f"o.{column}" for column in REVISED_COLUMNS)
    new_number = ", ".join(f"t.{column}" for column in REVISED_COLUMNS)
    same_key = " AND ".join(f"o.{column} = t.{column}" for column in NATURAL_KEY)
    return f"""
        WITH superseded AS (
            INSERT INTO indicators_observation ({", ".join(copied)}, superseded_by_id)
            SELECT {", ".join(f"o.{column}" for column in copied)}, o.id
            FROM indicators_observation o JOIN {STAGING_TABLE} t ON {same_key}
            WHERE %(supersede)s AND o.{CURRENT_ROWS}
                AND ({old_number}) IS DISTINCT FROM ({new_number})
            RETURNING *
        ), upserted AS (
            INSERT INTO indicators_observation AS o ({reported}, origin,
                fetch_run_id, recorded_by_id, created_at, updated_at)
            SELECT {reported}, %(origin)s, %(fetch_run_id)s, %(user_id)s,
                %(now)s, %(now)s
            FROM {STAGING_TABLE}
            ON CONFLICT ({", ".join(NATURAL_KEY)}) WHERE {CURRENT_ROWS} DO UPDATE
                SET {updates}, updated_at = EXCLUDED.updated_at,
                    published_on = CASE WHEN {values_differ} OR {date_differs}
                        THEN EXCLUDED.published_on ELSE o.published_on END
                WHERE {values_differ} OR {date_differs}
            RETURNING o.*, (o.xmax = 0) AS is_new
        ), history AS (
            INSERT INTO indicators_historicalobservation ({tracked}, history_date,
                history_change_reason, history_type, history_user_id)
            SELECT {tracked}, %(now)s, NULL,
                CASE WHEN is_new THEN '+' ELSE '~' END, %(user_id)s
            FROM upserted
        ), superseded_history AS (
            INSERT INTO indicators_historicalobservation ({tracked}, history_date,
                history_change_reason, history_type, history_user_id)
            SELECT {tracked}, %(now)s, 'superseded by a revised value', '+',
                %(user_id)s
            FROM superseded
        )
        SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new),
            (SELECT count(*) FROM superseded), array_agg(DISTINCT indicator_id)
        FROM upserted
    """


def _upsert_batches(
    rows: list[ObservationRow],
    *,
    origin: str,
    fetch_run_id: int | None,
    user,
    now: datetime.datetime,
    keep_dates: bool,
    supersede: bool,
) -> tuple[int, int, int, list[int]]:
    """The portable path (SQLite): read what exists, then write the difference."""
    new_count = changed_count = superseded_count = 0
    touched: set[int] = set()
    provenance = {"origin": origin, "fetch_run_id": fetch_run_id, "recorded_by": user}
    for start in range(0, len(rows), SQLITE_BATCH_SIZE):
        batch = rows[start : start + SQLITE_BATCH_SIZE]
        existing = _existing_by_key(batch)
        fresh, changed, superseded = [], [], []
        for row in batch:
            current = existing.get((row.indicator_id, row.date, row.source_url))
            if current is None:
                fresh.append(Observation(**row._asdict(), **provenance))
            elif _differs(current, row, keep_dates=keep_dates):
                if supersede and _is_revised(current, row):
                    superseded.append(_superseded_copy(current))
                for column in (*VALUE_COLUMNS, "published_on"):
                    setattr(current, column, getattr(row, column))
                for name, value in {**provenance, "updated_at": now}.items():
                    setattr(current, name, value)
                changed.append(current)
        _write_batch(fresh, changed, user=user, now=now)
        _write_superseded(superseded, user=user, now=now)
        new_count += len(fresh)
        changed_count += len(changed)
        superseded_count += len(superseded)
        touched.update(obs.indicator_id for obs in (*fresh, *changed))
    return new_count, changed_count, superseded_count, sorted(touched)


def _is_revised(current: Observation, row: ObservationRow) -> bool:
    return any(getattr(current, c) != getattr(row, c) for c in REVISED_COLUMNS)


def _superseded_copy(current: Observation) -> Observation:
    """The current row as it is now, as a new row pointing at it."""
    fields = {
        field.attname: getattr(current, field.attname)
        for field in Observation._meta.concrete_fields
        if field.attname not in ("id", "superseded_by_id")
    }
    return Observation(**fields, superseded_by_id=current.pk)


def _write_superseded(
    copies: list[Observation], *, user, now: datetime.datetime
) -> None:
    if not copies:
        return
    # bulk_create would set created_at and updated_at anew: the copy keeps them.
    stamps = [(copy.created_at, copy.updated_at) for copy in copies]
    Observation.objects.bulk_create(copies)
    for copy, (created, updated) in zip(copies, stamps, strict=True):
        copy.created_at, copy.updated_at = created, updated
    Observation.objects.bulk_update(copies, ["created_at", "updated_at"])
    Observation.history.bulk_history_create(
        copies,
        default_user=user,
        default_change_reason="superseded by a revised value",
        default_date=now,
    )


def _differs(current: Observation, row: ObservationRow, *, keep_dates: bool) -> bool:
    if any(getattr(current, c) != getattr(row, c) for c in VALUE_COLUMNS):
        return True
    return not keep_dates and current.published_on != row.published_on


def _existing_by_key(batch: Sequence[ObservationRow]) -> dict[tuple, Observation]:
    candidates = Observation.objects.current().filter(
        indicator_id__in={row.indicator_id for row in batch},
        date__in={row.date for row in batch},
        source_url__in={row.source_url for row in batch},
    )
    return {(o.indicator_id, o.date, o.source_url): o for o in candidates}


def _write_batch(
    fresh: list[Observation],
    changed: list[Observation],
    *,
    user,
    now: datetime.datetime,
) -> None:
    # SQLite serialises writers, and its upsert cannot name the partial unique
    # index, so a plain insert: a row another writer inserted since the read
    # fails the batch rather than being overwritten.
    Observation.objects.bulk_create(fresh)
    update_fields = [*VALUE_COLUMNS, "published_on", "origin", "fetch_run"]
    update_fields += ["recorded_by", "updated_at"]
    Observation.objects.bulk_update(changed, update_fields)
    for objects, is_update in ((fresh, False), (changed, True)):
        Observation.history.bulk_history_create(
            objects,
            update=is_update,
            default_user=user,
            default_change_reason=None,
            default_date=now,
        )
