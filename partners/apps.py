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
        from portal.models import Community

        from . import events, rules  # noqa: F401  (permissions, audit actions)
        from .checks import (
            check_batch_readers_match,
            check_facts_provided,
            check_providers_asked,
            check_steps_follow_main_line,
        )
        from .models import SERVING, Partner
        from .public import community_directory_scopes, partner_public_scopes
        from .signals import partner_transitioned

        checks.register(check_facts_provided)
        checks.register(check_providers_asked)
        checks.register(check_batch_readers_match)
        checks.register(check_steps_follow_main_line)
        # A partner's page, and the directory lists it is on (never the whole city's pages).
        public_pages_show(Partner, scopes=partner_public_scopes)
        # A community's name heads its partners in the directory.
        public_pages_show(Community, scopes=community_directory_scopes)

        def leaving_or_entering_lists(sender, partner, transition, **kwargs):
            # Sent after commit. A partner leaving the serving states leaves the lists it was on.
            public_cache_bump(*partner_public_scopes(partner, was_serving=transition.from_state in SERVING))

        partner_transitioned.connect(
            leaving_or_entering_lists, weak=False, dispatch_uid="public-cache-transition"
        )
