from django.core.management.base import BaseCommand

from ...diagram import lifecycle_mermaid


class Command(BaseCommand):
    help = "Print the partner lifecycle as a Mermaid state diagram (docs/partner-lifecycle.md)."

    def handle(self, *args, **options):
        self.stdout.write(lifecycle_mermaid(), ending="")
