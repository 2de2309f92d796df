"""Errors under /api/ are JSON, whichever layer produced them.

DRF's exception handler (portal.api) answers errors raised in API views;
handler404/handler500 answer the rest in production. With DEBUG on, Django
renders its technical HTML pages instead of those handlers, so this
middleware has the last word: an error response under /api/ that is not
JSON becomes `{"detail": …}` with the same status.
"""

from django.http import JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .cache import shared_page_response
from .language import chosen_language

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


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware without Accept-Language: the chosen language (cookie) or zh-hans."""

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
