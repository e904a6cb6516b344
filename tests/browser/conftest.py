import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """A scoreboard cached by an earlier test must not leak into the page."""
    cache.clear()
