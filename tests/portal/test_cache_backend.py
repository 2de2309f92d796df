"""The Redis cache keeps one client per connection pool (portal.cache_backends, issue 14)."""

from django.core.cache import cache, caches

from portal.cache_backends import FailOpenRedisCache


def test_every_call_uses_the_same_client_and_still_reaches_redis():
    assert isinstance(caches["default"], FailOpenRedisCache)
    client = cache._cache.get_client()

    cache.set("kept-client-check", {"值": 1}, 30)

    assert cache._cache.get_client(write=True) is client
    assert cache.get("kept-client-check") == {"值": 1}
    assert cache.get_many(["kept-client-check", "missing"]) == {"kept-client-check": {"值": 1}}
    assert cache._cache.get_client() is client
