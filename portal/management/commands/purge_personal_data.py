"""Erase personal data past its retention period (PIPL), as the nightly task does.

manage.py purge_personal_data --dry-run   # count what is due, change nothing
manage.py purge_personal_data             # erase it, one audit event per record
"""

from django.core.management.base import BaseCommand

from portal.retention import personal_data_purge, retention_rules


class Command(BaseCommand):
    help = "Erase personal data past its retention period (files deleted, fields blanked, audited)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count the records that are due.")

    def handle(self, *args, dry_run=False, **options):
        counts = personal_data_purge(dry_run=dry_run)
        verb = "due" if dry_run else "erased"
        for rule in retention_rules():
            self.stdout.write(f"{rule.kind} (kept {rule.months} months): {counts[rule.kind]} {verb}")
