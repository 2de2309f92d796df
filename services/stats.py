"""Read functions for the street's statistics dashboard and the exports.

Every figure is one aggregate query, so the page costs the same however many
logs there are. Past services of exited partners stay in the figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from partners.models import Partner, PartnerStatus
from portal.dates import local_today
from portal.pdf import render_pdf
from portal.rules import scope_queryset
from spaces.domain import timeslots_active_on
from spaces.models import ResidentNeed, Space

from .coverage import needs_coverage
from .models import Feedback, FeedbackStatus, LogStatus, ServiceLog


def _in_community(qs, community, path):
    return qs.filter(**{path: community}) if community is not None else qs


def dashboard_figures(
    *, user, community=None, start: dt.date | None = None, end: dt.date | None = None
) -> dict:
    """Partners by stage and community, monthly service figures, spaces, needs, satisfaction."""
    today = local_today()

    partners = _in_community(scope_queryset(user, Partner.objects.all(), "community"), community, "community")
    by_stage = defaultdict(dict)
    stage_totals = defaultdict(int)
    for row in partners.values("community__name", "status").annotate(n=Count("id")).order_by():
        by_stage[row["community__name"]][row["status"]] = row["n"]
        stage_totals[row["status"]] += row["n"]
    stages = [(value, label) for value, label in PartnerStatus.choices if stage_totals.get(value)]
    stage_rows = [(name, [counts.get(v, 0) for v, _l in stages]) for name, counts in sorted(by_stage.items())]

    logs = _in_community(
        scope_queryset(user, ServiceLog.objects.filter(status=LogStatus.VERIFIED), "partner__community"),
        community,
        "partner__community",
    )
    if start:
        logs = logs.filter(date__gte=start)
    if end:
        logs = logs.filter(date__lte=end)
    monthly = []
    for row in (
        logs.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(hours=Sum("hours"), residents=Sum("residents_served"), events=Count("id"))
        .order_by("month")
    ):
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        monthly.append(
            {
                "month": month.strftime("%Y-%m"),
                "hours": row["hours"] or Decimal("0"),
                "residents": row["residents"] or 0,
                "events": row["events"],
            }
        )

    spaces = _in_community(scope_queryset(user, Space.objects.all(), "community"), community, "community")
    in_use_now = timeslots_active_on(today).filter(space=OuterRef("pk"), partner__isnull=False)
    space_counts = spaces.aggregate(total=Count("id"), in_use=Count("id", filter=Exists(in_use_now)))
    space_counts["idle"] = space_counts["total"] - space_counts["in_use"]

    feedback = _in_community(
        scope_queryset(user, Feedback.objects.filter(status=FeedbackStatus.APPROVED), "partner__community"),
        community,
        "partner__community",
    )
    if start:
        feedback = feedback.filter(created_at__date__gte=start)
    if end:
        feedback = feedback.filter(created_at__date__lte=end)
    sat = feedback.aggregate(avg=Avg("rating"), n=Count("id"))

    return {
        "stages": stages,
        "stage_rows": stage_rows,
        "stage_totals": [stage_totals[v] for v, _l in stages],
        "monthly": monthly,
        "spaces": space_counts,
        "needs": needs_figures(user=user, community=community),
        "satisfaction": {
            "avg": None if sat["avg"] is None else round(Decimal(str(sat["avg"])), 2),
            "n": sat["n"],
        },
    }


def needs_figures(*, user, community=None) -> dict:
    """Resident needs covered vs open (services.coverage decides what 'covered' means)."""
    qs = _in_community(scope_queryset(user, ResidentNeed.objects.all(), "community"), community, "community")
    rows = needs_coverage(qs)
    covered = sum(1 for row in rows if row.is_covered)
    return {
        "rows": [(_("已有合伙人覆盖"), covered), (_("尚未覆盖"), len(rows) - covered)],
        "total": len(rows),
    }


def month_logs(partner, year: int, month: int):
    """The partner's logs of one month (公益服务记录表), rejected and closed ones left out."""
    return (
        ServiceLog.objects.filter(partner=partner, date__year=year, date__month=month)
        .exclude(status__in=[LogStatus.REJECTED, LogStatus.CLOSED])
        .select_related("space")
        .order_by("date", "start_time", "id")
    )


def month_sheet_pdf(partner, year: int, month: int) -> bytes:
    """The monthly 公益服务记录表 (rulebook 六(二)1) of one partner as a PDF."""
    logs = list(month_logs(partner, year, month))
    totals = {
        "hours": sum(log.hours for log in logs),
        "residents": sum(log.residents_served for log in logs),
        "special": sum(log.special_group_residents for log in logs),
        "events": len(logs),
    }
    return render_pdf(
        "services/pdf/service_log_month.html",
        {"partner": partner, "year": year, "month": month, "logs": logs, "totals": totals},
    )


LOG_EXPORT_HEADERS = [
    "日期",
    "开始",
    "结束",
    "时数",
    "空间",
    "服务类别",
    "活动名称",
    "服务内容",
    "服务人次",
    "特定群体人次",
    "特定群体",
    "收费方式",
    "志愿者人数",
    "核实状态",
]


def log_export_rows(logs):
    for log in logs:
        yield [
            log.date.isoformat(),
            f"{log.start_time:%H:%M}",
            f"{log.end_time:%H:%M}",
            float(log.hours),
            log.space.name,
            str(log.get_category_display()),
            log.title,
            log.description,
            log.residents_served,
            log.special_group_residents,
            log.get_special_groups_display(),
            str(log.get_cost_basis_display()),
            log.volunteers,
            str(log.get_status_display()),
        ]
