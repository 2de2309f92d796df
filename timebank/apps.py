from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimebankConfig(AppConfig):
    name = "timebank"
    verbose_name = _("时间银行积分")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; receivers and registries load here
        from . import dossier, events, handlers, menu, retention, rules  # noqa: F401  (registries, receivers)
        from .public import public_pages_connect

        public_pages_connect()
