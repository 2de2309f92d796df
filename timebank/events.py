"""The audit actions of the time bank (portal.events)."""

from django.utils.translation import gettext_lazy as _

from portal.events import register_events

register_events(
    {
        "timebank.volunteer.registered": _("登记志愿者"),
        "timebank.volunteer.changed": _("修改志愿者信息"),
        "timebank.settings.changed": _("修改时间银行积分标准"),
        "timebank.volunteer_credit.added": _("登记志愿服务时数"),
        "timebank.benefit.created": _("新增兑换项目"),
        "timebank.benefit.changed": _("修改兑换项目"),
        "timebank.redemption.recorded": _("办理积分兑换"),
        "timebank.volunteer.personal_data_erased": _("志愿者手机号到期删除"),
    }
)
