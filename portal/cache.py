"""The public pages' cache: a version per set of records, bumped when one of them changes.

Public pages render inside `{% cache %}` fragments keyed on the versions of
the *scopes* they show, so a cache hit costs no queries and a change
invalidates only the pages that show the changed record. A scope is a short
string naming a set of records: `"partner:42"` (one partner's page),
`"partners:community:7"` (the serving partners of a community), `"notices"`
(the notice board). Each app says, in its AppConfig.ready(), which scopes a
saved or deleted record touches (`public_pages_show(Model, scopes=…)`); each
view asks for the versions of the scopes it shows (`public_cache_context(…)`).

Anonymous GETs of a public page are served whole from the cache by the view
decorator `public_page`: one cache round trip reads the stored page and the
versions of its scopes together, before anything touches the session, the
user or the database. The stored page has a placeholder where each response
puts its visitor's own CSRF token, so a form on it that files something (a
questionnaire's answers) keeps its CSRF protection; a page without such a form
is the same bytes for every visitor and sets no CSRF cookie.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from functools import lru_cache, wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from .language import chosen_language

PUBLIC_CACHE_SECONDS = 600
ELDER_COOKIE = "elder_mode"


def elder_mode_on(request) -> bool:
    """Whether the visitor chose 适老化 mode (the cookie portal.views.elder_mode_set sets)."""
    return request.COOKIES.get(ELDER_COOKIE) == "1"


_VERSION_KEY = "portal:public:version:{}"
_PAGE_KEY = "portal:public:page:{}"


def _versions(keys: list[str]) -> list:
    """The values of the version `keys`, starting the missing ones at 1 (one round trip when none is missing)."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, 1, timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return [found.get(key, 1) for key in keys]


def public_cache_version(*scopes: str) -> str:
    """The current versions of `scopes`, joined: a fragment keyed on it goes stale when any of them is bumped.

    One cache round trip (get_many); a scope never bumped starts at 1.
    """
    return ".".join(str(v) for v in _versions([_VERSION_KEY.format(scope) for scope in scopes]))


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


# --- Whole public pages for anonymous visitors ----------------------------------------

# Where the stored page had the visitor's CSRF token; each response puts its own there.
_CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def _shared_page_key(request, allowed: frozenset[str], language: str) -> str | None:
    """The key of the shared copy of this request's page, or None when the request may not share one.

    Only a plain GET without a session or flash-message cookie shares a page
    (a logged-in visitor, or one with messages waiting, always gets a page of
    their own); its query may hold only the page's own parameters, so a
    stray parameter neither splits nor poisons the shared copy.
    """
    if request.method != "GET":
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    query = request.GET
    if any(name not in allowed for name in query):
        return None
    normalised = "&".join(f"{k}={v}" for k, values in sorted(query.lists()) for v in values)
    # 适老化 mode is drawn by the server (portal.context_processors.elder_mode): one copy per mode.
    mode = "elder" if elder_mode_on(request) else "plain"
    raw = f"{language}|{mode}|{request.path}?{normalised}"
    return _PAGE_KEY.format(hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest())


def _shareable_response(request, response) -> bool:
    """Whether `response` is the same for every anonymous visitor: a plain 200 that used no session."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if "private" in response.get("Cache-Control", "") or "no-store" in response.get("Cache-Control", ""):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "added_new", False)


def _stored_page(key: str, version_keys: list[str]) -> tuple[bytes, str] | None:
    """The stored page (content, content type) if every scope still has the version it was stored with.

    One round trip: the page and the versions in one get_many.
    """
    found = cache.get_many([key, *version_keys])
    stored = found.get(key)
    if stored is None or not all(k in found for k in version_keys):
        return None
    versions, content, content_type = stored
    if versions != [found[k] for k in version_keys]:
        return None
    return content, content_type


def _page_response(request, content: bytes, content_type: str) -> HttpResponse:
    """The stored page with this visitor's own CSRF token where the placeholder is.

    A page without a form that needs the token (most public pages: the language and
    适老化 switches take none, portal.views.language_set) is sent as stored, and no
    CSRF secret is drawn or set for its visitor.
    """
    if _CSRF_PLACEHOLDER in content:
        content = content.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
    return HttpResponse(content, content_type=content_type)


@lru_cache(maxsize=4096)
def _public_view(resolver, path: str) -> tuple | None:
    """((scopes, params), args, kwargs) of the `public_page` view at `path`, or None for any other path.

    Kept per path (and per URLconf: a test that changes ROOT_URLCONF gets a new resolver):
    resolving a path against the whole URLconf took a fifth of a cached page's time (issue 14).
    """
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None
    declared = getattr(match.func, "public_page", None)
    if declared is None:
        return None
    return declared, match.args, tuple(match.kwargs.items())  # shared by every request: immutable


def shared_page_response(request) -> HttpResponse | None:
    """The stored page for this request if it may have one, found before any middleware but WhiteNoise's.

    Used by `portal.middleware.PublicPageCacheMiddleware`: the URL is
    resolved to see whether its view is a `public_page` and which scopes it
    shows; the language is chosen the way ChosenLanguageMiddleware chooses it. The
    caller adds what the skipped middleware would (CSRF cookie, Vary,
    Content-Language, X-Frame-Options). None means: let the stack answer.
    """
    if request.method != "GET":
        return None
    found = _public_view(get_resolver(get_urlconf()), request.path_info)
    if found is None:
        return None
    (scopes, allowed), args, kwargs = found
    kwargs = dict(kwargs)
    language = chosen_language(request)
    key = _shared_page_key(request, allowed, language)
    if key is None:
        return None
    page = _stored_page(key, [_VERSION_KEY.format(scope) for scope in scopes(request, *args, **kwargs)])
    if page is None:
        return None
    response = _page_response(request, *page)
    response["Content-Language"] = language
    response["Content-Length"] = str(len(response.content))
    patch_vary_headers(response, ("Cookie",))
    return response


def public_page(*, scopes: Callable[..., Iterable[str]], params: Iterable[str] = ()):
    """Serve anonymous GETs of a public page whole from the cache, in one round trip and no query.

    `scopes(request, *args, **kwargs)` names the scopes the page shows (from
    the URL alone, without the database); `params` are the query parameters
    the page understands. The stored page is used while every scope keeps the
    version it had when the page was rendered, for `response.public_cache_seconds`
    (set by views whose page changes at a moment, like the end of a notice
    period) or PUBLIC_CACHE_SECONDS. Everything else — a logged-in visitor,
    another method, an unknown parameter, an error page — goes to the view.
    """
    allowed = frozenset(params)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
            key = _shared_page_key(request, allowed, language)
            if key is None:
                return view(request, *args, **kwargs)
            version_keys = [_VERSION_KEY.format(scope) for scope in scopes(request, *args, **kwargs)]
            page = _stored_page(key, version_keys)
            if page is not None:  # reached when PublicPageCacheMiddleware is not installed
                return _page_response(request, *page)
            versions = _versions(version_keys)
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ("Cookie",))  # the elder_mode cookie picks the copy
            if _shareable_response(request, response):
                content = _CSRF_INPUT.sub(rb"\1" + _CSRF_PLACEHOLDER + rb"\2", response.content)
                seconds = getattr(response, "public_cache_seconds", PUBLIC_CACHE_SECONDS)
                cache.set(key, (versions, content, response["Content-Type"]), seconds)
            return response

        wrapper.public_page = (scopes, allowed)  # read by shared_page_response
        return wrapper

    return decorate
