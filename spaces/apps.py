from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("空间与三张清单")

    def ready(self):
        from portal.cache import public_pages_show

        from . import dossier, events, rules  # noqa: F401  (permissions, dossier section, audit actions)
        from .models import TimeSlot

        public_pages_show(TimeSlot)
