from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("服务与监管")

    def ready(self):
        from . import dossier, facts, handlers, rules  # noqa: F401  (register facts, sections, receivers)
