"""Read functions: verified service figures against the agreement's targets (rulebook 六(一)2).

Only verified logs count. Periods are calendar months or quarters of the
programme's time zone (Asia/Shanghai): a log's date is the local date of the
service, and "today" is the local date (portal.dates.local_today).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementStatus, TargetMetric, TargetPeriod
from partners.models import SERVING
from portal.choices import TargetGroup
from portal.dates import local_today

from .models import LogStatus, ServiceLog

ZERO = Decimal("0")
METRICS = [m.value for m in TargetMetric]


def pace_warning_share() -> Decimal:
    """Below this share of the expected figures a partner is flagged as behind pace (预警)."""
    return Decimal(str(getattr(settings, "SERVICES_PACE_WARNING_SHARE", "0.8")))


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day inside the term
    end: dt.date  # last day inside the term
    full_start: dt.date  # the calendar period
    full_end: dt.date
    kind: str

    @property
    def label(self) -> str:
        if self.kind == TargetPeriod.QUARTER:
            return f"{self.full_start.year}年第{(self.full_start.month - 1) // 3 + 1}季度"
        return f"{self.full_start.year}年{self.full_start.month}月"

    @property
    def share_in_term(self) -> Decimal:
        """The part of the calendar period inside the term (targets are prorated by it)."""
        inside = (self.end - self.start).days + 1
        whole = (self.full_end - self.full_start).days + 1
        return Decimal(inside) / Decimal(whole)

    def months(self):
        day = _month_start(self.full_start)
        while day <= self.full_end:
            yield day
            day = _next_month(day)


def term_periods(start: dt.date, end: dt.date, kind: str) -> list[Period]:
    """The calendar months (or quarters) a term touches, clipped to the term."""
    periods = []
    day = _month_start(start)
    if kind == TargetPeriod.QUARTER:
        day = day.replace(month=(day.month - 1) // 3 * 3 + 1)
    while day <= end:
        step = 3 if kind == TargetPeriod.QUARTER else 1
        following = day
        for _i in range(step):
            following = _next_month(following)
        full_end = following - dt.timedelta(days=1)
        periods.append(
            Period(
                start=max(day, start), end=min(full_end, end), full_start=day, full_end=full_end, kind=kind
            )
        )
        day = following
    return periods


def _special_key(group: str) -> str:
    return f"special_{group}" if group else "special_total"


def verified_figures_by_month(agreement_ids) -> dict[int, dict[dt.date, dict[str, Decimal]]]:
    """{agreement id: {first of month: {metric: figure}}} from verified logs, in one query.

    `special_total` is the special-group 人次 of all logs; `special_<group>`
    counts only logs that name that group.
    """
    group_sums = {
        # icontains on the JSON text works on PostgreSQL and SQLite alike; the quotes
        # make each group a whole token.
        _special_key(g): Sum("special_group_residents", filter=Q(special_groups__icontains=f'"{g}"'))
        for g in TargetGroup.values
    }
    rows = (
        ServiceLog.objects.filter(agreement_id__in=list(agreement_ids), status=LogStatus.VERIFIED)
        .annotate(month=TruncMonth("date"))
        .values("agreement_id", "month")
        .annotate(
            hours=Sum("hours"),
            residents=Sum("residents_served"),
            events=Count("id"),
            special_total=Sum("special_group_residents"),
            **group_sums,
        )
        .order_by()
    )
    result: dict[int, dict[dt.date, dict[str, Decimal]]] = defaultdict(dict)
    for row in rows:
        month = row.pop("month")
        if isinstance(month, dt.datetime):
            month = month.date()
        agreement_id = row.pop("agreement_id")
        result[agreement_id][month] = {k: Decimal(v or 0) for k, v in row.items()}
    return result


def completion_percent(share: Decimal | None) -> int | None:
    """The one way a completion share becomes the percentage people see (rulebook 六(一)2).

    `share` is actual ÷ expected rounded to 0.001 (`Cell.ratio`, `AgreementProgress.fulfilment`,
    `Evaluation.fulfilment_share`); ×100 and rounded half up, once. The progress page, the
    ranking, the evaluation in the admin and the dossier all call it, so one target never
    shows two figures (the admin and the dossier used to round 0.685 half to even: 68 %
    beside the progress page's 69 %).
    """
    if share is None:
        return None
    return int((share * 100).quantize(Decimal("1"), ROUND_HALF_UP))


@dataclass
class Cell:
    actual: Decimal
    target: Decimal
    # Where the period stands on the day the progress is read: "past", "current" or "future".
    # A future period has no figure yet: it shows "—", never "0 / 0%".
    when: str = "past"

    @property
    def ratio(self) -> Decimal | None:
        if not self.target:
            return None
        return (self.actual / self.target).quantize(Decimal("0.001"), ROUND_HALF_UP)

    @property
    def percent(self) -> int | None:
        return completion_percent(self.ratio)

    @property
    def is_future(self) -> bool:
        return self.when == "future"

    @property
    def is_current(self) -> bool:
        return self.when == "current"


@dataclass
class TargetProgress:
    target: object  # agreements.ServiceTarget
    rows: list[tuple[Period, Cell]]
    to_date: Cell  # actual so far vs expected so far (pace)

    @property
    def label(self) -> str:
        text = f"{self.target.get_period_display()}{self.target.get_metric_display()}"
        if self.target.target_group:
            text += f"（{self.target.get_target_group_display()}）"
        return text

    @property
    def behind_pace(self) -> bool:
        ratio = self.to_date.ratio
        return ratio is not None and ratio < pace_warning_share()


@dataclass
class AgreementProgress:
    agreement: Agreement
    today: dt.date
    targets: list[TargetProgress] = field(default_factory=list)

    @property
    def fulfilment(self) -> Decimal | None:
        """The mean of each target's pace ratio, each capped at 100 %."""
        ratios = [min(t.to_date.ratio, Decimal("1")) for t in self.targets if t.to_date.ratio is not None]
        if not ratios:
            return None
        return (sum(ratios) / len(ratios)).quantize(Decimal("0.001"), ROUND_HALF_UP)

    @property
    def fulfilment_percent(self) -> int | None:
        return completion_percent(self.fulfilment)

    @property
    def behind_pace(self) -> bool:
        value = self.fulfilment
        return value is not None and value < pace_warning_share()

    def as_dict(self) -> dict:
        """Plain data (frozen into an evaluation, sent to the chart)."""
        return {
            "agreement": self.agreement.number,
            "as_of": self.today.isoformat(),
            "fulfilment": None if self.fulfilment is None else str(self.fulfilment),
            "targets": [
                {
                    "metric": t.target.metric,
                    "period": t.target.period,
                    "label": t.label,
                    "target_group": t.target.target_group,
                    "actual_to_date": str(t.to_date.actual),
                    "expected_to_date": str(t.to_date.target),
                    "ratio": None if t.to_date.ratio is None else str(t.to_date.ratio),
                    "periods": [
                        {"label": p.label, "actual": str(c.actual), "target": str(c.target), "when": c.when}
                        for p, c in t.rows
                    ],
                }
                for t in self.targets
            ],
        }


def progress_charts(progress: AgreementProgress) -> list[dict]:
    """The chart data of the progress page: one chart per period type (rulebook 六(一)2).

    Monthly targets share a monthly axis and quarterly targets a quarterly one, so a
    quarter's figure is never drawn against a month. Periods still to come have no
    figure (None: a gap in the chart, "—" in the table), not 0.
    """
    charts = []
    titles = {TargetPeriod.MONTH: _("按月指标"), TargetPeriod.QUARTER: _("按季度指标")}
    for kind, _label in TargetPeriod.choices:
        targets = [t for t in progress.targets if t.target.period == kind]
        if not targets:
            continue
        charts.append(
            {
                "kind": kind,
                "title": str(titles.get(kind, _label)),
                "labels": [p.label for p, _c in targets[0].rows],
                "datasets": [
                    {
                        "label": t.label,
                        "actual": [None if c.is_future else float(c.actual) for _p, c in t.rows],
                        "target": [float(c.target) for _p, c in t.rows],
                    }
                    for t in targets
                ],
            }
        )
    return charts


def _metric_key(target) -> str:
    if target.metric == TargetMetric.SPECIAL_GROUPS:
        return _special_key(target.target_group)
    return target.metric


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def agreement_progress(
    agreement: Agreement, *, today: dt.date | None = None, figures: dict | None = None
) -> AgreementProgress:
    """Verified figures per period against each target, and the pace so far.

    The expected figure to date is the target of every period already over,
    plus the current period's target prorated by the days elapsed (today
    included). A period the term only partly covers has a prorated target.
    """
    today = today or local_today()
    if figures is None:
        figures = verified_figures_by_month([agreement.pk]).get(agreement.pk, {})
    progress = AgreementProgress(agreement=agreement, today=today)
    for target in agreement.targets.all():
        key = _metric_key(target)
        rows = []
        actual_to_date = expected_to_date = ZERO
        for period in term_periods(agreement.start_date, agreement.end_date, target.period):
            actual = sum((figures.get(m, {}).get(key, ZERO) for m in period.months()), ZERO)
            goal = _q(target.value * period.share_in_term)
            when = "future" if period.start > today else "current" if period.end >= today else "past"
            rows.append((period, Cell(actual=actual, target=goal, when=when)))
            if period.start > today:
                continue
            actual_to_date += actual
            if period.end <= today:
                expected_to_date += goal
            else:
                elapsed = Decimal((today - period.start).days + 1)
                expected_to_date += goal * elapsed / Decimal((period.end - period.start).days + 1)
        progress.targets.append(
            TargetProgress(
                target=target, rows=rows, to_date=Cell(actual=actual_to_date, target=_q(expected_to_date))
            )
        )
    return progress


def current_agreement(partner, *, today: dt.date | None = None) -> Agreement | None:
    """The signed agreement whose term covers today, else the latest signed one."""
    today = today or local_today()
    signed = Agreement.objects.filter(partner=partner, status=AgreementStatus.SIGNED)
    return (
        signed.filter(start_date__lte=today, end_date__gte=today).order_by("-start_date").first()
        or signed.order_by("-start_date").first()
    )


def progress_ranking(agreements, *, today: dt.date | None = None) -> list[AgreementProgress]:
    """Progress of many agreements, best fulfilment first, in a fixed number of queries."""
    today = today or local_today()
    agreements = list(
        agreements.select_related("partner__application", "community").prefetch_related("targets")
    )
    figures = verified_figures_by_month([a.pk for a in agreements])
    result = [agreement_progress(a, today=today, figures=figures.get(a.pk, {})) for a in agreements]
    result.sort(key=lambda p: (p.fulfilment is None, -(p.fulfilment or 0), p.agreement.number))
    return result


def current_agreements(*, today: dt.date | None = None):
    """Signed agreements whose term covers today, of partners still serving."""
    today = today or local_today()
    return Agreement.objects.filter(
        status=AgreementStatus.SIGNED, start_date__lte=today, end_date__gte=today, partner__status__in=SERVING
    )


METRIC_LABELS = dict(TargetMetric.choices)
PACE_HELP = _("按截至今日应完成量计算；低于预警比例时提示“进度滞后”。")
