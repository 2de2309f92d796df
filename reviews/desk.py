"""The review part of the staff desk (portal.desk): my department's vetting, my score sheets."""

from __future__ import annotations

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.models import Partner, PartnerStatus
from portal.desk import DeskItem, as_date, desk_provider

from .models import (
    ConflictDeclaration,
    RoadshowEntry,
    RoadshowStatus,
    ScoreSheet,
    SheetStatus,
    VettingCheck,
    VettingDepartment,
)


@desk_provider(order=20)
def vetting_items(user) -> list[DeskItem]:
    """Applications in joint vetting still without a conclusion from a department this person
    answers for (rulebook 五(一)3: 联审联查, each department its own conclusion)."""
    departments = list(
        VettingDepartment.objects.filter(members=user, active=True).values_list("id", "street_id")
    )
    if not departments:
        return []
    waiting = Q(pk__in=[])
    for department_id, street_id in departments:
        concluded = VettingCheck.objects.filter(partner=OuterRef("pk"), department_id=department_id)
        waiting |= Q(community__street_id=street_id) & ~Exists(concluded)
    pending = Partner.objects.filter(waiting, status=PartnerStatus.VETTING).aggregate(
        n=Count("id"), due=Min("application__call__closes_at")
    )
    url = reverse("admin:partners_partner_changelist")
    return [
        DeskItem(
            label=_("本部门待出具联审结论"),
            count=pending["n"],
            url=f"{url}?status__exact={PartnerStatus.VETTING}",
            due=as_date(pending["due"]),
        )
    ]


@desk_provider(order=30)
def score_sheet_items(user) -> list[DeskItem]:
    """Applicants of an open roadshow this panel member has not scored yet and has not
    declared a conflict of interest on (rulebook 五(二)1), due on the roadshow's date."""
    same = {
        "member__user": user,
        "member__panel__roadshow": OuterRef("roadshow"),
        "partner": OuterRef("partner"),
    }
    missing = (
        RoadshowEntry.objects.filter(
            roadshow__status=RoadshowStatus.OPEN, roadshow__panels__members__user=user
        )
        .exclude(Exists(ScoreSheet.objects.filter(status=SheetStatus.SUBMITTED, **same)))
        .exclude(Exists(ConflictDeclaration.objects.filter(has_conflict=True, **same)))
        .aggregate(n=Count("id", distinct=True), due=Min("roadshow__date"))
    )
    return [
        DeskItem(
            label=_("待提交的路演评分"),
            count=missing["n"],
            url=reverse("reviews:home"),
            due=as_date(missing["due"]),
        )
    ]
