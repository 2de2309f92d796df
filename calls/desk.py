"""The recruitment part of the staff desk (portal.desk): applications to forward, documents returned."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.models import PartnerStatus
from portal.desk import DeskItem, as_date, desk_provider
from portal.models import Role
from portal.rules import scope_queryset, user_role

from .models import Application, DocumentRequest

# Returned documents matter while the application is still being checked.
CHECKING = [PartnerStatus.SUBMITTED, PartnerStatus.VETTING]


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
    returned = scope_queryset(
        user,
        DocumentRequest.objects.filter(fulfilled_at__isnull=False, application__partner__status__in=CHECKING),
        "application__community",
    ).aggregate(n=Count("application_id", distinct=True), due=Min("fulfilled_at"))
    items.append(
        DeskItem(
            label=_("已补交材料待查看的申请"),
            count=returned["n"],
            url=f"{url}?documents=returned",
            due=as_date(returned["due"]),
        )
    )
    return items
