"""Read functions for the statistics dashboard and the exports.

The dashboard reads the summary rows `services.summaries` keeps (per
community, and per community and month), so the page costs the same however
many logs there are. Past services of exited partners stay in the figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from agreements.models import AgreementStatus, ServiceTarget, TargetMetric, TargetPeriod
from notices.models import Objection, ObjectionStatus
from partners.models import PartnerStatus
from portal.dates import local_today
from portal.models import Community, District, Role, Street
from portal.pdf import render_pdf
from portal.rules import street_scope_q, user_profile

from .models import CommunityFigures, CommunityMonthFigures, LogStatus, ServiceLog, StreetMonthFigures
from .summaries import MONTH_FIELDS, month_start

if TYPE_CHECKING:
    from django.db.models import QuerySet

FIGURES_FIELDS = ("partners_by_status", "spaces_total", "spaces_in_use", "needs_total", "needs_covered")


@dataclass
class Unit:
    """One row of the comparison table: a street (city-wide) or a community (a street)."""

    name: str
    street_id: int
    community_id: int | None = None
    partners: dict = field(default_factory=dict)
    spaces_total: int = 0
    spaces_in_use: int = 0
    needs_total: int = 0
    needs_covered: int = 0
    hours: Decimal = Decimal("0")
    residents: int = 0
    events: int = 0
    feedback_count: int = 0
    rating_sum: int = 0

    @property
    def spaces_idle(self) -> int:
        return self.spaces_total - self.spaces_in_use

    @property
    def rating_avg(self) -> Decimal | None:
        return _average(self.rating_sum, self.feedback_count)

    def add(self, sums: dict) -> None:
        """Take the summed CommunityFigures values of the unit (see `_figures_sums`)."""
        self.partners = {
            status: sums[f"n_{status}"] for status in PartnerStatus.values if sums[f"n_{status}"]
        }
        for name in FIGURES_FIELDS[1:]:
            setattr(self, name, sums[f"sum_{name}"] or 0)


def _figures_sums() -> dict:
    """Sums over community rows, stage counts included (read from the JSON in SQL: no row is decoded here)."""
    sums = {
        f"n_{status}": Coalesce(Sum(Cast(KT(f"partners_by_status__{status}"), IntegerField())), 0)
        for status in PartnerStatus.values
    }
    return sums | {f"sum_{name}": Sum(name) for name in FIGURES_FIELDS[1:]}


def _average(total, n) -> Decimal | None:
    return None if not n else round(Decimal(total) / Decimal(n), 2)


def dashboard_level(*, user, street: Street | None = None, community: Community | None = None) -> tuple:
    """(level, street, community) the user asked for, within the user's scope.

    'city' for the superuser without a filter; 'street' for street staff (or a
    street chosen); 'community' for community staff (or a community chosen).
    """
    if community is not None:
        return "community", community.street, community
    profile = None if user.is_superuser else user_profile(user)
    if profile is not None and profile.role == Role.COMMUNITY_STAFF and profile.community_id:
        community = Community.objects.select_related("street").get(pk=profile.community_id)
        return "community", community.street, community
    if street is None and profile is not None and profile.street_id:
        street = profile.street
    if street is not None:
        return "street", street, None
    return "city", None, None


def dashboard_figures(
    *,
    user,
    street: Street | None = None,
    community: Community | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict:
    """Partners by stage, monthly verified services, spaces, needs and satisfaction, per street or community.

    Rulebook 六(二)1–2 (the street verifies the service records and reviews the
    partners' work). Read from the summary rows (`services.summaries`), never
    from the logs: city-wide one row per street, for a street one row per
    community; the period is whole months (`start`'s month to `end`'s month).
    A constant number of queries, at most streets × months or communities ×
    months rows whatever the number of logs. Past services of exited partners
    stay in the figures.
    """
    level, street, community = dashboard_level(user=user, street=street, community=community)
    figures_rows = CommunityFigures.objects.order_by()
    months = CommunityMonthFigures.objects.order_by()
    series = StreetMonthFigures.objects.order_by()
    if level == "community":
        figures_rows = figures_rows.filter(community=community)
        months = months.filter(community=community)
        series = months
        unit_key = "community_id"
        names = {community.pk: (community.name, community.street_id)}
    elif level == "street":
        figures_rows = figures_rows.filter(street=street)
        months = months.filter(street=street)
        series = series.filter(street=street)
        unit_key = "community_id"
        names = {
            pk: (name, street.pk)
            for pk, name in Community.objects.filter(street=street).values_list("pk", "name")
        }
    else:
        months = series  # a street's months are the sum of its communities'
        unit_key = "street_id"
        # Above a street: only the streets in the user's scope (a district's or a city's staff).
        in_scope = Street.objects.filter(street_scope_q(user, "")).values("pk")
        figures_rows = figures_rows.filter(street__in=in_scope)
        months = series = series.filter(street__in=in_scope)
        names = {
            pk: (name, pk)
            for pk, name in Street.objects.filter(street_scope_q(user, "")).values_list("pk", "name")
        }
    if start:
        months, series = (
            months.filter(month__gte=month_start(start)),
            series.filter(month__gte=month_start(start)),
        )
    if end:
        months, series = (
            months.filter(month__lte=month_start(end)),
            series.filter(month__lte=month_start(end)),
        )

    # Summed in SQL per unit: a city reads its 3,000 community rows there and gets 50 rows back.
    units: dict[int, Unit] = {}
    for row in figures_rows.values(unit_key).annotate(**_figures_sums()):
        key = row[unit_key]
        if key not in units:
            name, street_id = names.get(key, ("", None))
            units[key] = Unit(
                name=name, street_id=street_id, community_id=key if unit_key == "community_id" else None
            )
        units[key].add(row)
    sums = {name: Sum(name) for name in MONTH_FIELDS}
    for row in months.values(unit_key).annotate(**sums):
        unit = units.get(row[unit_key])
        if unit is None:  # months of a community whose figures row is missing: rebuilt nightly
            continue
        for name in MONTH_FIELDS:
            setattr(unit, name, row[name] or 0)
    unit_list = sorted(units.values(), key=lambda u: (u.name, u.community_id or u.street_id))

    stage_totals = defaultdict(int)
    for unit in unit_list:
        for status, n in unit.partners.items():
            stage_totals[status] += n
    stages = [(value, label) for value, label in PartnerStatus.choices if stage_totals.get(value)]
    stage_rows = [
        (u.name, [u.partners.get(v, 0) for v, _l in stages]) for u in unit_list if any(u.partners.values())
    ]

    monthly = []
    feedback = {"n": 0, "total": 0}
    for row in series.values("month").annotate(**sums).order_by("month"):
        feedback["n"] += row["feedback_count"] or 0
        feedback["total"] += row["rating_sum"] or 0
        if row["events"]:
            monthly.append(
                {
                    "month": row["month"].strftime("%Y-%m"),
                    "hours": row["hours"] or Decimal("0"),
                    "residents": row["residents"] or 0,
                    "events": row["events"],
                }
            )
    spaces_total = sum(u.spaces_total for u in unit_list)
    spaces_in_use = sum(u.spaces_in_use for u in unit_list)
    needs_total = sum(u.needs_total for u in unit_list)
    needs_covered = sum(u.needs_covered for u in unit_list)
    return {
        "level": level,
        "street": street,
        "community": community,
        "units": unit_list,
        "stages": stages,
        "stage_rows": stage_rows,
        "stage_totals": [stage_totals[v] for v, _l in stages],
        "monthly": monthly,
        "spaces": {"total": spaces_total, "in_use": spaces_in_use, "idle": spaces_total - spaces_in_use},
        "needs": {
            "rows": [(_("已有合伙人覆盖"), needs_covered), (_("尚未覆盖"), needs_total - needs_covered)],
            "total": needs_total,
        },
        "satisfaction": {"avg": _average(feedback["total"], feedback["n"]), "n": feedback["n"]},
    }


# --- Comparing streets (district and city staff, issue 15) ------------------------------

TARGET_METRICS = (TargetMetric.HOURS, TargetMetric.RESIDENTS, TargetMetric.EVENTS)


@dataclass
class StreetRow(Unit):
    """One street of the comparison: the dashboard figures, targets and objections."""

    district_id: int | None = None
    district_name: str = ""
    targets: dict = field(default_factory=dict)
    objections: int = 0
    objections_upheld: int = 0

    def share(self, metric: str) -> Decimal | None:
        """Delivered against target, in percent (None without a target)."""
        target = self.targets.get(metric) or 0
        if not target:
            return None
        delivered = {"hours": self.hours, "residents": self.residents, "events": self.events}[metric]
        return round(Decimal(delivered) * 100 / Decimal(target), 1)


def comparison_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """Whole months from `start`'s to `end`'s; by default January to this month."""
    today = local_today()
    first = month_start(start or today.replace(month=1, day=1))
    last = month_start(end or today)
    return first, max(first, last)


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _months_covered(months: list[dt.date], start: dt.date, end: dt.date) -> int:
    """How many of the months the agreement term [start, end] touches."""
    return sum(1 for m in months if start <= _month_end(m) and end >= m)


def comparison_streets(user) -> QuerySet[Street]:
    """The streets a comparison may show the user: those below the user's level (all for the superuser)."""
    return Street.objects.filter(street_scope_q(user, "")).order_by()


def street_comparison(
    *, user, district: District | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> dict:
    """One row per street below the user's level: partners by stage, services against targets,
    spaces in use and idle, needs covered, satisfaction and objections (issue 15).

    Services are the verified logs (rulebook 六(二)1) summed from the monthly
    summary rows; targets are the signed agreements' 公益服务量化指标 (六(一)2):
    a monthly target counts once for each month of the period the agreement's
    term touches, a quarterly one a third of that. Objections are those filed
    in the period against the street's notices (五(二)3), with how many were
    upheld. Six queries whatever the number of streets, logs or partners.
    """
    first, last = comparison_period(start, end)
    months = _month_starts(first, last)
    period_end = _month_end(last)
    streets = comparison_streets(user)
    if district is not None:
        streets = streets.filter(district=district)
    rows: dict[int, StreetRow] = {
        s["pk"]: StreetRow(
            name=s["name"],
            street_id=s["pk"],
            district_id=s["district_id"],
            district_name=s["district__name"] or "",
        )
        for s in streets.values("pk", "name", "district_id", "district__name")
    }
    in_scope = streets.values("pk")
    for sums in (
        CommunityFigures.objects.filter(street__in=in_scope).values("street_id").annotate(**_figures_sums())
    ):
        rows[sums["street_id"]].add(sums)
    for sums in (
        StreetMonthFigures.objects.filter(street__in=in_scope, month__gte=first, month__lte=last)
        .values("street_id")
        .annotate(**{name: Sum(name) for name in MONTH_FIELDS})
    ):
        for name in MONTH_FIELDS:
            setattr(rows[sums["street_id"]], name, sums[name] or 0)
    targets = (
        ServiceTarget.objects.filter(
            agreement__status=AgreementStatus.SIGNED,
            agreement__community__street__in=in_scope,
            agreement__start_date__lte=period_end,
            agreement__end_date__gte=first,
            metric__in=TARGET_METRICS,
        )
        .values(
            "agreement__community__street_id",
            "metric",
            "period",
            "agreement__start_date",
            "agreement__end_date",
        )
        .annotate(total=Sum("value"))
        .order_by()
    )
    for t in targets:
        covered = _months_covered(months, t["agreement__start_date"], t["agreement__end_date"])
        amount = t["total"] * covered
        if t["period"] == TargetPeriod.QUARTER:
            amount = amount / 3
        row = rows[t["agreement__community__street_id"]]
        row.targets[t["metric"]] = row.targets.get(t["metric"], Decimal("0")) + amount
    for row in rows.values():
        row.targets = {metric: round(value, 1) for metric, value in row.targets.items()}
    for o in (
        Objection.objects.filter(
            notice__street__in=in_scope, created_at__date__gte=first, created_at__date__lte=period_end
        )
        .values("notice__street_id")
        .annotate(n=Count("id"), upheld=Count("id", filter=Q(status=ObjectionStatus.UPHELD)))
        .order_by()
    ):
        rows[o["notice__street_id"]].objections = o["n"]
        rows[o["notice__street_id"]].objections_upheld = o["upheld"]
    row_list = sorted(rows.values(), key=lambda r: (r.district_name, r.name, r.street_id))
    stages = [
        (value, label)
        for value, label in PartnerStatus.choices
        if any(r.partners.get(value) for r in row_list)
    ]
    return {"rows": row_list, "stages": stages, "start": first, "end": last, "district": district}


def comparison_xlsx_rows(figures: dict) -> tuple[list[str], list[list]]:
    """The comparison table as spreadsheet headers and rows (the 台账 of the page)."""
    headers = [
        _("区县"),
        _("街道"),
        *[label for _v, label in figures["stages"]],
        _("服务时数"),
        _("目标时数"),
        _("服务人次"),
        _("目标人次"),
        _("活动场次"),
        _("目标场次"),
        _("使用中空间"),
        _("闲置空间"),
        _("已覆盖需求"),
        _("居民需求"),
        _("平均满意度"),
        _("评价条数"),
        _("异议"),
        _("异议成立"),
    ]
    rows = []
    for r in figures["rows"]:
        rows.append(
            [
                r.district_name,
                r.name,
                *[r.partners.get(v, 0) for v, _l in figures["stages"]],
                float(r.hours),
                float(r.targets.get("hours", 0)),
                r.residents,
                float(r.targets.get("residents", 0)),
                r.events,
                float(r.targets.get("events", 0)),
                r.spaces_in_use,
                r.spaces_idle,
                r.needs_covered,
                r.needs_total,
                None if r.rating_avg is None else float(r.rating_avg),
                r.feedback_count,
                r.objections,
                r.objections_upheld,
            ]
        )
    return headers, rows


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
