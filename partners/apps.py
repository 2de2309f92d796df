from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("招募与合伙人")

    def ready(self):
        from . import dossier_applications, facts, rules_applications  # noqa: F401
        from .domain import notices  # noqa: F401  (permissions, cache invalidation, dossier 50)
