from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.cache import public_pages_show


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("服务与监管")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from partners.public import partner_page_scope

        from . import coverage, desk, dossier, events, facts, handlers, inspection, retention, rules  # noqa: F401  (registries, receivers)
        from .models import Feedback, Recognition
        from .summaries import summaries_connect

        # The dashboard's summary rows follow every change to the records they count.
        summaries_connect()

        # Approved feedback and commendations show on the public partner page only.
        public_pages_show(Feedback, scopes=lambda feedback: [partner_page_scope(feedback.partner_id)])
        public_pages_show(Recognition, scopes=lambda item: [partner_page_scope(item.partner_id)])
