"""The audit actions partners writes beside its status history (portal.events)."""

from django.utils.translation import gettext_lazy as _

from portal.events import register_events

register_events(
    {
        "partners.partner.organisation_linked": _("关联社区组织"),
        "partners.partner.organisation_unlinked": _("取消关联社区组织"),
    }
)
