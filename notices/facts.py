"""Facts this app provides to the partner state machine (see partners/guards.py).

Imported from PartnersConfig.ready(). Rulebook 五(二)3: the notice must have
run its full period with no objection left open or upheld.
"""

from partners.guards import provide

from .domain import partner_notice_period_over
from .models import NoticeEntry, NoticeStatus, Objection, ObjectionStatus


@provide("notice_published")
def notice_published(partner) -> bool:
    """A published (or ended) notice lists the partner."""
    return NoticeEntry.objects.filter(partner=partner).exclude(notice__status=NoticeStatus.DRAFT).exists()


@provide("notice_period_over")
def notice_period_over(partner) -> bool:
    """That notice ran at least the street's minimum days and its end has passed."""
    return partner_notice_period_over(partner)


@provide("objection_open")
def objection_open(partner) -> bool:
    return Objection.objects.filter(entry__partner=partner, status=ObjectionStatus.OPEN).exists()


@provide("objection_upheld")
def objection_upheld(partner) -> bool:
    return Objection.objects.filter(entry__partner=partner, status=ObjectionStatus.UPHELD).exists()
