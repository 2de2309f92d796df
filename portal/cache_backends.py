"""A Redis cache that fails open: while Redis is unreachable, the portal works without a cache.

Everything the portal keeps in the cache can be lost: rate-limit counters
(django-ratelimit, which then lets the request through: RATELIMIT_FAIL_OPEN),
the public pages' fragments and versions (portal.cache; the page renders
uncached), progress markers of PDF and import jobs. So an outage of Redis
must never turn a request into a 500: each operation that cannot reach Redis
logs a warning and answers as an empty cache would (a miss, nothing stored,
`incr` of a missing key). After a failure the cache is skipped for
`PORTAL_CACHE_RETRY_SECONDS` (default 5), so an unreachable host does not
cost a connection timeout on every call of every request.

Django's Redis client makes a new `redis.Redis` object for every operation; building one
fills its table of about 170 reply handlers, which cost 0.25 ms of every cached public
page (issue 14, most of the page's own time). `KeptClientRedisCacheClient` keeps one per
connection pool: a `redis.Redis` holds no connection of its own, it borrows one from the
pool for each command. (Django gives each thread its own cache object, pool and client.)
"""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("portal.cache")

_MISS = object()
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _fail_open(default):
    """Run the operation; when Redis is unreachable, log it and return `default()`."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._skip_until:
                return default()
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                self._skip_until = time.monotonic() + getattr(settings, "PORTAL_CACHE_RETRY_SECONDS", 5)
                logger.warning(
                    "cache unreachable (%s: %s); %s answered as an empty cache",
                    exc.__class__.__name__,
                    exc,
                    method.__name__,
                )
                return default()

        return wrapper

    return decorate


def _missing_key():
    # What Django's caches raise for incr of a key they do not hold; callers handle it
    # (django-ratelimit then treats the count as unknown and fails open).
    raise ValueError("cache unreachable")


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with one `redis.Redis` per connection pool instead of one per call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache, answering as an empty cache while Redis is down."""

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # A stopped or unreachable Redis must cost at most a second, not the OS's TCP timeout.
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
        self._skip_until = 0.0

    @_fail_open(lambda: False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    def get(self, key, default=None, version=None):
        value = self._get(key, default, version)
        return default if value is _MISS else value

    @_fail_open(lambda: _MISS)
    def _get(self, key, default, version):
        return super().get(key, default, version)

    @_fail_open(lambda: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_fail_open(lambda: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_fail_open(lambda: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_fail_open(dict)
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_fail_open(lambda: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_fail_open(_missing_key)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_fail_open(list)
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_fail_open(lambda: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_fail_open(lambda: False)
    def clear(self):
        return super().clear()
