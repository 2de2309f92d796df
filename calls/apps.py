from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.cache import public_pages_show


class CallsConfig(AppConfig):
    """Recruitment calls, applications and their documents — rulebook 五(一)."""

    name = "calls"
    verbose_name = _("招募与申请")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from . import dossier, events, handlers, rules  # noqa: F401  (dossier section 10, audit actions, receivers, perms)
        from .models import RecruitmentCall

        public_pages_show(RecruitmentCall)
