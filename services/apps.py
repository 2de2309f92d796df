from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("服务与监管")

    def ready(self):
        from portal.cache import public_pages_show

        from . import dossier, events, facts, handlers, rules  # noqa: F401  (registries, receivers)
        from .models import Feedback, Recognition

        # Approved feedback and commendations show on the public partner page.
        public_pages_show(Feedback, Recognition)
