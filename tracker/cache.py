"""A Redis cache that treats an unreachable Redis as an empty cache.

The cache only ever holds copies of what the database has, so when Redis is
down every read falls through to the database and writes to the cache are
dropped, instead of turning a cache outage into an outage of the site.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
REDIS_DOWN = (ConnectionError, TimeoutError)


class ForgivingRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except REDIS_DOWN as error:
            logger.warning("cache get failed, reading through: %s", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except REDIS_DOWN as error:
            logger.warning("cache get_many failed, reading through: %s", error)
            return {}

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except REDIS_DOWN as error:
            logger.warning("cache set dropped: %s", error)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except REDIS_DOWN as error:
            logger.warning("cache add dropped: %s", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except REDIS_DOWN as error:
            logger.warning("cache delete dropped: %s", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except REDIS_DOWN as error:
            logger.warning("cache incr dropped: %s", error)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from error

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except REDIS_DOWN as error:
            logger.warning("cache touch dropped: %s", error)
            return False
