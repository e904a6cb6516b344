from dataclasses import dataclass

# A page measured cold is reported under its name with this suffix.
COLD = "_cold"


@dataclass(frozen=True)
class Scale:
    name: str
    predictions: int
    indicators: int
    observations: int
    runs: int  # repetitions of each timed measurement
    http_seconds: int  # wrk duration per run
    http_warmup: int
    load_seconds: int  # the load test's wrk duration; 0 leaves it out
    load_feeds: int  # feed runs during the load test
    ingest_rows: int  # rows written by each ingest run, into an empty table
    history: bool  # whether the month-end history rescore is measured
    rescore_limit: float  # target for the full rescore, seconds
    memory_limit: float  # target for the worker's peak memory, MB


SCALES = {
    "default": Scale(
        "default", 1_000, 100, 1_000_000, 3, 5, 2, 60, 12, 1_000_000, True, 1.0, 300.0
    ),
    "small": Scale("small", 50, 10, 20_000, 1, 1, 1, 3, 2, 20_000, True, 1.0, 300.0),
    # The growth table (--scale large): the same measures at 1x, 3x and 10x,
    # without the load test, each ingest run on 300,000 rows.
    "1x": Scale("1x", 1_000, 100, 1_000_000, 3, 3, 1, 0, 0, 300_000, True, 1.0, 300.0),
    "3x": Scale("3x", 3_000, 300, 3_000_000, 3, 3, 1, 0, 0, 300_000, False, 3.0, 450.0),
    "10x": Scale(
        "10x", 10_000, 1_000, 10_000_000, 3, 3, 1, 0, 0, 300_000, False, 10.0, 600.0
    ),
}
# What --scale runs: one scale, or the growth table's three.
GROUPS = {"large": ("1x", "3x", "10x")}
