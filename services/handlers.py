"""Reactions to other apps' events; each hands over to a domain function at once."""

import logging

from django.dispatch import receiver

from partners.signals import partner_transitioned

logger = logging.getLogger(__name__)


@receiver(partner_transitioned, dispatch_uid="services.partner_signed")
def on_partner_transitioned(sender, partner, transition, by=None, **kwargs):
    if transition.transition != "sign":
        return
    from .domain import partner_signed

    # Runs after the signing committed: a failure here must not undo or hide
    # the signing; staff can resend the invitation from the admin.
    try:
        partner_signed(partner=partner, by=by)
    except Exception:
        logger.exception("Could not open the account of partner %s after signing", partner.pk)


def _connect_public_cache():
    """Approved feedback and commendations show on the public partner page: refresh it."""
    from django.db.models.signals import post_save

    from partners.domain.notices import _bump_after_commit

    from .models import Feedback, Recognition

    for model in (Feedback, Recognition):
        post_save.connect(_bump_after_commit, sender=model, dispatch_uid=f"public-cache-{model.__name__}")


_connect_public_cache()
