from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("评审与决定")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from . import desk, dossier, events, facts, handlers, rules  # noqa: F401  (registries, mail, perms)
