"""Messengers for the review stage's transitions (run after the transition commits)."""

from django.dispatch import receiver

from partners.models import PartnerStatus
from partners.signals import partner_transitioned
from portal.mail import queue_mail


@receiver(partner_transitioned, dispatch_uid="reviews.vetting_rejected_mail")
def tell_applicant_vetting_failed(sender, partner, transition, by=None, **kwargs):
    """A rejection after joint vetting is told to the applicant, politely, with the reasons.

    Whichever button made it (the vetting action or the partner's own page),
    the e-mail carries the note recorded on the transition.
    """
    if transition.transition != "reject" or transition.from_state != PartnerStatus.VETTING:
        return
    application = partner.application
    queue_mail(
        to=application.email,
        template_prefix="reviews/email/vetting_rejected",
        context={"application": application, "reasons": transition.note, "street": partner.community.street},
    )
