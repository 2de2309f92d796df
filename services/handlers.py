"""Reactions to other apps' events; each hands over to a domain function at once."""

from django.dispatch import receiver

from partners.signals import partner_transitioned


@receiver(partner_transitioned, dispatch_uid="services.partner_signed")
def on_partner_transitioned(sender, partner, transition, by=None, **kwargs):
    if transition.transition == "sign":
        from .domain import partner_signed

        partner_signed(partner=partner, by=by)
