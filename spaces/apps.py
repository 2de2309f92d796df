from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.cache import public_pages_show


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("空间与三张清单")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from partners.public import partner_page_scope

        from . import dossier, events, rules  # noqa: F401  (permissions, dossier section, audit actions)
        from .models import TimeSlot

        # A slot shows in its partner's weekly schedule, on the partner's page only.
        public_pages_show(
            TimeSlot, scopes=lambda slot: [partner_page_scope(slot.partner_id)] if slot.partner_id else []
        )
