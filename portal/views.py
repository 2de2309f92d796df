import sys

from celery import current_app as celery_app
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from rest_framework.exceptions import NotFound

from .admin_frame import admin_frame_context
from .background import background_job_state
from .cache import ELDER_COOKIE
from .forms import attach_domain_error
from .middleware import database_unavailable, is_database_down
from .models import Heartbeat, Role
from .rules import user_role
from .security import (
    may_use_two_factor,
    needs_second_factor,
    totp_device_for_setup,
    totp_qr_data_uri,
    totp_secret,
    two_factor_disable,
    two_factor_enable,
)
from .uploads import private_storage


@never_cache
def healthz(request):
    """Database and broker reachability: 200 when both answer, 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise: this is a probe
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"error: {exc.__class__.__name__}"
    try:
        beat = Heartbeat.objects.filter(name="worker").first()
        checks["worker_seen_seconds_ago"] = (
            int((timezone.now() - beat.seen_at).total_seconds()) if beat else None
        )
    except Exception:
        checks["worker_seen_seconds_ago"] = None
    healthy = checks["database"] == "ok" and checks["broker"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


def ratelimited(request, exception=None, *, message=None):
    return render(request, "429.html", {"message": message or _("操作过于频繁，请稍后再试。")}, status=429)


# Start pages apps add for accounts without a programme role, as (test(user), path):
# e.g. notices sends a filing recipient's clerk to the filings it received.
START_PAGES: list[tuple] = []


def register_start_page(test, path: str) -> None:
    """Send users for whom `test(user)` holds to `path` after logging in (when no role decides)."""
    START_PAGES.append((test, path))


def after_login(request):
    """Send each role to its own starting page after logging in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.is_staff or request.user.is_superuser:
        return redirect("admin:index")
    destination = {
        Role.REVIEWER: "/review/",
        Role.PARTNER: "/services/logs/",
        Role.OBSERVER: "/services/observations/",
    }.get(user_role(request.user))
    if destination is None:
        destination = next((path for test, path in START_PAGES if test(request.user)), "/")
    return redirect(destination)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    """handler404: JSON `{"detail": ...}` under /api/, the 404.html page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: JSON `{"detail": ...}` under /api/, the 500.html page elsewhere.

    An unreachable database (raised outside a view, e.g. saving the session) is a 503 with
    Retry-After, as DatabaseUnavailableMiddleware answers it inside views.
    """
    if is_database_down(sys.exc_info()[1]):
        return database_unavailable(request)
    if _is_api(request):
        return JsonResponse({"detail": _("服务器出错，请稍后再试。")}, status=500)
    return defaults.server_error(request)


class TotpTokenForm(forms.Form):
    token = forms.RegexField(
        label=_("动态验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("请填写 6 位动态验证码。"), "invalid": _("请填写 6 位数字。")},
    )


@never_cache
@login_required
def two_factor_setup(request):
    """Staff who can see ID numbers turn TOTP two-factor on (QR code) or off (issue 18)."""
    if not may_use_two_factor(request.user):
        raise PermissionDenied(_("只有可以查看身份证号码的工作人员需要设置双重验证。"))
    enabled = needs_second_factor(request.user)
    device = None if enabled else totp_device_for_setup(request.user)
    form = TotpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        try:
            if enabled:
                two_factor_disable(user=request.user, token=token)
            else:
                two_factor_enable(request=request, device=device, token=token)
        except ValidationError as error:
            attach_domain_error(form, error)
        else:
            messages.success(request, _("双重验证已关闭。") if enabled else _("双重验证已开启。"))
            return redirect("two-factor")
    context = {"form": form, "enabled": enabled, "title": _("双重验证")}
    if device is not None:
        context |= {"secret": totp_secret(device), "qr_data_uri": totp_qr_data_uri(device)}
    return render(request, "registration/two_factor.html", context, status=400 if form.errors else 200)


ELDER_COOKIE_SECONDS = 365 * 24 * 3600

# The two display preferences (the language and 适老化 mode) take no CSRF token: all a
# forged request can do is change a preference of the visitor's own browser, which the
# visitor changes back with one tap; it reaches no account and no record. Without a token,
# the public pages' header and footer forms are the same bytes for every visitor, so a
# shared page needs no CSRF secret drawn for each first-time visitor (issue 14: a quarter
# of a cached page's time). Forms that file something (an objection, an application, a
# suggestion) keep their token.
language_set = csrf_exempt(set_language)


@csrf_exempt
@require_POST
def elder_mode_set(request):
    """Turn 适老化 mode on or off (《互联网网站适老化通用设计规范》): large text, 7:1 contrast.

    Remembered without an account, in a cookie; the header's button posts here and comes
    back to the page it was on. The shared public-page cache keeps a copy per mode
    (portal.cache), so the page comes back in the mode without any script.
    """
    on = request.POST.get("elder") == "1"
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        ELDER_COOKIE, "1" if on else "0", max_age=ELDER_COOKIE_SECONDS, samesite="Lax", httponly=True
    )
    return response


@login_required
def background_job(request, job):
    """The pending page of a file the worker builds (portal.background): progress, then the download.

    While the file is being built the page answers 202 and refreshes itself every 3 seconds;
    `?download=1` serves the finished file. A job is its starter's alone (others get 404).
    """
    state = background_job_state(job)
    if state is None or state["user_id"] != request.user.pk:
        raise Http404
    if state["state"] == "ready" and request.GET.get("download"):
        response = FileResponse(
            private_storage.open(state["name"], "rb"), as_attachment=True, filename=state["filename"]
        )
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request,
        "portal/background_job.html",
        {**admin_frame_context(request, title=state["title"]), "job": job, "state": state},
        status=200 if state["state"] == "ready" else 202,
    )
