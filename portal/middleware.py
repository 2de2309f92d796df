"""Errors under /api/ are JSON, whichever layer produced them.

DRF's exception handler (portal.api) answers errors raised in API views;
handler404/handler500 answer the rest in production. With DEBUG on, Django
renders its technical HTML pages instead of those handlers, so this
middleware has the last word: an error response under /api/ that is not
JSON becomes `{"detail": …}` with the same status.
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

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


class StaffSessionIdleMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request (issue 18).

    Each staff request moves the expiry forward (the session is saved). Anonymous
    requests are left alone: this middleware never creates or writes their session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and (user.is_staff or user.is_superuser):
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
