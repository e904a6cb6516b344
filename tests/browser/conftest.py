"""Each browser test reads a scoreboard of its own: cache keys of its own
(a scoreboard cached by an earlier test must not leak into the page)."""

from tests.isolation import own_cache_keys  # noqa: F401
