"""The agreement part of the staff desk (portal.desk): agreements to draft or sign, renewals."""

from __future__ import annotations

from django.db.models import Count, Exists, Min, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.models import Partner, PartnerStatus
from portal.dates import local_today
from portal.desk import DeskItem, as_date, desk_provider
from portal.models import Role
from portal.rules import scope_queryset, user_role

from .domain import _awaiting_decision
from .models import Agreement, AgreementStatus


@desk_provider(order=50)
def desk_items(user) -> list[DeskItem]:
    """Partners past their notice without an agreement (to draft), drafts to sign, due on
    their start date (rulebook 五(三)1 三方协议); signed terms whose renewal window has
    opened with no decision yet (五(三)2 协议期满前2个月), due on the term's end date."""
    role = user_role(user)
    if not (user.is_superuser or role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF)):
        return []
    any_agreement = Agreement.objects.filter(partner=OuterRef("pk")).exclude(status=AgreementStatus.VOID)
    to_draft = scope_queryset(
        user, Partner.objects.filter(status=PartnerStatus.SIGNING).exclude(Exists(any_agreement)), "community"
    ).aggregate(n=Count("id"))
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
            count=to_draft["n"],
            url=f"{partners}?status__exact={PartnerStatus.SIGNING}",
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
