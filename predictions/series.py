"""Indicators' observations as numpy arrays, the only form scoring reads them in.

A full rescore reads every observation, so this path never builds model
instances. On PostgreSQL one binary ``COPY`` returns, per indicator, three
arrays (ids, dates, values) that numpy reads from the message and copies into
that indicator's series as it arrives, so no more than one message is held at
a time (at 10,000,000 observations the worker's peak fell from about 875 MB,
holding every message and a sorted copy of the whole, to about 330 MB);
elsewhere a plain values_list. Aggregating on the server matters: psycopg
hands over a binary COPY one message per row, and a million Python iterations
cost more than the whole scoring, while 100 array rows cost nothing (measured
on 1,000,000 observations: about half the time of a row-per-observation COPY).
"""

import datetime
import itertools
import operator
import struct
from collections.abc import Iterable, Iterator

import numpy as np
from django.db import connection

from indicators.models import DECIDING_TIERS, Observation
from predictions.scoring import Series

# Only the values that may decide (Observation.objects.deciding(), EVIDENCE.md):
# current, and primary or press; as of a past day, only those public by then.
COPY_QUERY = (
    "COPY (SELECT indicator_id, array_agg(id), array_agg(date), array_agg(value) "
    "FROM indicators_observation WHERE indicator_id = ANY({ids}) "
    "AND superseded_by_id IS NULL AND tier = ANY({tiers}) "
    "AND published_on <= {as_of} "
    "GROUP BY indicator_id) TO STDOUT (FORMAT BINARY)"
)
# The hash aggregate holds every array at once; at 4 MB (the default) it spills
# to disk and runs twice as long.
AGGREGATE_WORK_MEM = "SET LOCAL work_mem = '128MB'"
# Binary COPY: an 11-byte signature, int32 flags, int32 extension length.
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
# A binary array: ndim, has-nulls flag, element type oid, then (size, lower
# bound) per dimension, then per element an int32 length and the payload.
ARRAY_HEADER = struct.Struct(">iiiii")
ELEMENT_TYPES = {20: ">i8", 23: ">i4", 1082: ">i4", 701: ">f8"}
POSTGRES_EPOCH = datetime.date(2000, 1, 1).toordinal()  # binary dates count from it


def load_series(
    indicator_ids: Iterable[int], *, as_of: datetime.date | None = None
) -> dict[int, Series]:
    """Each indicator's deciding observations sorted by (date, id); an empty
    Series if none. With ``as_of``, only those public on that day."""
    wanted = sorted(set(indicator_ids))
    if not wanted:
        return {}
    as_of = as_of or datetime.date.max
    columns = (
        _copy_columns(wanted, as_of)
        if connection.vendor == "postgresql"
        else _select_columns(wanted, as_of)
    )
    found = {pk: _sorted(ids, days, values) for pk, ids, days, values in columns}
    return {pk: found[pk] if pk in found else _empty() for pk in wanted}


def _empty() -> Series:
    none = np.empty(0, dtype=np.int64)
    return Series(days=none, values=np.empty(0, dtype=np.float64), ids=none.copy())


def _sorted(ids: np.ndarray, days: np.ndarray, values: np.ndarray) -> Series:
    order = np.lexsort((ids, days))
    return Series(days=days[order], values=values[order], ids=ids[order])


def _copy_columns(wanted: list[int], as_of: datetime.date) -> Iterator[tuple]:
    """(indicator id, ids, days, values) per indicator, from one binary COPY.

    Each indicator's arrays are copied out of its message as it arrives (int64
    and float64, 24 bytes an observation), so the messages (32 bytes an
    observation) are never all held at once.
    """
    from psycopg import sql

    connection.ensure_connection()
    query = sql.SQL(COPY_QUERY).format(
        ids=sql.Literal(wanted),
        tiers=sql.Literal([str(tier) for tier in DECIDING_TIERS]),
        as_of=sql.Literal(as_of),
    )
    with connection.connection.cursor() as cursor:
        if not connection.get_autocommit():
            cursor.execute(AGGREGATE_WORK_MEM)
        with cursor.copy(query) as copy:
            # psycopg hands over one message per tuple (one per indicator).
            for number, block in enumerate(copy):
                columns = _read_tuple(bytes(block), is_first=number == 0)
                if columns is not None:
                    yield columns


def _read_tuple(raw: bytes, *, is_first: bool) -> tuple | None:
    """One (indicator id, ids, days, values) tuple of a binary COPY, or None
    for the trailer."""
    pos = 0
    if is_first:
        if not raw.startswith(COPY_SIGNATURE):
            raise RuntimeError("COPY did not return PostgreSQL's binary format")
        pos = len(COPY_SIGNATURE) + 8 + int.from_bytes(raw[15:19], "big")
    if (
        len(raw) - pos < 2
        or int.from_bytes(raw[pos : pos + 2], "big", signed=True) == -1
    ):
        return None  # the trailer, or a header alone
    pos += 2
    fields = []
    for _ in range(4):
        size = int.from_bytes(raw[pos : pos + 4], "big", signed=True)
        fields.append((pos + 4, size))
        pos += 4 + size
    (start, _), *arrays = fields
    return (
        int.from_bytes(raw[start : start + 8], "big", signed=True),
        _read_array(raw, arrays[0]).astype(np.int64),
        _read_array(raw, arrays[1]).astype(np.int64) + POSTGRES_EPOCH,
        _read_array(raw, arrays[2]).astype(np.float64),
    )


def _read_array(raw: bytes, field: tuple[int, int]) -> np.ndarray:
    """A view of one binary array's elements, in ``raw`` (copy it to keep it)."""
    start, _ = field
    dimensions, _, element_oid, size, _ = ARRAY_HEADER.unpack_from(raw, start)
    if dimensions != 1:
        raise RuntimeError(f"expected a one-dimensional array, got {dimensions}")
    payload = ELEMENT_TYPES[element_oid]
    element = np.dtype([("size", ">i4"), ("value", payload)])
    items = np.frombuffer(raw, dtype=element, count=size, offset=start + 20)
    return items["value"]


def _select_columns(wanted: list[int], as_of: datetime.date) -> Iterator[tuple]:
    rows = (
        Observation.objects.deciding()
        .public_on(as_of)
        .filter(indicator_id__in=wanted)
        .order_by("indicator_id")
        .values_list("indicator_id", "id", "date", "value")
    )
    for pk, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        group = list(group)
        yield (
            pk,
            np.array([row[1] for row in group], dtype=np.int64),
            np.array([row[2].toordinal() for row in group], dtype=np.int64),
            np.array([row[3] for row in group], dtype=np.float64),
        )
