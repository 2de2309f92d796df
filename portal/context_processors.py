from django.conf import settings

from .cache import elder_mode_on
from .models import person_name


def programme(request):
    return {
        "PROGRAMME_NAME": "睦邻合伙人",
        "PORTAL_BASE_URL": settings.PORTAL_BASE_URL,
        # Absolute links in share previews (og:url, og:image): from the setting, never the
        # request's Host header, since public pages are shared from one cached copy.
        "PORTAL_ORIGIN": settings.PORTAL_BASE_URL.rstrip("/"),
    }


def account(request):
    """The header's account bar: the signed-in user's name, or None for the 登录 link.

    A request without a session cookie is anonymous and is never asked for its user:
    reading `request.user` would touch the session, and a page that touched the session is
    not stored in the shared public-page cache (portal.cache). So a shared page always has
    the 登录 link and never a name; a signed-in visitor (who has the cookie) never gets one.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {"account_name": None}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"account_name": None}
    return {"account_name": person_name(user)}


def elder_mode(request):
    """适老化 mode for this page: the cookie, read on the server (part of the shared cache's key)."""
    return {"elder_mode": elder_mode_on(request)}
