from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    predictions: int
    indicators: int
    observations: int
    runs: int  # repetitions of each timed measurement
    http_seconds: int  # wrk duration per run
    http_warmup: int
    load_seconds: int  # the load test's wrk duration
    load_feeds: int  # feed runs during the load test


SCALES = {
    "default": Scale("default", 1_000, 100, 1_000_000, 3, 5, 2, 60, 12),
    "small": Scale("small", 50, 10, 20_000, 1, 1, 1, 3, 2),
}
