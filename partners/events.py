"""How the lifecycle's words read: transition names and statuses.

The lifecycle writes its history as PartnerTransition rows, not audit
events, so it registers no audit actions. The labels live in
partners.domain.TRANSITION_LABELS today; everything that shows a
transition goes through `transition_label` so the labels can move.
"""

from .models import PartnerStatus


def transition_label(name: str):
    from .domain import TRANSITION_LABELS

    return TRANSITION_LABELS.get(name, name)


def status_label(value: str):
    if value in PartnerStatus.values:
        return PartnerStatus(value).label
    return value
