"""Messengers for the review stage's transitions, written in the transition's transaction.

They listen to `partner_transition_recorded` (sent inside the transaction), so a
message exists exactly when its transition does (issue 17: the outbox loses nothing).
"""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from messaging.domain import message_queue, person_recipients
from partners.models import PartnerStatus
from partners.signals import partner_transition_recorded


def _tell_applicant(partner, transition, code: str, *, context=None, params=None) -> None:
    application = partner.application
    message_queue(
        code=code,
        to=person_recipients(
            email=application.email, mobile=application.mobile, name=application.contact_name
        ),
        context=context,
        params={"reference": application.reference, **(params or {})},
        cause=transition,
        partner_id=partner.pk,
        community_id=partner.community_id,
    )


@receiver(partner_transition_recorded, dispatch_uid="reviews.applicant_messages")
def tell_applicant(sender, partner, transition, by=None, **kwargs):
    """The applicant hears each review-stage outcome — rulebook 五(一)3, 五(二)2.

    A rejection after joint vetting is told politely, with the reasons: whichever
    button made it (the vetting action or the partner's own page), the message
    carries the note recorded on the transition.
    """
    if transition.transition == "reject" and transition.from_state == PartnerStatus.VETTING:
        _tell_applicant(
            partner,
            transition,
            "reviews.vetting_rejected",
            context={
                "application": partner.application,
                "reasons": transition.note,
                "street": partner.community.street,
            },
        )
    elif transition.transition == "shortlist":
        _tell_applicant(partner, transition, "reviews.shortlisted")
    elif transition.transition == "approve":
        _tell_applicant(partner, transition, "reviews.result", params={"result": _("拟入驻，待公示")})
    elif transition.transition == "not_select":
        _tell_applicant(partner, transition, "reviews.result", params={"result": _("未入选")})
