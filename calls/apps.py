from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    """Recruitment calls, applications and their documents — rulebook 五(一)."""

    name = "calls"
    verbose_name = _("招募与申请")

    def ready(self):
        from portal.cache import public_pages_show

        from . import dossier, events, rules  # noqa: F401  (dossier section 10, audit actions, perms)
        from .models import RecruitmentCall

        public_pages_show(RecruitmentCall)
