from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from portal.cache import public_cache_bump, public_pages_show


class PartnersConfig(AppConfig):
    """The partner lifecycle: one state machine from application to exit — rulebook 四–六."""

    name = "partners"
    verbose_name = _("睦邻合伙人")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from . import events, rules  # noqa: F401  (labels, permissions)
        from .checks import check_facts_provided, check_providers_asked
        from .models import Partner
        from .signals import partner_transitioned

        checks.register(check_facts_provided)
        checks.register(check_providers_asked)
        public_pages_show(Partner)
        partner_transitioned.connect(public_cache_bump, dispatch_uid="public-cache-transition")
