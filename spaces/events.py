"""The audit actions about spaces, time slots and the three lists (portal.events)."""

from django.utils.translation import gettext_lazy as _

from portal.events import register_events

from .models import ContactStatus

register_events(
    {
        "spaces.timeslot.created": _("登记场地使用时段"),
        "spaces.timeslot.changed": _("修改场地使用时段"),
        "spaces.timeslot.deleted": _("删除场地使用时段"),
        "spaces.timeslots.released": _("释放合伙人的场地时段"),
        # spaces.domain._list_entry_save writes f"{prefix}.created" / f"{prefix}.changed".
        "spaces.space.created": _("新增资源清单场地"),
        "spaces.space.changed": _("修改资源清单场地"),
        "spaces.need.created": _("新增居民需求"),
        "spaces.need.changed": _("修改居民需求"),
        "spaces.prospect.created": _("新增目标清单对象"),
        "spaces.prospect.changed": _("修改目标清单对象"),
        "spaces.import.uploaded": _("上传导入文件"),
        "spaces.import.confirmed": _("确认导入"),
        "spaces.import.done": _("导入完成"),
    }
)

# Written by calls.domain when a prospect is invited to apply.
register_events(
    {
        "spaces.prospect.invited": _("邀请目标对象申报"),
    },
    states=ContactStatus,
)
