from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("月度报告与资金明细")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from . import catalogue, desk, dossier, events, menu, public, rules  # noqa: F401  (registries, receivers)
