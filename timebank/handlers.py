"""Reactions to services' events; each hands over to a domain function at once (inside its transaction)."""

from django.dispatch import receiver

from services.models import LogStatus
from services.signals import servicelog_status_changed

from .domain import points_for_verified_log, points_for_withdrawn_log


@receiver(servicelog_status_changed, dispatch_uid="timebank.points")
def on_servicelog_status_changed(sender, log, from_state, to_state, by=None, **kwargs):
    if to_state == LogStatus.VERIFIED:
        points_for_verified_log(log=log, by=by)
    elif from_state == LogStatus.VERIFIED:
        points_for_withdrawn_log(log=log, by=by)
