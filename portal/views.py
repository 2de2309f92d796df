from celery import current_app as celery_app
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import NotFound

from .admin_frame import admin_frame_context
from .background import background_job_state
from .models import Heartbeat, Role
from .rules import user_role
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


def ratelimited(request, exception=None):
    return render(request, "429.html", {"message": _("操作过于频繁,请稍后再试。")}, status=429)


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
    }.get(user_role(request.user), "/")
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
