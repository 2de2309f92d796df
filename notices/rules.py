"""Who may do what with public notices and objections (rulebook 五(二)3)."""

import rules

from partners.rules import can_decide_for_street
from portal.rules import (
    can_view_in_scope,
    is_level_staff,
    is_street_staff,
    is_superuser,
    scope_q,
    street_scope_q,
    user_role,
)

from .models import FilingReceipt, FilingReceiptStatus, Objection, PublicNotice


@rules.predicate
def notice_in_users_street(user, notice):
    """The notice belongs to the street this staff member works for."""
    if notice is None:
        return True
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    return profile is not None and profile.street_id == notice.street_id


# Notices are a street decision (党工委会议): street staff draft, publish and file.
can_manage_notice = is_superuser | (is_street_staff & notice_in_users_street)
# Objections are investigated by the street; community staff may read their own.
can_view_objection = can_view_in_scope  # district and city staff read too (issue 15)
can_investigate_objection = can_decide_for_street

rules.add_perm("notices.view_publicnotice", is_superuser | is_street_staff)
rules.add_perm("notices.add_publicnotice", is_superuser | is_street_staff)
rules.add_perm("notices.change_publicnotice", can_manage_notice)
rules.add_perm("notices.delete_publicnotice", can_manage_notice)
rules.add_perm("notices.view_noticeentry", is_superuser | is_street_staff)
rules.add_perm("notices.view_objection", can_view_objection)
rules.add_perm("notices.change_objection", can_investigate_objection)


def notices_visible_to(user, qs=None):
    """Notices a staff member may see in the back office: their street's, or all."""
    qs = PublicNotice.objects.all() if qs is None else qs
    if getattr(user, "is_superuser", False):
        return qs
    if user_role(user) not in ("street_staff", "district_staff", "city_staff"):
        return qs.none()
    return qs.filter(street_scope_q(user, "street"))


def objections_visible_to(user, qs=None):
    qs = Objection.objects.all() if qs is None else qs
    return qs.filter(scope_q(user, "entry__partner__community"))


# --- Filing receipts (备案签收): the recipient organisations' own accounts ---------------


@rules.predicate
def is_filing_recipient_member(user, receipt):
    """One of the accounts of the organisation this filing was sent to (FilingRecipient.members)."""
    if receipt is None or not getattr(user, "is_authenticated", False):
        return False
    return receipt.recipient.members.filter(pk=user.pk).exists()


@rules.predicate
def filing_awaits_answer(user, receipt):
    """Not yet acknowledged or returned: a recipient answers a filing once only (rulebook 五(二)3)."""
    return receipt is not None and receipt.status == FilingReceiptStatus.SENT


@rules.predicate
def receipt_in_users_street(user, receipt):
    """The filing was sent by the street this staff member works for."""
    return receipt is not None and notice_in_users_street(user, receipt.notice)


# The recipient answers for itself: street staff and the superuser read, never sign for it.
can_answer_filing = is_filing_recipient_member & filing_awaits_answer
can_view_filing_receipt = (
    is_filing_recipient_member | is_superuser | (is_street_staff & receipt_in_users_street)
)

# District and city staff read the receipts of the streets below them (issue 15), never act.
rules.add_perm("notices.view_filingreceipt", is_superuser | is_street_staff | is_level_staff)
rules.add_perm("notices.view_filingrecipient", is_superuser | is_street_staff)
rules.add_perm("notices.add_filingrecipient", is_superuser | is_street_staff)
rules.add_perm("notices.change_filingrecipient", is_superuser | is_street_staff)


def filing_receipts_received_by(user, qs=None):
    """Filings sent to the organisations this account belongs to (its "收到的备案")."""
    qs = FilingReceipt.objects.all() if qs is None else qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(recipient__members=user)


def filing_receipts_visible_to(user, qs=None):
    """Receipts street staff see for their street's filings (the superuser all)."""
    qs = FilingReceipt.objects.all() if qs is None else qs
    return qs.filter(notice__in=notices_visible_to(user))
