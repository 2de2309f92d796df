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
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

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
        return _("服务器出错,请稍后再试。")
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


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: a Chinese page, or `{"detail": …}` under /api/. Touches no database."""
    retry_after = settings.PORTAL_RETRY_AFTER_SECONDS
    message = _("系统暂时无法连接数据库(可能正在维护或重启)。已填写的内容没有提交成功,请稍后再试。")
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
