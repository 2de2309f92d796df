from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("三方协议")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from . import desk, dossier, events, facts, rules  # noqa: F401  (desk, facts, dossier, events, perms)
