"""Messengers for the review stage's transitions (run after the transition commits)."""

from django.dispatch import receiver

from messaging.domain import message_queue, person_recipients
from partners.models import PartnerStatus
from partners.signals import partner_transitioned


@receiver(partner_transitioned, dispatch_uid="reviews.vetting_rejected_mail")
def tell_applicant_vetting_failed(sender, partner, transition, by=None, **kwargs):
    """A rejection after joint vetting is told to the applicant, politely, with the reasons.

    Whichever button made it (the vetting action or the partner's own page),
    the e-mail carries the note recorded on the transition.
    """
    if transition.transition != "reject" or transition.from_state != PartnerStatus.VETTING:
        return
    application = partner.application
    message_queue(
        code="reviews.vetting_rejected",
        to=person_recipients(
            email=application.email, mobile=application.mobile, name=application.contact_name
        ),
        context={"application": application, "reasons": transition.note, "street": partner.community.street},
        params={"reference": application.reference},
        cause=transition,
        partner_id=partner.pk,
        community_id=partner.community_id,
    )
