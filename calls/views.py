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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from partners.domain import partner_timeline
from portal.cache import PUBLIC_CACHE_SECONDS, public_cache_context, public_page
from portal.forms import attach_domain_error
from portal.listing import cache_query, lazy_page
from portal.masking import mask_mobile
from portal.pdf import pdf_response
from portal.refusals import refusals_as_messages
from portal.uploads import serve_private_file
from portal.views import ratelimited

from .domain import (
    CALLS_SCOPE,
    application_can_withdraw,
    application_draft_attach,
    application_draft_detach,
    application_draft_from_token,
    application_draft_resume,
    application_draft_start,
    application_draft_submit,
    application_draft_update,
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
    draft_expired_message,
    render_markdown,
)
from .forms import (
    APPLICATION_STEPS,
    STEPS_BY_SLUG,
    ApplicationForm,
    ApplicationStepForm,
    CallFilterForm,
    DocumentsStepForm,
    DocumentUploadForm,
    DraftResumeForm,
    StatusLookupForm,
    WithdrawForm,
)
from .models import ApplicationDocument, BasicCondition
from .rules import can_view_application

# Per client IP. Honest applicants submit once or twice; retries after errors count too.
APPLY_RATE = "10/h"
LOOKUP_RATE = "20/h"
# The steps after the first: five pages, each maybe sent twice or three times after an error.
DRAFT_RATE = "60/h"


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
    """The application's first step (申请人); its valid POST starts the server-side draft.

    A POST without `step` is the one-page form of before (every field and file at once),
    kept for clients that send it; it submits directly.
    """
    call = _public_call(pk)
    if not call.is_open():
        return render(
            request, "calls/call_closed.html", {"call": call}, status=403 if request.method == "POST" else 200
        )
    if request.method == "POST" and "step" not in request.POST:
        return _call_apply_one_page(request, call)
    step = APPLICATION_STEPS[0]
    posted = request.POST if request.method == "POST" else None
    form = ApplicationStepForm(call=call, step=step, saved={}, posted=posted)
    if posted is not None:
        if posted.get("website"):
            # Honeypot filled in: a robot. Say as little as possible, save nothing.
            return HttpResponseBadRequest(_("提交失败，请刷新页面后重试。"))
        if form.is_valid():
            try:
                draft = application_draft_start(
                    call=call, data=form.step_values(), step=step.slug, phone=form.cleaned_data["mobile"]
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                return redirect(
                    "calls:application_draft_step", token=draft.token, step=APPLICATION_STEPS[1].slug
                )
    return _render_step(request, call=call, draft=None, step=step, form=form)


def _step_urls(draft):
    """slug → the step's address on this draft ("" before the draft exists: the first step only)."""

    def url(slug):
        if draft is None:
            return ""
        return reverse("calls:application_draft_step", kwargs={"token": draft.token, "step": slug})

    return url


def _render_step(request, *, call, draft, step, form):
    index = APPLICATION_STEPS.index(step)
    step_url = _step_urls(draft)
    steps = [
        {
            "number": i + 1,
            "label": s.label,
            "current": s is step,
            # A step already passed can be revisited; later ones are reached with 下一步.
            "href": step_url(s.slug) if draft is not None and i < index else "",
        }
        for i, s in enumerate(APPLICATION_STEPS)
    ]
    previous = step_url(APPLICATION_STEPS[index - 1].slug) if index > 0 else ""
    error_items = form.error_items(step_url) if form.errors else []
    context = {
        "call": call,
        "draft": draft,
        "step": step,
        "steps": steps,
        "step_number": index + 1,
        "step_count": len(APPLICATION_STEPS),
        "previous_url": previous,
        "form": form,
        "error_items": error_items,
        "resume_url": (
            request.build_absolute_uri(reverse("calls:application_draft_step", args=[draft.token, step.slug]))
            if draft is not None
            else ""
        ),
    }
    if step.slug == "confirm":
        context["summary"] = form.summary()
        context["attachments"] = list(draft.attachments.all())
    status = 400 if request.method == "POST" and (error_items or form.errors) else 200
    return render(request, "calls/apply_step.html", context, status=status)


def _draft_or_gone(request, token):
    draft = application_draft_from_token(token)
    if draft is None:
        raise Http404(_("没有找到该申请草稿。它可能已经提交或已被删除。"))
    if draft.is_expired():
        return draft, render(
            request, "calls/draft_expired.html", {"message": draft_expired_message(draft)}, status=410
        )
    if not draft.call.is_open():
        return draft, render(
            request,
            "calls/call_closed.html",
            {"call": draft.call, "draft": draft},
            status=403 if request.method == "POST" else 200,
        )
    return draft, None


@never_cache
@require_http_methods(["GET", "POST"])
@limited(DRAFT_RATE)
def application_draft_step(request, token, step):
    """A later step of the application, on the draft behind the private link (issue 19).

    下一步 validates the step with the ApplicationForm's own fields and keeps the cleaned values;
    the last step re-validates everything and submits through application_submit (五(一)2).
    """
    step = STEPS_BY_SLUG.get(step)
    if step is None:
        raise Http404(_("没有这一步。"))
    draft, refused = _draft_or_gone(request, token)
    if refused is not None:
        return refused
    if step.slug == "documents":
        return _documents_step(request, draft=draft, step=step)
    posted = request.POST if request.method == "POST" else None
    attachments = list(draft.attachments.all())
    form = ApplicationStepForm(
        call=draft.call, step=step, saved=draft.data, posted=posted, attachments=attachments
    )
    if posted is not None and _going_back(posted, step):
        form.is_valid()
        application_draft_update(draft=draft, data=form.valid_step_values(), step=draft.step)
        return _previous_step(draft, step)
    if posted is not None and form.is_valid():
        if step.slug == "confirm":
            try:
                application = application_draft_submit(
                    draft=draft, data=form.submission_data(), ip=_client_ip(request)
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(
                    request,
                    _("申请已提交，申请编号：%(reference)s。请保存本页链接，凭它随时查询进度。")
                    % {"reference": application.reference},
                )
                return redirect(
                    "calls:application_status_private", token=application_status_token(application)
                )
        else:
            phone = form.cleaned_data["mobile"] if step.slug == "applicant" else None
            application_draft_update(draft=draft, data=form.step_values(), step=step.slug, phone=phone)
            following = APPLICATION_STEPS[APPLICATION_STEPS.index(step) + 1]
            return redirect("calls:application_draft_step", token=draft.token, step=following.slug)
    return _render_step(request, call=draft.call, draft=draft, step=step, form=form)


def _going_back(posted, step) -> bool:
    """上一步 was pressed (a submit button, so what was typed on this step is kept)."""
    return posted.get("go") == "back" and APPLICATION_STEPS.index(step) > 0


def _previous_step(draft, step):
    previous = APPLICATION_STEPS[APPLICATION_STEPS.index(step) - 1]
    return redirect("calls:application_draft_step", token=draft.token, step=previous.slug)


def _documents_step(request, *, draft, step):
    """材料: each accepted file is kept at once, so an error in another field never asks for it again."""
    call = draft.call
    if request.method == "POST" and request.POST.get("remove"):
        try:
            attachment_id = int(request.POST["remove"])
        except ValueError:
            return HttpResponseBadRequest(_("请求有误。"))
        application_draft_detach(draft=draft, attachment_id=attachment_id)
        return redirect("calls:application_draft_step", token=draft.token, step=step.slug)
    attachments = list(draft.attachments.all())
    if request.method == "POST":
        form = DocumentsStepForm(request.POST, request.FILES, call=call, attachments=attachments)
        form.is_valid()
        for kind, uploads in form.uploads().items():
            if uploads:
                try:
                    application_draft_attach(draft=draft, kind=kind, uploads=uploads)
                except ValidationError as exc:
                    attach_domain_error(form, exc)
        form.keep(list(draft.attachments.all()))
        if _going_back(request.POST, step) and not form.errors:  # files accepted above are kept
            return _previous_step(draft, step)
        form.check_required()
        if not form.errors:
            return redirect("calls:application_draft_step", token=draft.token, step="confirm")
    else:
        form = DocumentsStepForm(call=call, attachments=attachments)
    return _render_step(request, call=call, draft=draft, step=step, form=form)


@never_cache
@require_http_methods(["GET", "POST"])
@limited(LOOKUP_RATE)
def application_draft_resume_page(request):
    """继续填写: the draft's reference and the mobile number given in its first step lead back to it."""
    form = DraftResumeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = application_draft_resume(
                reference=form.cleaned_data["reference"], phone=form.cleaned_data["phone"]
            )
        except ValidationError as exc:
            attach_domain_error(form, exc)
        else:
            return redirect("calls:application_draft_step", token=draft.token, step=_resume_step(draft))
    return render(request, "calls/draft_resume.html", {"form": form}, status=400 if form.errors else 200)


def _resume_step(draft) -> str:
    """The step after the last one passed."""
    done = [s.slug for s in APPLICATION_STEPS].index(draft.step) if draft.step in STEPS_BY_SLUG else -1
    return APPLICATION_STEPS[min(done + 1, len(APPLICATION_STEPS) - 1)].slug


def _call_apply_one_page(request, call):
    form = ApplicationForm(request.POST, request.FILES, call=call)
    if request.POST.get("website"):
        # Honeypot filled in: a robot. Say as little as possible, save nothing.
        return HttpResponseBadRequest(_("提交失败，请刷新页面后重试。"))
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
                _("申请已提交，申请编号：%(reference)s。请保存本页链接，凭它随时查询进度。")
                % {"reference": application.reference},
            )
            return redirect("calls:application_status_private", token=application_status_token(application))
    return render(
        request,
        "calls/call_apply.html",
        {"call": call, "form": form, "files_lost": bool(request.FILES)},
        status=400,
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
        return ratelimited(request, message=_("该申请编号的查询次数过多，请一小时后再试。"))
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
                messages.success(request, _("材料已上传，感谢配合。"))
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
