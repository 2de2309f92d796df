"""The services part of the staff desk (portal.desk): logs to verify, suggestions to moderate,
trial evaluations due, partners whose monthly logs are overdue."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementKind, AgreementStatus
from partners.models import SERVING, Partner, PartnerStatus
from portal.dates import latest_months_after, local_today
from portal.desk import DeskItem, as_date, desk_provider
from portal.models import Role, Street
from portal.rules import scope_queryset, user_role

from .models import Evaluation, EvaluationKind, Feedback, FeedbackStatus, LogStatus, ServiceLog


def _is_staff(user) -> bool:
    return user.is_superuser or user_role(user) in (Role.STREET_STAFF, Role.COMMUNITY_STAFF)


@desk_provider(order=60)
def log_items(user) -> list[DeskItem]:
    """Logs waiting for verification (only verified logs count, rulebook 六(一)3), oldest
    service date first; suggestions waiting for moderation (居民意见箱, 六(一)2)."""
    if not _is_staff(user):
        return []
    logs = scope_queryset(
        user,
        ServiceLog.objects.filter(status=LogStatus.SUBMITTED),
        "partner__community",
        street_path="street",  # the log's own street: servicelog_street_status, no join
    ).aggregate(n=Count("id"), due=Min("date"))
    feedback = scope_queryset(
        user,
        Feedback.objects.filter(status=FeedbackStatus.PENDING),
        "partner__community",
        street_path="street",  # the suggestion's own street: feedback_street_status, no join
    ).aggregate(n=Count("id"), due=Min("created_at"))
    return [
        DeskItem(
            label=_("待核实的服务记录"),
            count=logs["n"],
            url=f"{reverse('admin:services_servicelog_changelist')}?status__exact={LogStatus.SUBMITTED}",
            due=as_date(logs["due"]),
        ),
        DeskItem(
            label=_("待审核的居民意见"),
            count=feedback["n"],
            url=f"{reverse('admin:services_feedback_changelist')}?status__exact={FeedbackStatus.PENDING}",
            due=as_date(feedback["due"]),
        ),
    ]


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@desk_provider(order=70)
def evaluation_items(user) -> list[DeskItem]:
    """Trial partners whose trial-evaluation window has opened without a trial evaluation
    (试用期满经评估合格后可续签, rulebook 四(二)2), due on the trial's end date; serving
    partners with no service log last month (定期整理提交公益服务记录表, 六(二)1), due on
    the first of this month."""
    if not _is_staff(user):
        return []
    today = local_today()
    window = Q(pk__in=[])
    for months in sorted(set(Street.objects.values_list("trial_evaluation_window_months", flat=True))):
        window |= Q(
            community__street__trial_evaluation_window_months=months,
            end_date__lte=latest_months_after(today, months),
        )
    trials = Agreement.objects.filter(
        window, kind=AgreementKind.FIRST, status=AgreementStatus.SIGNED, partner__status=PartnerStatus.TRIAL
    ).exclude(Exists(Evaluation.objects.filter(partner=OuterRef("partner"), kind=EvaluationKind.TRIAL)))
    trials = scope_queryset(user, trials, "community").aggregate(
        n=Count("partner_id", distinct=True), due=Min("end_date")
    )

    this_month = _month_start(today)
    last_month = _month_start(this_month - dt.timedelta(days=1))
    logged = ServiceLog.objects.filter(
        partner=OuterRef("pk"), date__gte=last_month, date__lt=this_month
    ).exclude(status=LogStatus.REJECTED)
    serving_since = Agreement.objects.filter(
        partner=OuterRef("pk"), status=AgreementStatus.SIGNED, start_date__lte=last_month
    )
    silent = scope_queryset(
        user,
        Partner.objects.filter(status__in=list(SERVING))
        .filter(Exists(serving_since))
        .exclude(Exists(logged)),
        "community",
    ).aggregate(n=Count("id"))
    partners = reverse("admin:partners_partner_changelist")
    return [
        DeskItem(
            label=_("试用期满待评估的合伙人"),
            count=trials["n"],
            url=f"{partners}?status__exact={PartnerStatus.TRIAL}",
            due=as_date(trials["due"]),
        ),
        DeskItem(
            label=_("上月未提交服务记录的合伙人"),
            count=silent["n"],
            url=reverse("services:progress_index"),
            due=this_month if silent["n"] else None,
        ),
    ]
