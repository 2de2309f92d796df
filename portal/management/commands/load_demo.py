"""Load the demo street, its communities, accounts and partners at every stage.

Idempotent: each step creates what is missing and moves only the demo
partners that are still exactly where that step expects them.
"""

from importlib import import_module, util

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

# The steps (modules with load(ctx), in the order of the lifecycle) are named in
# settings.PORTAL_DEMO_STEPS: the foundation does not know the apps built on it.


class Command(BaseCommand):
    help = "Load (or top up) the demo data. Safe to run more than once."

    def handle(self, *args, **options):
        ctx = {}
        for name in settings.PORTAL_DEMO_STEPS:
            if util.find_spec(name) is None:
                continue
            with transaction.atomic():
                import_module(name).load(ctx)
            self.stdout.write(f"demo: {name} loaded")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
