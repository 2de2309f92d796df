"""Public pages of the recruitment stage: calls, the application form, status, uploads.

No account is needed. Each view parses input with a form, calls one domain
function and renders; refusals come back as errors next to the fields.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from partners.domain import partner_timeline
from portal.cache import PUBLIC_CACHE_SECONDS, public_cache_context, public_page
from portal.listing import cache_query, lazy_page
from portal.masking import mask_mobile
from portal.pdf import pdf_response
from portal.refusals import refusals_as_messages
from portal.uploads import serve_private_file
from portal.views import ratelimited

from .domain import (
    CALLS_SCOPE,
    application_can_withdraw,
    application_from_status_token,
    application_lookup,
    application_pdf,
    application_stage,
    application_status_token,
    application_submit,
    application_withdraw,
    call_page_scope,
    calls_public,
    calls_public_filtered,
    document_request_from_token,
    document_request_fulfil,
    render_markdown,
)
from .forms import ApplicationForm, CallFilterForm, DocumentUploadForm, StatusLookupForm, WithdrawForm
from .models import ApplicationDocument, BasicCondition
from .rules import can_view_application

# Per client IP. Honest applicants submit once or twice; retries after errors count too.
APPLY_RATE = "10/h"
LOOKUP_RATE = "20/h"


def limited(rate):
    """django-ratelimit per client IP on POST, answering 429 with the portal's page."""

    def decorate(view):
        @ratelimit(key="ip", rate=rate, method="POST", block=False)
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if getattr(request, "limited", False):
                return ratelimited(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


@public_page(scopes=lambda request: [CALLS_SCOPE], params=(*CallFilterForm.base_fields, "page"))
def call_list(request):
    """Published and closed calls, newest first, 50 a page; search, filter by status and place (cached)."""
    form = CallFilterForm(request.GET)
    context = {
        **public_cache_context(CALLS_SCOPE),
        "form": form,
        "page": lazy_page(calls_public_filtered, form, request.GET.get("page")),
        "cache_query": cache_query(request),
    }
    return render(request, "calls/call_list.html", context)


def _public_call(pk):
    call = calls_public().filter(pk=pk).first()
    if call is None:
        raise Http404(_("没有找到该招募公告。"))
    return call


def _seconds_to_next_boundary(call) -> int:
    now = timezone.now()
    upcoming = [(t - now).total_seconds() for t in (call.opens_at, call.closes_at) if t > now]
    return int(max(1, min([PUBLIC_CACHE_SECONDS, *upcoming])))


@public_page(scopes=lambda request, pk: [call_page_scope(pk)])
def call_detail(request, pk):
    call = _public_call(pk)
    seconds = _seconds_to_next_boundary(call)
    response = render(
        request,
        "calls/call_detail.html",
        {
            **public_cache_context(call_page_scope(call.pk)),
            # The apply button appears at the opening and goes at the closing: never cache across them.
            "cache_seconds": seconds,
            "call": call,
            "body_html": render_markdown(call.body),
            "is_open": call.is_open(),
            "conditions": BasicCondition.choices,
        },
    )
    response.public_cache_seconds = seconds
    return response


def _client_ip(request):
    return request.META.get(settings.RATELIMIT_IP_META_KEY) or request.META.get("REMOTE_ADDR")


@never_cache
@require_http_methods(["GET", "POST"])
@limited(APPLY_RATE)
def call_apply(request, pk):
    call = _public_call(pk)
    if not call.is_open():
        return render(
            request, "calls/call_closed.html", {"call": call}, status=403 if request.method == "POST" else 200
        )
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES, call=call)
        if request.POST.get("website"):
            # Honeypot filled in: a robot. Say as little as possible, save nothing.
            return HttpResponseBadRequest(_("提交失败,请刷新页面后重试。"))
        if form.is_valid():
            try:
                application = application_submit(
                    call=call,
                    data=form.submission_data(),
                    files=form.submission_files(),
                    ip=_client_ip(request),
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(
                    request,
                    _("申请已提交,申请编号:%(reference)s。请保存本页链接,凭它随时查询进度。")
                    % {"reference": application.reference},
                )
                return redirect(
                    "calls:application_status_private", token=application_status_token(application)
                )
        status = 400
    else:
        form = ApplicationForm(call=call)
        status = 200
    return render(
        request,
        "calls/call_apply.html",
        {
            "call": call,
            "form": form,
            "files_lost": request.method == "POST" and bool(request.FILES),
        },
        status=status,
    )


def _lookup_reference_key(group, request) -> str:
    """The reference asked about, normalised as application_lookup normalises it."""
    return (request.POST.get("reference") or "").strip().upper()[:30]


def _lookup_reference_rate(group, request) -> str:
    return settings.STATUS_LOOKUP_REFERENCE_RATE


@never_cache
@require_http_methods(["GET", "POST"])
@limited(LOOKUP_RATE)
@ratelimit(
    group="calls.status_lookup.reference",
    key=_lookup_reference_key,
    rate=_lookup_reference_rate,
    method="POST",
    block=False,
)
def application_status_lookup(request):
    """Find one's application by reference and the mobile's last 4 digits (五(一)2).

    Limited per client IP and, so that many addresses cannot share the guessing,
    per reference too (STATUS_LOOKUP_REFERENCE_RATE).
    """
    if getattr(request, "limited", False):
        return ratelimited(request, message=_("该申请编号的查询次数过多,请一小时后再试。"))
    form = StatusLookupForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        application = application_lookup(
            reference=form.cleaned_data["reference"], mobile_last4=form.cleaned_data["mobile_last4"]
        )
        if application is not None:
            return redirect("calls:application_status_private", token=application_status_token(application))
        not_found = True
    return render(
        request,
        "calls/application_status_lookup.html",
        {"form": form, "not_found": not_found},
        status=200 if request.method == "GET" or (form.is_valid() and not not_found) else 400,
    )


def _by_token(token):
    application = application_from_status_token(token)
    if application is None:
        raise Http404(_("链接无效。请使用申请编号和手机号后4位查询。"))
    return application


@never_cache
def application_status_private(request, token):
    application = _by_token(token)
    return render(
        request,
        "calls/status_detail.html",
        {
            "application": application,
            "stage": application_stage(application),
            "timeline": partner_timeline(application.partner),
            "status": application.partner.get_status_display(),
            "mobile_masked": mask_mobile(application.mobile),
            "documents": application.documents.all(),
            "open_requests": application.document_requests.filter(fulfilled_at__isnull=True),
            "can_withdraw": application_can_withdraw(application),
            "withdraw_form": WithdrawForm(),
            "token": token,
            "status_url": request.build_absolute_uri(),
        },
    )


@never_cache
@require_POST
def application_status_withdraw(request, token):
    application = _by_token(token)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        with refusals_as_messages(request) as outcome:
            application_withdraw(application=application, note=form.cleaned_data["note"])
        if not outcome.refused:
            messages.success(request, _("您的申请已撤回。"))
        return redirect("calls:application_status_private", token=token)
    return render(
        request,
        "calls/status_detail.html",
        {
            "application": application,
            "stage": application_stage(application),
            "timeline": partner_timeline(application.partner),
            "status": application.partner.get_status_display(),
            "mobile_masked": mask_mobile(application.mobile),
            "documents": application.documents.all(),
            "open_requests": application.document_requests.filter(fulfilled_at__isnull=True),
            "can_withdraw": application_can_withdraw(application),
            "withdraw_form": form,
            "token": token,
        },
        status=400,
    )


@never_cache
def application_status_pdf(request, token):
    application = _by_token(token)
    return pdf_response(application_pdf(application), f"项目申请表-{application.reference}.pdf")


@never_cache
@require_http_methods(["GET", "POST"])
@limited(APPLY_RATE)
def application_document_upload(request, token):
    document_request = document_request_from_token(token)
    if document_request is None:
        raise Http404(_("链接无效。"))
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                document_request_fulfil(document_request=document_request, files=form.cleaned_data["files"])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("files", message)
            else:
                messages.success(request, _("材料已上传,感谢配合。"))
                return redirect(
                    "calls:application_status_private",
                    token=application_status_token(document_request.application),
                )
        status = 400
    return render(
        request,
        "calls/application_document_upload.html",
        {"form": form, "document_request": document_request, "application": document_request.application},
        status=status,
    )


@login_required
def application_document_download(request, pk):
    """Staff only, in scope: documents hold ID cards and licences."""
    document = get_object_or_404(ApplicationDocument.objects.select_related("application__community"), pk=pk)
    if not can_view_application.test(request.user, document.application):
        raise Http404
    return serve_private_file(
        document.file, filename=document.original_name, inline=request.GET.get("inline") == "1"
    )
