"""The satisfaction evaluation on the dashboard: a figure per partner, community or street."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.dates import local_today
from portal.rules import street_scope_q
from services.panels import DashboardPanel, dashboard_panel

from .domain import satisfaction_by_unit
from .models import Rater, SatisfactionAnswer

UNIT_BELOW = {"city": "street", "street": "community", "community": "partner"}


@dashboard_panel(order=10)
def satisfaction_panel(*, user, figures, start=None, end=None) -> DashboardPanel | None:
    """The evaluations of the period's years (this year by default), one row per unit of the level below.

    Seed 002 六4 and seed 003 17: residents' satisfaction is the yardstick the
    street reports. One query; no table where nothing was scored (the piece off, or
    no evaluation yet). Kept after the piece is turned off: the scores were given.
    """
    this_year = local_today().year
    first = start.year if start else (end.year if end else this_year)
    last = end.year if end else max(first, this_year)
    answers = SatisfactionAnswer.objects.filter(survey__year__gte=first, survey__year__lte=last)
    level = figures["level"]
    if level == "community":
        answers = answers.filter(partner__community=figures["community"])
    elif level == "street":
        answers = answers.filter(partner__community__street=figures["street"])
    else:
        answers = answers.filter(street_scope_q(user, "partner__community__street"))
    grouped = satisfaction_by_unit(answers, UNIT_BELOW[level])
    if not grouped:
        return None
    rows = []
    for (_pk, name), results in sorted(grouped.items(), key=lambda item: (item[0][1] or "", item[0][0])):
        resident = results.get(Rater.RESIDENT)
        evaluator = results.get(Rater.EVALUATOR)
        rows.append(
            [
                name,
                str(resident.count) if resident else "0",
                str(resident.average) if resident else "—",
                resident.distribution_text() if resident else "—",
                str(evaluator.average) if evaluator else "—",
            ]
        )
    unit_header = {"street": _("街道"), "community": _("社区"), "partner": _("合伙人")}[UNIT_BELOW[level]]
    years = str(first) if first == last else f"{first}–{last}"
    return DashboardPanel(
        key="satisfaction",
        title=_("满意度测评（%(years)s年）") % {"years": years},
        headers=[unit_header, _("居民答卷"), _("居民平均分"), _("分布"), _("评估机构平均分")],
        rows=rows,
    )
