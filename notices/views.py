"""The residents' side: notice board, objections, partner directory (rulebook 五(二)3, 六).

Public pages never show personal data: individuals' names are masked, no
phone numbers, ID numbers, addresses below the community or documents.
List pages render their content inside a `{% cache %}` fragment keyed on
the public cache version, so a cache hit costs no queries; the version is
bumped whenever a notice, its list or a partner's status changes.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from calls.domain import CALLS_SCOPE
from calls.models import CallStatus, RecruitmentCall
from portal.cache import PUBLIC_CACHE_SECONDS, public_cache_context, public_cache_version, public_page
from portal.exceptions import ActionRefused
from portal.forms import attach_domain_error
from portal.listing import PublicFilterForm, cache_query, lazy_page
from portal.refusals import refusals_as_messages
from portal.uploads import serve_private_file, validate_upload
from portal.views import ratelimited

from .domain import (
    NOTICES_SCOPE,
    OBJECTION_STATUS_PUBLIC,
    filing_receipt_acknowledge,
    filing_receipt_return,
    notice_page_scope,
    objection_file,
    objection_lookup,
    public_notices,
    public_notices_filtered,
)
from .feeds import NoticeFeed
from .models import FilingReceiptStatus, NoticeEntry, NoticeStatus
from .rules import can_answer_filing, filing_receipts_received_by

RECENTLY_ENDED_DAYS = 30
HOME_LIST_LENGTH = 10  # the home page shows the most urgent few and links to the full lists
MOBILE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


class AccessibleErrorsMixin:
    """Mark invalid inputs for screen readers and tie each to its error and help text."""

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            described = []
            if name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                described.append(f"id_{name}_errors")
            if field.help_text:
                described.append(f"id_{name}_help")
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class ObjectionForm(AccessibleErrorsMixin, forms.Form):
    entry = forms.ModelChoiceField(
        label=_("对哪一位申请人提出异议"), queryset=NoticeEntry.objects.none(), empty_label=_("请选择")
    )
    grounds = forms.CharField(
        label=_("异议事实与理由"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明具体事实，便于调查核实。"),
    )
    evidence = forms.FileField(
        label=_("证明材料（可选）"),
        required=False,
        help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX，不超过 10 MB。"),
    )
    objector_name = forms.CharField(
        label=_("您的姓名"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("仅供工作人员联系核实，不会公开。"),
    )
    objector_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("手机号或座机号，仅供联系核实，不会公开。"),
    )
    # A field people never see: bots fill it in.
    website = forms.CharField(label=_("请勿填写此项"), required=False)

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        self.fields["entry"].queryset = notice.entries.all()
        self.fields["entry"].label_from_instance = lambda e: f"{e.public_name}（{e.project_title}）"

    def clean_objector_phone(self):
        phone = re.sub(r"[\s]", "", self.cleaned_data["objector_phone"])
        if not MOBILE_RE.match(phone):
            raise ValidationError(_("请填写11位手机号或带区号的座机号码。"))
        return phone

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence:
            validate_upload(evidence)
        return evidence


class LookupForm(AccessibleErrorsMixin, forms.Form):
    reference = forms.CharField(label=_("受理编号"), max_length=30)
    phone_last4 = forms.CharField(
        label=_("联系电话后四位"),
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class NoticeFilterForm(PublicFilterForm):
    status = forms.ChoiceField(
        label=_("公示状态"),
        required=False,
        choices=[("", _("全部")), ("current", _("正在公示")), ("ended", _("公示期满"))],
    )


@public_page(scopes=lambda request: [NOTICES_SCOPE, CALLS_SCOPE])
def home(request):
    """The residents' notice board (mobile first): the most urgent few of each list, with links to all."""
    now = timezone.now()
    notices = public_notices().annotate(entry_count=Count("entries"))
    context = {
        **public_cache_context(NOTICES_SCOPE, CALLS_SCOPE),
        "current_notices": notices.filter(status=NoticeStatus.PUBLISHED, ends_at__gt=now).order_by(
            "ends_at", "id"
        )[:HOME_LIST_LENGTH],
        "recent_notices": notices.filter(
            ends_at__lte=now, ends_at__gte=now - dt.timedelta(days=RECENTLY_ENDED_DAYS)
        ).order_by("-ends_at")[:5],
        "open_calls": RecruitmentCall.objects.filter(
            status=CallStatus.PUBLISHED, closes_at__gt=now, opens_at__lte=now
        ).order_by("closes_at", "id")[:HOME_LIST_LENGTH],
    }
    return render(request, "notices/home.html", context)


@public_page(scopes=lambda request: [NOTICES_SCOPE], params=(*NoticeFilterForm.base_fields, "page"))
def notice_list(request):
    """All public notices, newest first, 50 a page; search by title, filter by place and status."""
    form = NoticeFilterForm(request.GET)

    def notices(**filters):
        # A card shows the title, the period and the number of entries: not the body, not the street.
        return (
            public_notices_filtered(**filters)
            .select_related(None)
            .defer("body")
            .annotate(entry_count=Count("entries"))
            .order_by("-starts_at", "-id")
        )

    context = {
        **public_cache_context(NOTICES_SCOPE),
        "form": form,
        "page": lazy_page(notices, form, request.GET.get("page")),
        "cache_query": cache_query(request),
    }
    return render(request, "notices/notice_list.html", context)


def _public_notice_or_404(pk):
    return get_object_or_404(public_notices(), pk=pk)


@public_page(scopes=lambda request, pk: [notice_page_scope(pk)])
def notice_detail(request, pk):
    """The notice and its entries; during the period, the way to object (the form is a page of its own).

    The page has no form that files something, so it is the same bytes for every visitor and
    a shared copy serves it without drawing a CSRF secret per visitor (issue 14).
    """
    notice = _public_notice_or_404(pk)
    context = {
        **public_cache_context(notice_page_scope(notice.pk)),
        # The period text changes at the start and the end: never cache across them.
        "cache_seconds": _seconds_to_next_boundary(notice),
        "notice": notice,
        "entries": notice.entries.all(),
        "in_period": notice.in_period(),
    }
    response = render(request, "notices/notice_detail.html", context)
    response.public_cache_seconds = context["cache_seconds"]
    return response


def _render_objection_form(request, notice, form, status=200):
    context = {"notice": notice, "in_period": notice.in_period(), "form": form, "now": timezone.now()}
    return render(request, "notices/objection_form.html", context, status=status)


def _seconds_to_next_boundary(notice) -> int:
    now = timezone.now()
    upcoming = [(t - now).total_seconds() for t in (notice.starts_at, notice.ends_at) if t > now]
    return int(max(1, min([PUBLIC_CACHE_SECONDS, *upcoming])))


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def objection_create(request, pk):
    """The objection form; filing one during the notice period (anyone may; rate-limited, honeypot).

    Rulebook 五（二）3: the list is put on public notice for at least 5 days, under the
    supervision of residents and the public; 五（三）1: the agreement is signed when no
    objection stands.
    """
    if getattr(request, "limited", False):
        return ratelimited(request)
    notice = _public_notice_or_404(pk)
    if request.method == "GET":
        return _render_objection_form(request, notice, ObjectionForm(notice=notice))
    form = ObjectionForm(request.POST, request.FILES, notice=notice)
    if not form.is_valid():
        return _render_objection_form(request, notice, form, status=400)
    if form.cleaned_data["website"]:
        # A bot: pretend all went well, keep nothing.
        return redirect(reverse("notices:notice_detail", args=[notice.pk]))
    data = form.cleaned_data
    try:
        objection = objection_file(
            notice=notice,
            entry=data["entry"],
            grounds=data["grounds"],
            objector_name=data["objector_name"],
            objector_phone=data["objector_phone"],
            evidence=data["evidence"],
        )
    except ValidationError as error:
        attach_domain_error(form, error)
        return _render_objection_form(request, notice, form, status=400)
    token = signing.dumps(objection.reference, salt="objection-filed")
    return redirect(reverse("notices:objection_filed", args=[token]))


def objection_filed(request, token):
    try:
        reference = signing.loads(token, salt="objection-filed", max_age=24 * 3600)
    except signing.BadSignature:
        raise Http404 from None
    response = render(request, "notices/notice_objection_filed.html", {"reference": reference})
    response["Cache-Control"] = "private, no-store"
    return response


@ratelimit(key="ip", rate="20/h", method="GET", block=False)
def objection_status(request):
    """The objector sees the conclusion with the reference and the phone's last four digits."""
    objection = None
    searched = False
    if "reference" in request.GET:
        if getattr(request, "limited", False):
            return ratelimited(request)
        form = LookupForm(request.GET)
        searched = True
        if form.is_valid():
            objection = objection_lookup(
                reference=form.cleaned_data["reference"], phone_last4=form.cleaned_data["phone_last4"]
            )
    else:
        form = LookupForm()
    context = {
        "form": form,
        "objection": objection,
        "searched": searched,
        "status_text": OBJECTION_STATUS_PUBLIC.get(objection.status) if objection else "",
    }
    response = render(request, "notices/notice_objection_status.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def feed(request):
    """Atom feed of notices, cached with the public pages."""
    key = f"portal:public:{public_cache_version(NOTICES_SCOPE)}:feed:{request.LANGUAGE_CODE}"
    cached = cache.get(key)
    if cached is None:
        response = NoticeFeed()(request)
        cached = (response.content, response["Content-Type"])
        cache.set(key, cached, PUBLIC_CACHE_SECONDS)
    return HttpResponse(cached[0], content_type=cached[1])


# --- Filings received (收到的备案): the recipient organisations' clerks ----------------------


class FilingReturnForm(forms.Form):
    remark = forms.CharField(
        label=_("退回意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写退回意见，说明需要街道补正的内容。")},
        help_text=_("街道将看到此意见，补正后重新报送。"),
    )


def _received_filings(request):
    """The filings sent to the caller's organisations; 403 for an account of none."""
    if not request.user.filing_recipients.exists():
        raise PermissionDenied
    return filing_receipts_received_by(request.user).select_related(
        "notice__street", "recipient", "answered_by"
    )


@login_required
def filing_inbox(request):
    """收到的备案: every filing sent to the recipient organisations this account belongs to (五(二)3)."""
    receipts = _received_filings(request).order_by("status", "-sent_at", "id")
    status = request.GET.get("status", "")
    if status in FilingReceiptStatus.values:
        receipts = receipts.filter(status=status)
    page = Paginator(receipts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/filing_inbox.html",
        {"page": page, "status": status, "statuses": FilingReceiptStatus.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def filing_receipt_detail(request, pk):
    """One filing received: the report, then 签收 or 退回 (with a remark), once."""
    receipt = get_object_or_404(_received_filings(request), pk=pk)
    here = reverse("notices:filing_receipt", args=[receipt.pk])
    form = FilingReturnForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "acknowledge":
            with refusals_as_messages(request) as outcome:
                filing_receipt_acknowledge(receipt=receipt, by=request.user)
            if not outcome.refused:
                messages.success(request, _("已签收，签收时间已记录。"))
            return redirect(here)
        if action != "return":
            raise Http404
        form = FilingReturnForm(request.POST)
        if form.is_valid():
            # Bad input goes on the form; "already answered" becomes a message.
            with refusals_as_messages(request, catch=(ActionRefused, PermissionDenied)) as outcome:
                try:
                    filing_receipt_return(
                        receipt=receipt, remark=form.cleaned_data["remark"], by=request.user
                    )
                except ValidationError as error:
                    attach_domain_error(form, error)
            if outcome.refused:
                return redirect(here)
            if not form.errors:
                messages.success(request, _("已退回，街道将看到退回意见。"))
                return redirect(here)
    return render(
        request,
        "notices/filing_receipt.html",
        {
            "receipt": receipt,
            "notice": receipt.notice,
            "form": form,
            "can_answer": can_answer_filing.test(request.user, receipt),
        },
        status=400 if form.errors else 200,
    )


@login_required
def filing_receipt_report(request, pk):
    """The filing report exactly as this organisation received it."""
    receipt = get_object_or_404(_received_filings(request), pk=pk)
    return serve_private_file(
        receipt.report, filename=f"公示结果备案报告-{receipt.notice_id}.pdf", inline=True
    )
