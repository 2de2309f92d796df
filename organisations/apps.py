from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    """The registry of community organisations in three tiers (长宁 seed 003, 四(一)2)."""

    name = "organisations"
    verbose_name = _("社区组织名录")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from . import dossier, events, retention, rules  # noqa: F401  (permissions, dossier section, audit actions)
