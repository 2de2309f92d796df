"""The recruitment part of the staff desk (portal.desk): applications to forward, documents returned."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.models import PartnerStatus
from portal.desk import DeskItem, as_date, desk_provider
from portal.models import Role
from portal.rules import scope_queryset, user_role

from .models import Application, DocumentRequest

# Documents are asked for and checked while the application is examined (五(一)3).
CHECKING = [PartnerStatus.SUBMITTED, PartnerStatus.VETTING, PartnerStatus.SHORTLISTED]


@desk_provider(order=10)
def desk_items(user) -> list[DeskItem]:
    """Applications the community must forward to the street (rulebook 五(一)2), due by the
    call's closing time; documents the applicant sent back on request, to be checked."""
    role = user_role(user)
    if not (user.is_superuser or role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF)):
        return []
    items = []
    url = reverse("admin:calls_application_changelist")
    if user.is_superuser or role == Role.COMMUNITY_STAFF:
        waiting = scope_queryset(
            user, Application.objects.filter(partner__status=PartnerStatus.SUBMITTED), "community"
        ).aggregate(n=Count("id"), due=Min("call__closes_at"))
        items.append(
            DeskItem(
                label=_("待报送街道的申请"),
                count=waiting["n"],
                url=f"{url}?stage={PartnerStatus.SUBMITTED}",
                due=as_date(waiting["due"]),
            )
        )
    checking = (
        CHECKING if role != Role.STREET_STAFF else [s for s in CHECKING if s != PartnerStatus.SUBMITTED]
    )
    # (the street sees an application once the community has forwarded it, like its list)
    requests = scope_queryset(
        user,
        DocumentRequest.objects.filter(application__partner__status__in=checking),
        "application__community",
    ).aggregate(
        returned=Count("application_id", distinct=True, filter=Q(fulfilled_at__isnull=False, outcome="")),
        returned_due=Min("fulfilled_at", filter=Q(fulfilled_at__isnull=False, outcome="")),
        requested=Count("application_id", distinct=True, filter=Q(fulfilled_at__isnull=True)),
        requested_due=Min("requested_at", filter=Q(fulfilled_at__isnull=True)),
    )
    items.append(
        DeskItem(
            label=_("已补交材料待查看的申请"),
            count=requests["returned"],
            url=f"{url}?documents=returned",
            due=as_date(requests["returned_due"]),
        )
    )
    # Waiting on the applicant: the date is when the documents were asked for, to chase them.
    items.append(
        DeskItem(
            label=_("已通知补充材料、申请人尚未补交的申请"),
            count=requests["requested"],
            url=f"{url}?documents=requested",
            due=as_date(requests["requested_due"]),
        )
    )
    return items
