"""The bad-input and security tests send many requests from one address."""

from tests.isolation import generous_throttle, own_cache_keys  # noqa: F401
