"""Errors under /api/ are JSON, whichever layer produced them.

DRF's exception handler (portal.api) answers errors raised in API views;
handler404/handler500 answer the rest in production. With DEBUG on, Django
renders its technical HTML pages instead of those handlers, so this
middleware has the last word: an error response under /api/ that is not
JSON becomes `{"detail": …}` with the same status.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .cache import shared_page_response
from .language import chosen_language
from .security import staff_session_touch

logger = logging.getLogger("portal.availability")

# What a database that is restarting or unreachable raises (on connect, or on a broken connection).
DATABASE_DOWN = (OperationalError, InterfaceError)


def is_database_down(exc: BaseException) -> bool:
    """Django's wrapped errors, and the driver's own: a cursor closed while PostgreSQL shuts down
    raises psycopg2.OperationalError unwrapped (Django's cursor_iter closes it outside the wrapper)."""
    driver = connection.Database
    return isinstance(exc, DATABASE_DOWN + (driver.OperationalError, driver.InterfaceError))


API_PREFIX = "/api/"


def _detail(status: int) -> str:
    if status == 404:
        return _("未找到。")
    if status == 403:
        return _("您没有执行该操作的权限。")
    if status >= 500:
        return _("服务器出错，请稍后再试。")
    return _("请求有误。")


class ApiErrorsAsJsonMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return JsonResponse({"detail": _detail(response.status_code)}, status=response.status_code)
        return response


class PublicPageCacheMiddleware:
    """Answer anonymous GETs of public pages from the cache before sessions, auth and messages run.

    Placed right after WhiteNoise. A hit (portal.cache.shared_page_response:
    one cache round trip, no query) skips the rest of the stack, so it does
    here what the skipped middleware would: the CSRF cookie for the token
    in the page, and X-Frame-Options. Anything else goes down the stack, where
    the view's `public_page` decorator renders and stores the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.frame_options = XFrameOptionsMiddleware(get_response)

    def __call__(self, request):
        if request.method == "GET":
            self.csrf.process_request(request)  # the visitor's CSRF secret, from the cookie
            response = shared_page_response(request)
            if response is not None:
                self.frame_options.process_response(request, response)
                return self.csrf.process_response(request, response)
        return self.get_response(request)


class StaffSessionIdleMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request (issue 18).

    The expiry starts at login (portal.security.staff_session_start) and moves forward
    with the staff member's requests, written at most once a minute
    (STAFF_SESSION_TOUCH_SECONDS) so that a busy page does not write its session on every
    request. Anonymous requests are left alone: their session is never created or written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        # Only a session that this request used (a session login): an API token or a
        # request that never looked at its session is not kept alive, nor loaded for it.
        if session is not None and session.accessed and user is not None and user.is_authenticated:
            if user.is_staff or user.is_superuser:
                staff_session_touch(request)
        return response


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: a Chinese page, or `{"detail": …}` under /api/. Touches no database."""
    retry_after = settings.PORTAL_RETRY_AFTER_SECONDS
    message = _("系统暂时无法连接数据库（可能正在维护或重启）。已填写的内容没有提交成功，请稍后再试。")
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": message}, status=503)
    else:
        html = render_to_string("503.html", {"message": message, "retry_after": retry_after})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After instead of 500.

    Errors raised outside views (other middleware, the session save) reach
    handler500 (portal.views.server_error), which answers the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_down(exception):
            logger.warning(
                "database unavailable on %s %s: %s",
                request.method,
                request.path,
                exception.__class__.__name__,
            )
            return database_unavailable(request)
        return None


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware without Accept-Language: the chosen language (cookie) or zh-hans."""

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
