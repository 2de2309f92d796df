"""The reports part of the staff desk (portal.desk): monthly reports and self-evaluations to handle.

晋江 seed 004 五(三): the community confirms each monthly report by the due day of the
next month (the street's `confirm_by_day`); self-evaluations are accepted or returned.
Only streets that run the piece have items (`overdue_reports` and the scope below).
"""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dates import local_today
from portal.desk import DeskItem, as_date, desk_provider
from portal.models import Role
from portal.rules import scope_q, user_role

from .models import MonthlyReport, ReportStatus, SelfEvaluation, SelfEvaluationStatus

STAFF = (Role.STREET_STAFF, Role.COMMUNITY_STAFF)


@desk_provider(order=90)
def desk_items(user) -> list[DeskItem]:
    """Submitted reports to confirm, reports past their due day, self-evaluations to review."""
    if not (user.is_superuser or user_role(user) in STAFF):
        return []
    running = Q(community__street__reports_reportsettings__enabled=True)
    today = local_today()
    reports = (
        MonthlyReport.objects.filter(scope_q(user, "community"))
        .filter(running)
        .aggregate(
            waiting=Count("id", filter=Q(status=ReportStatus.SUBMITTED)),
            waiting_due=Min("due_on", filter=Q(status=ReportStatus.SUBMITTED)),
            late=Count("id", filter=Q(due_on__lt=today) & ~Q(status=ReportStatus.CONFIRMED)),
            late_due=Min("due_on", filter=Q(due_on__lt=today) & ~Q(status=ReportStatus.CONFIRMED)),
        )
    )
    evaluations = (
        SelfEvaluation.objects.filter(scope_q(user, "community"))
        .filter(running, status=SelfEvaluationStatus.SUBMITTED)
        .aggregate(n=Count("id"), due=Min("submitted_at"))
    )
    reports_url = reverse("admin:reports_monthlyreport_changelist")
    return [
        DeskItem(
            label=_("待确认的月度报告"),
            count=reports["waiting"],
            url=f"{reports_url}?status__exact={ReportStatus.SUBMITTED}",
            due=reports["waiting_due"],
        ),
        DeskItem(
            label=_("逾期未确认的月度报告"),
            count=reports["late"],
            url=f"{reports_url}?overdue=yes",
            due=reports["late_due"],
        ),
        DeskItem(
            label=_("待审核的自评报告"),
            count=evaluations["n"],
            url=f"{reverse('admin:reports_selfevaluation_changelist')}?status__exact={SelfEvaluationStatus.SUBMITTED}",
            due=as_date(evaluations["due"]),
        ),
    ]
