"""Reactions to other apps' events; each hands over to a domain function at once."""

import logging

from django.dispatch import receiver

from messaging.domain import message_queue, person_recipients
from partners.signals import partner_transition_recorded, partner_transitioned
from portal.choices import ExitReason

from .domain import partner_signed

logger = logging.getLogger(__name__)


@receiver(partner_transitioned, dispatch_uid="services.partner_signed")
def on_partner_transitioned(sender, partner, transition, by=None, **kwargs):
    if transition.transition != "sign":
        return

    # Runs after the signing committed: a failure here must not undo or hide
    # the signing; staff can resend the invitation from the admin.
    try:
        partner_signed(partner=partner, by=by)
    except Exception:
        logger.exception("Could not open the account of partner %s after signing", partner.pk)


@receiver(partner_transition_recorded, dispatch_uid="services.exit_message")
def tell_partner_of_exit(sender, partner, transition, by=None, **kwargs):
    """The partner is told of its exit, with the reason — rulebook 六(二)3 (退出程序)."""
    if transition.transition != "exit":
        return
    application = partner.application
    message_queue(
        code="services.exit",
        to=person_recipients(
            email=application.email, mobile=application.mobile, name=application.contact_name
        ),
        params={"partner": partner.name, "reason": _exit_reason(transition)},
        cause=transition,
        partner_id=partner.pk,
        community_id=partner.community_id,
    )


def _exit_reason(transition) -> str:
    reason = (transition.data or {}).get("reason", "")
    return str(ExitReason(reason).label) if reason in ExitReason.values else transition.note
