"""The audit actions about public notices and objections (portal.events)."""

from django.utils.translation import gettext_lazy as _

from portal.events import register_events

from .models import FilingReceiptStatus, NoticeStatus, ObjectionStatus

register_events(
    {
        "notices.notice.created": _("新建公示"),
        "notices.notice.changed": _("修改公示"),
        "notices.notice.published": _("发布公示"),
        "notices.notice.ended": _("公示期满"),
        "notices.notice.filed": _("公示结果报备"),
    },
    states=NoticeStatus,
)

register_events(
    {
        "notices.objection.filed": _("收到异议"),
        "notices.objection.investigated": _("记录异议调查"),
        # notices.domain writes f"notices.objection.{new_status}" for the two conclusions.
        "notices.objection.upheld": _("异议成立"),
        "notices.objection.dismissed": _("异议不成立"),
    },
    states=ObjectionStatus,
)

# PIPL retention (notices/retention.py): what was erased is in the event's data, never the values.
register_events({"notices.objection.personal_data_erased": _("异议人电话到期删除")})
register_events(
    {
        "notices.filing.sent": _("报送备案"),
        "notices.filing.acknowledged": _("接收单位签收备案"),
        "notices.filing.returned": _("接收单位退回备案"),
    },
    states=FilingReceiptStatus,
)
