"""The audit actions of the community organisations registry (portal.events)."""

from django.utils.translation import gettext_lazy as _

from portal.events import register_events

from .models import FilingStatus

register_events(
    {
        "organisations.organisation.registered": _("登记社区组织"),
        "organisations.organisation.changed": _("修改社区组织信息"),
        "organisations.organisation.personal_data_erased": _("已撤销备案团队的联系人到期删除"),
    }
)

register_events(
    {
        "organisations.organisation.filed": _("群众活动团队备案"),
        "organisations.organisation.filing_revoked": _("撤销群众活动团队备案"),
    },
    states=FilingStatus,
)
