"""Reactions to other apps' events; each hands over to a domain function at once."""

import logging

from django.dispatch import receiver

from partners.signals import partner_transitioned

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
