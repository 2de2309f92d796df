"""Reactions to the lifecycle's transitions that concern the application."""

from django.dispatch import receiver

from partners.models import PartnerStatus
from partners.signals import partner_transitioned
from portal.domain import audit_log


@receiver(partner_transitioned, dispatch_uid="calls.application_withdrawn")
def record_application_withdrawn(sender, partner, transition, by=None, **kwargs):
    """Every withdrawal leaves the same audit event on the application, whichever
    door took it (the applicant's status link, the admin button, the API)."""
    if transition.transition != "withdraw":
        return
    audit_log(
        subject=partner.application,
        action="calls.application.withdrawn",
        actor=by,
        to_state=PartnerStatus.WITHDRAWN,
        note=transition.note,
    )
