"""The audit actions about recruitment calls and applications (portal.events)."""

from django.utils.translation import gettext_lazy as _

from partners.models import PartnerStatus
from portal.events import register_events

from .models import CallStatus

register_events(
    {
        "calls.call.published": _("发布招募公告"),
        "calls.call.closed": _("招募公告截止"),
        "calls.call.archived": _("招募公告归档"),
    },
    states=CallStatus,
)

register_events(
    {
        "calls.application.submitted": _("提交申请"),
        "calls.application.withdrawn": _("撤回申请"),
        "calls.application.documents_requested": _("要求补充材料"),
        "calls.application.documents_supplied": _("已补充材料"),
        "calls.application.documents_accepted": _("补交材料合格"),
        "calls.application.documents_returned": _("补交材料退回重交"),
    },
    states=PartnerStatus,
)

# PIPL retention (calls/retention.py): what was erased is in the event's data, never the values.
register_events({"calls.application.personal_data_erased": _("个人信息到期删除")})

# Drafts of applications (issue 19) deleted when they expire unsubmitted (calls/retention.py).
register_events({"calls.application_draft.expired_deleted": _("申请草稿过期删除")})
