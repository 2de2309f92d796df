from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.cache import public_pages_show


class CallsConfig(AppConfig):
    """Recruitment calls, applications and their documents — rulebook 五(一)."""

    name = "calls"
    verbose_name = _("招募与申请")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from partners.public import partner_public_scopes_by_id

        from . import desk, dossier, events, handlers, retention, rules  # noqa: F401  (desk, dossier 10, audit actions, receivers, perms)
        from .domain import CALLS_SCOPE, call_page_scope
        from .models import Application, RecruitmentCall

        public_pages_show(RecruitmentCall, scopes=lambda call: [CALLS_SCOPE, call_page_scope(call.pk)])
        # The applicant's name and project title show on a serving partner's page and the directory.
        public_pages_show(
            Application, scopes=lambda application: partner_public_scopes_by_id(application.partner_id)
        )
