"""Set a street's pieces of the other four policies from programme presets (issue 20)."""

from django.core.management.base import BaseCommand, CommandError

from portal.domain import street_programmes_apply
from portal.features import Programme
from portal.models import Street


class Command(BaseCommand):
    help = "Apply programme presets to a street, e.g. `street_programmes 华阳街道 chengdu xuhui` (none: 崇明, all off)."

    def add_arguments(self, parser):
        parser.add_argument("street", help="the street's name")
        parser.add_argument(
            "programmes", nargs="*", choices=[p for p in Programme.values if p != "chongming"]
        )

    def handle(self, *args, street, programmes, **options):
        found = Street.objects.filter(name=street).first()
        if found is None:
            raise CommandError(f"No street named {street!r}.")
        enabled = street_programmes_apply(street=found, programmes=programmes, by=None)
        self.stdout.write(f"{found}: {', '.join(enabled) or 'nothing'} on.")
