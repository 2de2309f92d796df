"""The agreement part of the staff desk (portal.desk): agreements to draft or sign, renewals."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.models import Partner, PartnerStatus, PartnerTransition
from portal.dates import local_today
from portal.desk import DeskItem, as_date, desk_provider
from portal.models import Role
from portal.rules import scope_queryset, user_role

from .domain import _awaiting_decision
from .models import Agreement, AgreementStatus


@desk_provider(order=50)
def desk_items(user) -> list[DeskItem]:
    """Partners past their notice without an agreement (to draft), due once the street's
    start-date grace (`agreement_start_grace_days`) has run from the day they became ready to
    sign — after that the term can no longer start on that day; drafts to sign, due on
    their start date (rulebook 五(三)1 三方协议); signed terms whose renewal window has
    opened with no decision yet (五(三)2 协议期满前2个月), due on the term's end date."""
    role = user_role(user)
    if not (user.is_superuser or role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF)):
        return []
    any_agreement = Agreement.objects.filter(partner=OuterRef("pk")).exclude(status=AgreementStatus.VOID)
    ready_since = (
        PartnerTransition.objects.filter(partner=OuterRef("pk"), to_state=PartnerStatus.SIGNING)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    # One row per grace period in force (streets share a handful of values), not per partner.
    to_draft = list(
        scope_queryset(
            user,
            Partner.objects.filter(status=PartnerStatus.SIGNING).exclude(Exists(any_agreement)),
            "community",
        )
        .annotate(ready_since=Subquery(ready_since), grace=F("community__street__agreement_start_grace_days"))
        .order_by()
        .values("grace")
        .annotate(n=Count("id"), first=Min("ready_since"))
    )
    draft_count = sum(row["n"] for row in to_draft)
    draft_due = min(
        (as_date(row["first"]) + dt.timedelta(days=row["grace"]) for row in to_draft if row["first"]),
        default=None,
    )
    to_sign = scope_queryset(
        user, Agreement.objects.filter(status=AgreementStatus.DRAFT), "community"
    ).aggregate(n=Count("id"), due=Min("start_date"))
    renewals = (
        scope_queryset(user, _awaiting_decision(local_today(), user), "community")
        .order_by()
        .aggregate(n=Count("id"), due=Min("end_date"))
    )
    partners = reverse("admin:partners_partner_changelist")
    agreements = reverse("admin:agreements_agreement_changelist")
    reminders = reverse("admin:agreements_renewalreminder_changelist")
    return [
        DeskItem(
            label=_("待起草三方协议"),
            count=draft_count,
            url=f"{partners}?status__exact={PartnerStatus.SIGNING}",
            due=draft_due,
        ),
        DeskItem(
            label=_("待签署的三方协议"),
            count=to_sign["n"],
            url=f"{agreements}?status__exact={AgreementStatus.DRAFT}",
            due=as_date(to_sign["due"]),
        ),
        DeskItem(
            label=_("进入续签期待决定的协议"),
            count=renewals["n"],
            url=f"{reminders}?pending=yes",
            due=as_date(renewals["due"]),
        ),
    ]
