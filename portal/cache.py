"""The public pages' cache: a version per set of records, bumped when one of them changes.

Public pages render inside `{% cache %}` fragments keyed on the versions of
the *scopes* they show, so a cache hit costs no queries and a change
invalidates only the pages that show the changed record. A scope is a short
string naming a set of records: `"partner:42"` (one partner's page),
`"partners:community:7"` (the serving partners of a community), `"notices"`
(the notice board). Each app says, in its AppConfig.ready(), which scopes a
saved or deleted record touches (`public_pages_show(Model, scopes=…)`); each
view asks for the versions of the scopes it shows (`public_cache_context(…)`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

PUBLIC_CACHE_SECONDS = 600
_VERSION_KEY = "portal:public:version:{}"


def public_cache_version(*scopes: str) -> str:
    """The current versions of `scopes`, joined: a fragment keyed on it goes stale when any of them is bumped.

    One cache round trip (get_many); a scope never bumped starts at 1.
    """
    keys = [_VERSION_KEY.format(scope) for scope in scopes]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, 1, timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return ".".join(str(found.get(key, 1)) for key in keys)


def public_cache_context(*scopes: str) -> dict:
    """What a cached public template needs: the scopes' version, the lifetime, the time now."""
    return {
        "cache_version": public_cache_version(*scopes),
        "cache_seconds": PUBLIC_CACHE_SECONDS,
        "now": timezone.now(),
    }


def public_cache_bump(*scopes: str) -> None:
    """Invalidate the cached public pages that show any of `scopes`."""
    for scope in dict.fromkeys(scopes):
        key = _VERSION_KEY.format(scope)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 2, timeout=None)


def public_cache_bump_after_commit(*scopes: str) -> None:
    """Bump `scopes` once the current transaction commits (at once outside a transaction)."""
    scopes = tuple(scopes)
    if scopes:
        transaction.on_commit(lambda: public_cache_bump(*scopes))


def public_pages_show(model, *, scopes: Callable[[object], Iterable[str]]) -> None:
    """Saving or deleting a `model` record invalidates the scopes `scopes(record)` names, after commit."""

    def bump(sender, instance, **kwargs):
        public_cache_bump_after_commit(*scopes(instance))

    label = model._meta.label
    post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"public-cache-save-{label}")
    post_delete.connect(bump, sender=model, weak=False, dispatch_uid=f"public-cache-delete-{label}")
