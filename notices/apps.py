from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.cache import public_pages_show


class NoticesConfig(AppConfig):
    """Public notices (公示), objections and filing — rulebook 五(二)3."""

    name = "notices"
    verbose_name = _("公示与异议")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from portal.views import register_start_page

        from . import desk, dossier, events, facts, retention, rules  # noqa: F401  (desk, dossier 50, audit actions, facts, perms)
        from .domain import NOTICES_SCOPE, notice_page_scope
        from .models import NoticeEntry, PublicNotice

        # deferred with the rest of ready(): a recipient's clerk starts at the filings received
        register_start_page(lambda user: user.filing_recipients.exists(), "/filings/")

        public_pages_show(PublicNotice, scopes=lambda notice: [NOTICES_SCOPE, notice_page_scope(notice.pk)])
        public_pages_show(
            NoticeEntry, scopes=lambda entry: [NOTICES_SCOPE, notice_page_scope(entry.notice_id)]
        )
