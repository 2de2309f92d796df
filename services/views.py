"""Pages of partners (their logs), observers, residents (suggestion box) and staff.

Views only collect input, check permissions with the named rules and call
domain or read functions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit
from openpyxl import Workbook

from agreements.models import Agreement, AgreementStatus
from partners.models import SERVING, Partner
from partners.public import directory_partners, directory_scope, partner_page_scope
from portal.admin_frame import admin_frame_context
from portal.background import background_job_start, background_job_url
from portal.cache import public_cache_context, public_page
from portal.choices import ServiceCategory
from portal.dates import local_today
from portal.ledgers import ledger_title
from portal.listing import cache_query, lazy_page, raw_scope_ids
from portal.models import Community, District, Role, Street
from portal.pdf import pdf_response
from portal.public_panels import partner_public_panels
from portal.refusals import refusals_as_messages
from portal.rules import has_several_streets, is_district_staff, scope_queryset, user_role
from portal.uploads import private_storage, serve_private_file
from portal.views import ratelimited
from portal.xlsx import rows_to_xlsx, sheet_title, xlsx_response
from spaces.calendar import partner_week
from spaces.domain import spaces_used_by

from . import domain
from . import rules as perms
from .dossier import dossier_context, dossier_file_request
from .dossier import dossier_logs as dossier_logs_query
from .forms import (
    ComparisonFilterForm,
    DashboardFilterForm,
    DirectoryFilterForm,
    FeedbackForm,
    InspectionPackForm,
    ObservationForm,
    ServiceLogForm,
)
from .inspection import inspection_title
from .models import (
    Observation,
    ObservationPhoto,
    PartnerAccount,
    ServiceLog,
    ServiceLogFile,
)
from .panels import dashboard_panels
from .posters import partner_plaque_pdf
from .progress import (
    agreement_progress,
    current_agreements,
    pace_warning_share,
    progress_charts,
    progress_ranking,
    term_periods,
)
from .public import public_commendations, public_feedback, public_summary
from .stats import (
    LOG_EXPORT_HEADERS,
    comparison_streets,
    comparison_xlsx_rows,
    dashboard_figures,
    log_export_rows,
    month_logs,
    month_sheet_pdf,
    street_comparison,
)


def _partner_account(request) -> PartnerAccount | None:
    try:
        return request.user.partner_account
    except (PartnerAccount.DoesNotExist, AttributeError):
        return None


def _form_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Partner pages: service logs ---------------------------------------------


@login_required
def log_list(request):
    """The partner's own logs, newest first; staff are sent to the admin list."""
    account = _partner_account(request)
    if account is None:
        if perms.is_staff_member(request.user):
            return redirect("admin:services_servicelog_changelist")
        raise PermissionDenied
    logs = (
        ServiceLog.objects.filter(partner_id=account.partner_id)
        .select_related("space")
        .annotate(file_count=Count("files"))
    )
    return render(
        request, "services/log_list.html", {"account": account, "partner": account.partner, "logs": logs}
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_create(request):
    account = _partner_account(request)
    if account is None:
        raise PermissionDenied
    partner = account.partner
    if account.read_only:
        messages.error(request, _("合伙人已退出，账号只能查看，不能再填报。"))
        return redirect("services:log_list")
    form = ServiceLogForm(request.POST or None, request.FILES or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            log = domain.servicelog_create(
                partner=partner, data=form.domain_data(), files=form.files_by_kind(), by=request.user
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("服务记录已提交，等待社区核实。"))
            for warning in log.warnings:
                messages.warning(request, warning)
            return redirect("services:log_detail", pk=log.pk)
    return render(request, "services/log_form.html", {"form": form, "partner": partner})


def _own_log(request, pk) -> ServiceLog:
    log = get_object_or_404(
        ServiceLog.objects.select_related("partner__application", "space", "partner__community"), pk=pk
    )
    if not perms.can_view_partner_records.test(request.user, log):
        raise Http404  # never confirm another partner's records exist
    return log


@login_required
def log_detail(request, pk):
    log = _own_log(request, pk)
    return render(
        request,
        "services/log_detail.html",
        {"log": log, "files": log.files.all(), "can_edit": perms.can_write_own_log.test(request.user, log)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_edit(request, pk):
    log = _own_log(request, pk)
    if not perms.can_write_own_log.test(request.user, log):
        raise PermissionDenied
    form = ServiceLogForm(
        request.POST or None,
        request.FILES or None,
        instance=log,
        partner=log.partner,
        initial={"special_groups": log.special_groups},
    )
    if request.method == "POST" and form.is_valid():
        try:
            log = domain.servicelog_update(
                log=ServiceLog.objects.get(pk=log.pk),
                data=form.domain_data(),
                files=form.files_by_kind(),
                by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("修改已提交，等待社区核实。"))
            return redirect("services:log_detail", pk=log.pk)
    return render(request, "services/log_form.html", {"form": form, "partner": log.partner, "log": log})


@login_required
def log_file(request, pk):
    record = get_object_or_404(ServiceLogFile.objects.select_related("log__partner__community"), pk=pk)
    if not perms.can_view_partner_records.test(request.user, record.log):
        raise Http404
    thumb = request.GET.get("thumb") and record.thumbnail
    return serve_private_file(
        record.thumbnail if thumb else record.file,
        filename=None if thumb else record.original_name,
        inline=True,
    )


@login_required
def observation_photo(request, pk):
    photo = get_object_or_404(
        ObservationPhoto.objects.select_related("observation__partner__community", "observation__observer"),
        pk=pk,
    )
    own = getattr(getattr(request.user, "observer", None), "pk", None) == photo.observation.observer_id
    if not (own or perms.can_manage_in_scope.test(request.user, photo.observation)):
        raise Http404
    thumb = request.GET.get("thumb") and photo.thumbnail
    return serve_private_file(
        photo.thumbnail if thumb else photo.file, filename=None if thumb else photo.original_name, inline=True
    )


def _may_export(user, partner) -> bool:
    return perms.can_view_partner_records.test(user, partner)


@login_required
def log_export(request, partner_pk, year, month, fmt):
    """The monthly 公益服务记录表 of one partner, as XLSX or PDF."""
    partner = get_object_or_404(Partner.objects.select_related("application", "community"), pk=partner_pk)
    if not _may_export(request.user, partner):
        raise Http404
    if not 1 <= month <= 12 or fmt not in ("xlsx", "pdf"):
        raise Http404
    logs = list(month_logs(partner, year, month))
    filename = f"公益服务记录表-{partner.name}-{year}{month:02d}"
    if fmt == "xlsx":
        return xlsx_response(
            rows_to_xlsx(LOG_EXPORT_HEADERS, log_export_rows(logs), title=f"{year}-{month:02d}"),
            filename + ".xlsx",
        )
    pdf = month_sheet_pdf(partner, year, month)
    return pdf_response(pdf, filename + ".pdf")


# --- Progress against targets --------------------------------------------------


@login_required
def progress_index(request):
    """Partners: their current agreement. Staff: every partner in scope, ranked by fulfilment."""
    account = _partner_account(request)
    if account is not None:
        agreements = Agreement.objects.filter(
            partner_id=account.partner_id, status=AgreementStatus.SIGNED
        ).order_by("-start_date")
        first = agreements.first()
        if first is None:
            return render(request, "services/progress_none.html", {"partner": account.partner})
        return redirect("services:progress_detail", pk=first.pk)
    if not perms.is_staff_reader(request.user):
        raise PermissionDenied
    ranking = progress_ranking(scope_queryset(request.user, current_agreements(), "community"))
    return render(
        request,
        "services/progress_ranking.html",
        {"ranking": ranking, "warning_share": int(pace_warning_share() * 100)},
    )


@login_required
def progress_detail(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.select_related("partner__application", "community").prefetch_related("targets"),
        pk=pk,
        status=AgreementStatus.SIGNED,
    )
    if not perms.can_view_partner_records.test(request.user, agreement):
        raise Http404
    progress = agreement_progress(agreement)
    today = progress.today
    months = [p for p in term_periods(agreement.start_date, agreement.end_date, "month") if p.start <= today]
    return render(
        request,
        "services/progress_detail.html",
        {
            "export_months": list(reversed(months)),
            "progress": progress,
            "agreement": agreement,
            "partner": agreement.partner,
            "charts": progress_charts(progress),
            "warning_share": int(pace_warning_share() * 100),
        },
    )


# --- The suggestion box (public) ------------------------------------------------


@ratelimit(key="ip", rate="5/h", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def feedback_public(request, partner_pk):
    """The suggestion box (居民意见箱): anyone may write; nothing shows before moderation."""
    partner = get_object_or_404(
        Partner.objects.select_related("application", "community"), pk=partner_pk, status__in=SERVING
    )
    if getattr(request, "limited", False):
        return ratelimited(request)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            # A bot filled the hidden field: pretend success, keep nothing.
            return redirect(reverse("services:feedback_public", args=[partner.pk]) + "?thanks=1")
        try:
            domain.feedback_submit(
                partner=partner,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                contact=form.cleaned_data["contact"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect(reverse("services:feedback_public", args=[partner.pk]) + "?thanks=1")
    avg, count = domain.satisfaction(partner)
    commendations = public_commendations(partner)
    return render(
        request,
        "services/feedback_public.html",
        {
            "partner": partner,
            "form": form,
            "thanks": request.GET.get("thanks") == "1",
            "feedback": public_feedback(partner),
            "avg": avg,
            "count": count,
            "commendations": commendations,
        },
    )


@login_required
def partner_feedback(request):
    """The partner reads the approved notes about itself (no contact details)."""
    account = _partner_account(request)
    if account is None:
        raise PermissionDenied
    avg, count = domain.satisfaction(account.partner)
    return render(
        request,
        "services/partner_feedback.html",
        {
            "partner": account.partner,
            "feedback": public_feedback(account.partner),
            "avg": avg,
            "count": count,
        },
    )


# --- Observers ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def observation_create(request):
    observer = getattr(request.user, "observer", None)
    if observer is None or not observer.active or not perms.is_observer(request.user):
        raise PermissionDenied
    partners = Partner.objects.filter(community_id=observer.community_id, status__in=SERVING).select_related(
        "application"
    )
    form = ObservationForm(request.POST or None, request.FILES or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            domain.observation_record(
                partner=data["partner"],
                date=data["date"],
                seen=data["seen"],
                punctuality=data["punctuality"],
                quality=data["quality"],
                safety=data["safety"],
                attitude=data["attitude"],
                photos=data["photos"],
                by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("观察记录已保存。"))
            return redirect("services:observation_list")
    return render(request, "services/observation_form.html", {"form": form})


@login_required
def observation_list(request):
    observer = getattr(request.user, "observer", None)
    if observer is None:
        raise PermissionDenied
    observations = (
        Observation.objects.filter(observer=observer)
        .select_related("partner__application")
        .prefetch_related("photos")
    )
    return render(request, "services/observation_list.html", {"observations": observations})


# --- Dossier (项目档案) ------------------------------------------------------------


DOSSIER_LOGS_PER_PAGE = 50


def _dossier_partner(request, pk) -> Partner:
    partner = get_object_or_404(Partner.objects.select_related("application", "community"), pk=pk)
    if not perms.can_view_dossier.test(request.user, partner):
        raise Http404
    return partner


@login_required
def dossier(request, pk):
    partner = _dossier_partner(request, pk)
    context = dossier_context(partner)
    context["logs_page"] = Paginator(dossier_logs_query(partner), DOSSIER_LOGS_PER_PAGE).get_page(
        request.GET.get("logs_page")
    )
    return render(request, "services/dossier.html", context)


@login_required
def dossier_logs(request, pk):
    """The dossier's full list of service logs, 50 a page, with the XLSX appendix."""
    partner = _dossier_partner(request, pk)
    page = Paginator(dossier_logs_query(partner), DOSSIER_LOGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "services/dossier_logs.html", {"partner": partner, "page": page})


# What each dossier file built by the worker is called, on the pending page and as a download.
_DOSSIER_FILES = {
    "pdf": (gettext_lazy("项目档案 PDF"), "application/pdf", "项目档案-{name}.pdf"),
    "zip": (gettext_lazy("项目档案 ZIP 归档"), "application/zip", "项目档案-{name}.zip"),
    "xlsx": (
        gettext_lazy("公益服务记录明细 XLSX"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "公益服务记录明细-{name}.xlsx",
    ),
}


def _dossier_file(request, pk, kind: str):
    """The dossier file built by the worker; while it is being built, a page that refreshes (202)."""
    partner = _dossier_partner(request, pk)
    what, content_type, filename = _DOSSIER_FILES[kind]
    name, progress = dossier_file_request(partner, kind)
    if name is None:
        return TemplateResponse(
            request,
            "services/dossier_pdf_pending.html",
            {"partner": partner, "progress": progress, "what": what},
            status=202,
        )
    response = FileResponse(
        private_storage.open(name, "rb"),
        as_attachment=kind != "pdf",
        filename=filename.format(name=partner.name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def dossier_logs_xlsx(request, pk):
    """公益服务记录明细: every log of the partner as XLSX, built by the worker."""
    return _dossier_file(request, pk, "xlsx")


@login_required
def dossier_pdf(request, pk):
    """The dossier PDF, rendered by the worker."""
    return _dossier_file(request, pk, "pdf")


@login_required
def dossier_zip(request, pk):
    """The archival copy of the dossier: its PDF, every document by stage, and an index (目录.xlsx)."""
    return _dossier_file(request, pk, "zip")


# --- Statistics dashboard -----------------------------------------------------------


def _dashboard_input(request):
    communities = scope_queryset(request.user, Community.objects.all(), "")
    # The superuser and district or city staff span several streets: those below them.
    streets = (
        comparison_streets(request.user).order_by("name")
        if has_several_streets(request.user)
        else Street.objects.none()
    )
    form = DashboardFilterForm(request.GET or None, streets=streets, communities=communities)
    filters = {"street": None, "community": None, "start": None, "end": None}
    if form.is_bound and form.is_valid():
        filters.update({k: v for k, v in form.cleaned_data.items() if v})
    elif has_several_streets(request.user) and ("street" in form.errors or "community" in form.errors):
        # A drill-down link from the comparison to a street or community outside the user's
        # district or city (street and community staff see the field's error instead).
        raise Http404
    return form, filters


def _drill_query(request, **scope) -> str:
    """The current period with another scope: the link from a row to its street or community."""
    query = request.GET.copy()
    for key in ("street", "community", "page"):
        query.pop(key, None)
    query.update({k: v for k, v in scope.items() if v})
    return query.urlencode()


DASHBOARD_ROWS_PER_PAGE = 50


def _months(monthly: list[dict], start, end) -> list[dict]:
    """Every month of the period, those without verified logs as zero (issue 16).

    The period runs from the chosen start (else the first month with data) to the chosen
    end (else this month); at most DASHBOARD_MONTHS months, the latest ones.
    """
    by_month = {m["month"]: m for m in monthly}
    first = start or (dt.date.fromisoformat(monthly[0]["month"] + "-01") if monthly else None)
    if first is None:
        return []
    last = end or local_today()
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        key = f"{year}-{month:02d}"
        months.append(by_month.get(key, {"month": key, "hours": 0, "residents": 0, "events": 0}))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[-DASHBOARD_MONTHS:]


DASHBOARD_MONTHS = 120


def _dashboard_filters_text(filters) -> list[str]:
    parts = []
    if filters["community"]:
        parts.append(_("社区：%(name)s") % {"name": filters["community"].name})
    return parts


@login_required
def dashboard(request):
    """Figures of the city (one row per street), a street (one row per community) or a community.

    Read from summary rows, so the page costs the same at any size (issue 14).
    """
    if not perms.can_view_dashboard.test(request.user):
        raise PermissionDenied
    form, filters = _dashboard_input(request)
    figures = dashboard_figures(user=request.user, **filters)
    panels = dashboard_panels(user=request.user, figures=figures, start=filters["start"], end=filters["end"])
    months = _months(figures["monthly"], filters["start"], filters["end"])
    chart = {
        "labels": [m["month"] for m in months],
        "hours": [float(m["hours"]) for m in months],
        "residents": [m["residents"] for m in months],
        "x_title": _("月份"),
        "hours_title": _("服务时数（小时）"),
        "residents_title": _("服务人次"),
    }
    page = Paginator(figures["units"], DASHBOARD_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "unit": unit,
            # Plain strings: the template's number localisation cost ~0.1 ms a cell (1,200 cells city-wide).
            "counts": [str(unit.partners.get(v, 0)) for v, _l in figures["stages"]],
            "cells": [
                str(value)
                for value in (
                    unit.hours,
                    unit.residents,
                    unit.events,
                    unit.spaces_in_use,
                    unit.spaces_idle,
                    unit.needs_covered,
                    unit.needs_total,
                    "—" if unit.rating_avg is None else unit.rating_avg,
                    unit.feedback_count,
                )
            ],
            "query": _drill_query(request, street=unit.street_id, community=unit.community_id)
            if figures["level"] != "community"
            else "",
        }
        for unit in page
    ]
    crumbs = []  # the levels above the one shown, as links
    if has_several_streets(request.user) and figures["level"] != "city":
        crumbs.append((_("全部街道"), _drill_query(request)))
    if figures["level"] == "community" and (
        has_several_streets(request.user) or user_role(request.user) == Role.STREET_STAFF
    ):
        crumbs.append((figures["street"].name, _drill_query(request, street=figures["street"].pk)))
    return render(
        request,
        "services/dashboard.html",
        {
            **admin_frame_context(request, title=_("服务统计")),
            "form": form,
            "figures": figures,
            "months": months,
            "chart": chart,
            "page": page,
            "rows": rows,
            "crumbs": crumbs,
            "query": request.GET.urlencode(),
            "panels": panels,
        },
    )


def _comparison_input(request):
    """The user's districts, the form and the filters; 404 for a district outside the scope."""
    if not perms.can_compare_streets.test(request.user):
        raise PermissionDenied
    districts = District.objects.filter(
        pk__in=comparison_streets(request.user).filter(district__isnull=False).values("district_id")
    ).order_by("name")
    form = ComparisonFilterForm(request.GET or None, districts=districts)
    filters = {"district": None, "start": None, "end": None}
    if form.is_bound:
        if not form.is_valid() and "district" in form.errors:
            raise Http404
        if form.is_valid():
            filters.update({k: v for k, v in form.cleaned_data.items() if v})
    return form, filters


@login_required
def comparison(request):
    """各街道对比: the streets below a district or city (issue 15), with drill-down links.

    A row links to its district (city staff) and to the street's dashboard,
    which lists the street's communities and links on to each community.
    """
    form, filters = _comparison_input(request)
    figures = street_comparison(user=request.user, **filters)
    page = Paginator(figures["rows"], DASHBOARD_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    period = {"start": figures["start"].strftime("%Y-%m"), "end": figures["end"].strftime("%Y-%m")}
    rows = []
    for r in page:
        rows.append(
            {
                "row": r,
                "counts": [str(r.partners.get(v, 0)) for v, _l in figures["stages"]],
                "services": [
                    (str(r.hours), _target_cell(r, "hours")),
                    (str(r.residents), _target_cell(r, "residents")),
                    (str(r.events), _target_cell(r, "events")),
                ],
                "street_query": urlencode({"street": r.street_id, **period}),
                "district_query": urlencode({"district": r.district_id, **period}) if r.district_id else "",
            }
        )
    crumbs = []
    if figures["district"] is not None and not is_district_staff.test(request.user):
        crumbs.append((_("全部区县"), urlencode(period)))
    return render(
        request,
        "services/comparison.html",
        {
            "form": form,
            "figures": figures,
            "page": page,
            "rows": rows,
            "crumbs": crumbs,
            "query": request.GET.urlencode(),
        },
    )


def _target_cell(row, metric: str) -> str:
    target = row.targets.get(metric)
    if not target:
        return "—"
    return f"{target}（{row.share(metric)}%）"


@login_required
def comparison_xlsx(request):
    """The comparison table as a spreadsheet (台账), same scope and period as the page."""
    _form, filters = _comparison_input(request)
    figures = street_comparison(user=request.user, **filters)
    headers, rows = comparison_xlsx_rows(figures)
    data = rows_to_xlsx(headers, rows, title=_("各街道对比"))
    stamp = f"{figures['start']:%Y%m}-{figures['end']:%Y%m}"
    return xlsx_response(data, f"各街道对比-{stamp}.xlsx")


@login_required
def dashboard_xlsx(request):
    """The dashboard's figures as XLSX: one sheet per table, each with a title row naming the filters."""
    if not perms.can_view_dashboard.test(request.user):
        raise PermissionDenied
    _form, filters = _dashboard_input(request)
    figures = dashboard_figures(user=request.user, **filters)
    months = _months(figures["monthly"], filters["start"], filters["end"])
    sheets = [
        (
            _("每月服务"),
            [_("月份"), _("服务时数"), _("服务人次"), _("活动场次")],
            [[m["month"], _number(m["hours"]), m["residents"], m["events"]] for m in months],
        ),
        (
            _("各阶段合伙人"),
            [_("社区"), *[str(label) for _v, label in figures["stages"]]],
            [[name, *counts] for name, counts in figures["stage_rows"]]
            + [[_("合计"), *figures["stage_totals"]]],
        ),
        (
            _("空间与满意度"),
            [_("空间总数"), _("使用中"), _("闲置"), _("平均满意度"), _("意见条数")],
            [
                [
                    figures["spaces"]["total"],
                    figures["spaces"]["in_use"],
                    figures["spaces"]["idle"],
                    _number(figures["satisfaction"]["avg"]),
                    figures["satisfaction"]["n"],
                ]
            ],
        ),
        (
            _("居民需求"),
            [_("覆盖情况"), _("条数")],
            [[str(label), n] for label, n in figures["needs"]["rows"]],
        ),
    ]
    # The other programmes' tables (services.panels), as on the page: one sheet each.
    panels = dashboard_panels(user=request.user, figures=figures, start=filters["start"], end=filters["end"])
    sheets += [(str(p.title), [str(h) for h in p.headers], p.rows) for p in panels if p.rows]
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for name, headers, rows in sheets:
        sheet = workbook.create_sheet(sheet_title(name, taken))
        sheet.append(
            [
                ledger_title(
                    _("服务统计·%(name)s") % {"name": name},
                    filters=_dashboard_filters_text(filters),
                    start=filters["start"],
                    end=filters["end"],
                )
            ]
        )
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return xlsx_response(out.getvalue(), f"服务统计-{local_today():%Y%m%d}.xlsx")


def _number(value):
    """72.0000 → 72, 4.50 → 4.5, None → empty."""
    if value is None:
        return None
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


@login_required
def dashboard_csv(request):
    if not perms.can_view_dashboard.test(request.user):
        raise PermissionDenied
    _form, filters = _dashboard_input(request)
    figures = dashboard_figures(user=request.user, **filters)
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(out)
    writer.writerow([_("月份"), _("服务时数"), _("服务人次"), _("活动场次")])
    for row in figures["monthly"]:
        writer.writerow([row["month"], row["hours"], row["residents"], row["events"]])
    writer.writerow([])
    writer.writerow(
        [_("街道") if figures["level"] == "city" else _("社区"), *[label for _v, label in figures["stages"]]]
    )
    for name, counts in figures["stage_rows"]:
        writer.writerow([name, *counts])
    writer.writerow([])
    writer.writerow([_("空间总数"), _("使用中"), _("闲置"), _("平均满意度"), _("意见条数")])
    writer.writerow(
        [
            figures["spaces"]["total"],
            figures["spaces"]["in_use"],
            figures["spaces"]["idle"],
            figures["satisfaction"]["avg"] or "",
            figures["satisfaction"]["n"],
        ]
    )
    writer.writerow([])
    writer.writerow(
        [
            _("街道") if figures["level"] == "city" else _("社区"),
            _("服务时数"),
            _("服务人次"),
            _("活动场次"),
            _("空间总数"),
            _("使用中"),
            _("闲置"),
            _("居民需求"),
            _("已有合伙人覆盖"),
            _("平均满意度"),
            _("意见条数"),
        ]
    )
    for unit in figures["units"]:
        writer.writerow(
            [
                unit.name,
                unit.hours,
                unit.residents,
                unit.events,
                unit.spaces_total,
                unit.spaces_in_use,
                unit.spaces_idle,
                unit.needs_total,
                unit.needs_covered,
                unit.rating_avg or "",
                unit.feedback_count,
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = local_today().isoformat()
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{escape_uri_path(f'服务统计-{stamp}.csv')}"
    )
    return response


@login_required
def partner_plaque(request, pk):
    """The suggestion-box plaque of a serving partner (A5, or A4 with ?size=A4), for staff in scope."""
    partner = get_object_or_404(Partner.objects.select_related("application", "community"), pk=pk)
    if not perms.can_manage_in_scope.test(request.user, partner):
        raise Http404
    size = request.GET.get("size", "A5")
    with refusals_as_messages(request) as outcome:
        data = partner_plaque_pdf(partner, size=size)
    if outcome.refused:
        return redirect(reverse("admin:partners_partner_change", args=[partner.pk]))
    return pdf_response(data, f"居民意见箱二维码牌-{partner.name}-{size}.pdf")


@login_required
def inspection_pack(request):
    """检查台账: choose a period; the worker builds the ZIP (services.inspection) behind a pending page."""
    if not perms.can_view_dashboard.test(request.user):
        raise PermissionDenied
    form = InspectionPackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        job = background_job_start(
            builder="inspection_pack",
            user=request.user,
            title=inspection_title(start, end),
            back=reverse("services:inspection_pack"),
            kwargs={"user_id": request.user.pk, "start": start.isoformat(), "end": end.isoformat()},
        )
        return redirect(background_job_url(job))
    context = {**admin_frame_context(request, title=_("检查台账")), "form": form}
    return render(request, "services/inspection_pack.html", context)


# --- The residents' directory of serving partners (公开) ------------------------------


def _serving_partners():
    return Partner.objects.filter(status__in=SERVING).select_related("application", "community")


def _directory_scopes(request) -> list[str]:
    street_id, community_id = raw_scope_ids(request.GET)
    return [directory_scope(street_id=street_id, community_id=community_id)]


@public_page(scopes=_directory_scopes, params=(*DirectoryFilterForm.base_fields, "page"))
def directory(request):
    """Serving partners by community, 50 a page; search, filter by place, service type and status (cached).

    Cached per community (or street, or city-wide when unfiltered): a change
    to a partner invalidates the directory pages it is on, not the city's.
    """
    form = DirectoryFilterForm(request.GET)
    street_id, community_id = raw_scope_ids(request.GET)
    context = {
        **public_cache_context(directory_scope(street_id=street_id, community_id=community_id)),
        "form": form,
        "page": lazy_page(directory_partners, form, request.GET.get("page")),
        "cache_query": cache_query(request),
    }
    return render(request, "services/directory.html", context)


@public_page(scopes=lambda request, pk: [partner_page_scope(pk)])
def partner_detail(request, pk):
    """A serving partner's public page: services, spaces, weekly schedule, licence mark."""
    partner = get_object_or_404(_serving_partners().select_related("community__street"), pk=pk)
    categories = dict(ServiceCategory.choices)
    context = {
        **public_cache_context(partner_page_scope(partner.pk)),
        "partner": partner,
        "categories": [categories.get(c, c) for c in partner.application.service_categories],
        # Lazy: computed only when the cached fragment is missing.
        "space_list": SimpleLazyObject(
            lambda: list(spaces_used_by(partner)) or list(partner.application.spaces.all())
        ),
        "week": SimpleLazyObject(lambda: partner_week(partner, public=True)),
        "summary": SimpleLazyObject(lambda: public_summary(partner)),
        "panels": SimpleLazyObject(lambda: partner_public_panels(partner)),
        "licence_mark": partner.community.street.programme_name,
    }
    return render(request, "services/partner_detail.html", context)
