"""Load the demo street, its communities, accounts and partners at every stage.

Idempotent: each step creates what is missing and moves only the demo
partners that are still exactly where that step expects them.
"""

from importlib import import_module, util

from django.core.management.base import BaseCommand
from django.db import transaction

# Each module has load(ctx); they run in the order of the lifecycle.
DEMO_STEPS = [
    "portal.demo",
    "spaces.demo",
    "calls.demo",
    "reviews.demo",
    "notices.demo",
    "agreements.demo",
    "services.demo",
    "agreements.demo_reminders",
]


class Command(BaseCommand):
    help = "Load (or top up) the demo data. Safe to run more than once."

    def handle(self, *args, **options):
        ctx = {}
        for name in DEMO_STEPS:
            if util.find_spec(name) is None:
                continue
            with transaction.atomic():
                import_module(name).load(ctx)
            self.stdout.write(f"demo: {name} loaded")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
