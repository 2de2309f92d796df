"""Facts the partner lifecycle asks of agreements (see partners/guards.py)."""

from partners.guards import provide, provide_many
from partners.models import PartnerStatus
from portal.dates import local_today

from .domain import (
    current_term,
    current_terms,
    latest_signed_term,
    signed_successor,
    term_in_renewal_window,
)
from .models import Agreement, AgreementKind, AgreementStatus


@provide("first_agreement_signed")
def first_agreement_signed(partner) -> bool:
    """The first (trial) agreement is signed by all three parties — 五(三)1."""
    return Agreement.objects.filter(
        partner=partner, kind=AgreementKind.FIRST, status=AgreementStatus.SIGNED
    ).exists()


@provide("renewal_agreement_signed")
def renewal_agreement_signed(partner) -> bool:
    """The next term is signed by all three parties.

    For a partner awaiting renewal that is a renewal signed since it became
    due (it may start already, if signed late); otherwise a renewal signed
    ahead of time that has not started yet.
    """
    term = latest_signed_term(partner)
    if term is None or term.kind != AgreementKind.RENEWAL:
        return False
    if partner.status == PartnerStatus.RENEWAL_DUE:
        return term.signed_at >= partner.status_changed_at
    return term.start_date > local_today()


@provide("renewal_window_open")
def renewal_window_open(partner) -> bool:
    """The current signed term ends within the street's reminder window (Asia/Shanghai) — 五(三)2."""
    term = current_term(partner)
    return term is not None and term_in_renewal_window(term) and signed_successor(term) is None


@provide_many("renewal_window_open")
def renewal_window_open_many(partners) -> set[int]:
    """`renewal_window_open` for a batch (the renewal scan's), in one query."""
    terms = current_terms([p.pk for p in partners])
    return {
        pk for pk, term in terms.items() if term_in_renewal_window(term) and not term.has_signed_successor
    }
