"""Load the demo street, its communities, accounts and partners at every stage.

Idempotent: each step creates what is missing and moves only the demo
partners that are still exactly where that step expects them.
"""

import contextlib
import datetime as dt
from importlib import import_module, util
from unittest import mock

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

# The steps (modules with load(ctx), in the order of the lifecycle) are named in
# settings.PORTAL_DEMO_STEPS: the foundation does not know the apps built on it.
# settings.PORTAL_DEMO_DAYS_AGO says how long ago a step's part of the story
# happened: the domain records times itself (nothing can be backdated), so the
# demo replays those steps with the clock set back, and every record keeps the
# order of the story (applications before the notice that lists them).


@contextlib.contextmanager
def _as_of(days_ago: int):
    if not days_ago:
        yield
        return
    moment = timezone.now() - dt.timedelta(days=days_ago)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class Command(BaseCommand):
    help = "Load (or top up) the demo data. Safe to run more than once."

    def handle(self, *args, **options):
        ctx = {}
        for name in settings.PORTAL_DEMO_STEPS:
            if util.find_spec(name) is None:
                continue
            with transaction.atomic(), _as_of(settings.PORTAL_DEMO_DAYS_AGO.get(name, 0)):
                import_module(name).load(ctx)
            self.stdout.write(f"demo: {name} loaded")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
