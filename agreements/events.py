"""The audit actions about agreements and renewal reminders (portal.events)."""

from django.utils.translation import gettext_lazy as _

from partners.models import PartnerStatus
from portal.events import register_events

from .models import AgreementStatus

register_events(
    {
        "agreements.agreement.drafted": _("草拟协议"),
        "agreements.agreement.supplement_drafted": _("草拟补充协议"),
        "agreements.agreement.target_set": _("设置服务目标"),
        "agreements.agreement.timeslot_added": _("添加协议场地时段"),
        "agreements.agreement.clauses_changed": _("修改协议条款"),
        "agreements.agreement.voided": _("作废协议"),
        "agreements.agreement.party_signed": _("一方签署协议"),
        "agreements.agreement.signed": _("三方签署完成"),
        "agreements.special_approval.recorded": _("记录特殊续签审批"),
    },
    states=AgreementStatus,
)

register_events(
    {
        "agreements.reminder.transition_refused": _("续签提醒未能变更状态"),
        # agreements.domain writes f"agreements.reminder.{kind}" for every ReminderKind.
        "agreements.reminder.window": _("发送期满前提醒"),
        "agreements.reminder.two_weeks": _("发送期满前两周提醒"),
        "agreements.reminder.end_date": _("发送期满当日提醒"),
    },
    states=PartnerStatus,
)
