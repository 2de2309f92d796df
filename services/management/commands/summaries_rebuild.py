"""`manage.py summaries_rebuild`: recompute the dashboard's summary rows from the source records."""

import time

from django.core.management.base import BaseCommand

from services.summaries import summaries_rebuild


class Command(BaseCommand):
    help = "Recompute the statistics dashboard's summary rows (per community and month) from the records."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = summaries_rebuild()
        self.stdout.write(
            "summaries rebuilt in {:.1f} s: {community_months} community months, {street_months} street months, "
            "{communities} communities".format(time.perf_counter() - started, **counts)
        )
