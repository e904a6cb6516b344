"""Request rates counted atomically in Redis.

DRF's throttles read the history of a client from the cache, append to it and
write it back: concurrent requests read the same history and several get in
past the limit. Here each request is one ``INCR`` on a counter per client and
window (with an ``EXPIRE``, in one MULTI/EXEC), so exactly the rate gets
through, however many processes and threads serve the requests.

Fixed windows: a client may spend its whole rate at the end of one window and
again at the start of the next. Without Redis (``make run``) DRF's own
cache-based counting is used; when Redis is unreachable, requests are let
through rather than refused, as every other cache read falls through.

The client is the address the request came from; ``X-Forwarded-For`` is
trusted only as far as ``REST_FRAMEWORK["NUM_PROXIES"]`` says (DRF's
``get_ident``).
"""

import logging
from typing import Any

from django.core.cache import caches
from django_redis.cache import RedisCache
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.request import Request

logger = logging.getLogger(__name__)


class AtomicCountMixin:
    """``allow_request`` of a SimpleRateThrottle, counted with Redis INCR."""

    def allow_request(self, request: Request, view: Any) -> bool:
        cache = caches["default"]
        if self.rate is None or not isinstance(cache, RedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        key = cache.make_and_validate_key(f"{self.key}:{window}")
        try:
            client = cache.client.get_client(write=True)
            with client.pipeline(transaction=True) as pipe:
                count, _ = pipe.incr(key).expire(key, self.duration + 1).execute()
        except RedisError as error:
            logger.warning("throttle not counted, Redis unavailable: %s", error)
            return True
        self.wait_seconds = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self) -> float | None:
        return getattr(self, "wait_seconds", None)


class AnonRateThrottle(AtomicCountMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(AtomicCountMixin, throttling.UserRateThrottle):
    pass
