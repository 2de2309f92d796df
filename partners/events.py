"""How the lifecycle's words read: transition names and statuses.

The lifecycle writes its history as PartnerTransition rows, not audit
events, so it registers no audit actions; the labels come from the one
declaration in partners/workflow.py.
"""

from . import workflow
from .models import PartnerStatus


def transition_label(name: str):
    return workflow.label(name)


def status_label(value: str):
    if value in PartnerStatus.values:
        return PartnerStatus(value).label
    return value
