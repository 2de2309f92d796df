"""The notice part of the staff desk (portal.desk): objections to handle, filings to acknowledge."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.desk import DeskItem, as_date, desk_provider
from portal.models import Role
from portal.rules import scope_queryset, user_role

from .models import FilingReceiptStatus, Objection, ObjectionStatus
from .rules import filing_receipts_received_by


@desk_provider(order=40)
def desk_items(user) -> list[DeskItem]:
    """Open objections the street investigates (rulebook 五(二)3): those assigned to this
    person or to nobody yet, due by the end of the notice period."""
    if not (user.is_superuser or user_role(user) == Role.STREET_STAFF):
        return []
    open_ = scope_queryset(
        user,
        Objection.objects.filter(status=ObjectionStatus.OPEN).filter(
            Q(assigned_to=user) | Q(assigned_to__isnull=True)
        ),
        "entry__partner__community",
    ).aggregate(n=Count("id"), due=Min("notice__ends_at"))
    url = reverse("admin:notices_objection_changelist")
    return [
        DeskItem(
            label=_("待处理的异议"),
            count=open_["n"],
            url=f"{url}?status__exact={ObjectionStatus.OPEN}",
            due=as_date(open_["due"]),
        )
    ]


@desk_provider(order=45)
def filing_items(user) -> list[DeskItem]:
    """Filings of notice results sent to an office this account is the clerk of, not yet
    acknowledged or returned (rulebook 五(二)3 公示结果报备案), oldest first. Shown on the
    admin home and on the clerk's own page, 收到的备案 (/filings/)."""
    waiting = (
        filing_receipts_received_by(user)
        .filter(status=FilingReceiptStatus.SENT)
        .aggregate(n=Count("id"), due=Min("sent_at"))
    )
    return [
        DeskItem(
            label=_("待签收的备案"),
            count=waiting["n"],
            url=f"{reverse('notices:filing_inbox')}?status={FilingReceiptStatus.SENT}",
            due=as_date(waiting["due"]),
        )
    ]
