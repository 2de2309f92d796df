"""The public pages' cache: one generation number, bumped when a record they show changes.

Public list pages render inside `{% cache %}` fragments keyed on this
version, so a cache hit costs no queries. Each app names, in its
AppConfig.ready(), the models whose changes the public pages show.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

PUBLIC_CACHE_VERSION_KEY = "portal:public:version"
PUBLIC_CACHE_SECONDS = 600


def public_cache_version() -> int:
    """The generation of the public pages' cache; bumping it invalidates every page."""
    version = cache.get(PUBLIC_CACHE_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(PUBLIC_CACHE_VERSION_KEY, version, timeout=None)
        version = cache.get(PUBLIC_CACHE_VERSION_KEY, version)
    return version


def public_cache_context() -> dict:
    """What a cached public template needs: the version, the lifetime, the time now."""
    return {
        "cache_version": public_cache_version(),
        "cache_seconds": PUBLIC_CACHE_SECONDS,
        "now": timezone.now(),
    }


def public_cache_bump(**_kwargs) -> None:
    """Invalidate the cached public pages (notices, directory, home, feed)."""
    try:
        cache.incr(PUBLIC_CACHE_VERSION_KEY)
    except ValueError:
        cache.set(PUBLIC_CACHE_VERSION_KEY, 2, timeout=None)


def public_cache_bump_after_commit(**_kwargs) -> None:
    transaction.on_commit(public_cache_bump)


def public_pages_show(*models) -> None:
    """Saving any of `models` invalidates the public pages once the transaction commits."""
    for model in models:
        post_save.connect(
            public_cache_bump_after_commit, sender=model, dispatch_uid=f"public-cache-{model._meta.label}"
        )
