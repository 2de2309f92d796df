from celery import current_app as celery_app
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import NotFound

from .models import Heartbeat, Role
from .rules import user_role


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


def ratelimited(request, exception=None):
    return render(request, "429.html", {"message": _("操作过于频繁,请稍后再试。")}, status=429)


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
    """handler500: JSON `{"detail": ...}` under /api/, the 500.html page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": _("服务器出错,请稍后再试。")}, status=500)
    return defaults.server_error(request)
