"""What the feed fixture payloads in tests/fixtures/feeds/ hold."""

import datetime

SWEBENCH = "swebench/leaderboards.json"
# SWE-bench Verified in the fixture, as the running best score to date.
VERIFIED_BEST = {
    datetime.date(2023, 10, 10): 4.4,
    datetime.date(2024, 4, 2): 22.4,
    datetime.date(2024, 6, 20): 33.6,
    datetime.date(2024, 8, 20): 40.6,
    datetime.date(2024, 8, 24): 45.2,
    datetime.date(2024, 10, 29): 53.0,
    datetime.date(2024, 12, 2): 55.0,
    datetime.date(2024, 12, 13): 58.2,
    datetime.date(2025, 1, 10): 62.8,
    datetime.date(2025, 3, 16): 65.4,
    datetime.date(2025, 5, 22): 72.4,
    datetime.date(2025, 6, 12): 75.2,
    datetime.date(2025, 9, 26): 78.8,
}
