"""The messages reports send (messaging.catalogue): reminders and returns, to the partner."""

from django.utils.translation import gettext_lazy as _

from messaging.catalogue import MessageType, register_messages

register_messages(
    MessageType(
        "reports.monthly_due",
        _("月度进展报告待提交"),
        "partner",
        sms=_("提醒：%(month)s进展报告待提交，社区须在%(due)s前确认，请尽快登录提交。"),
        subject=_("%(month)s月度进展报告待提交"),
        body=_(
            "%(partner)s：%(month)s的月度进展报告已根据已核实的服务记录生成，请登录补充工作进展后提交，"
            "社区须在%(due)s前确认。"
        ),
        optional=True,
        rulebook="晋江 五3",
    ),
    MessageType(
        "reports.monthly_returned",
        _("月度进展报告被退回"),
        "partner",
        sms=_("您%(month)s的月度进展报告被退回，请登录查看原因并修改后重新提交。"),
        subject=_("%(month)s月度进展报告被退回"),
        body=_("%(partner)s：您%(month)s的月度进展报告被社区退回，请登录查看原因并修改后重新提交。"),
        rulebook="晋江 五3",
    ),
    MessageType(
        "reports.self_evaluation_returned",
        _("自评报告被退回"),
        "partner",
        sms=_("您的%(kind)s被退回，请登录查看原因并修改后重新提交。"),
        subject=_("%(kind)s被退回"),
        body=_("%(partner)s：您的%(kind)s被社区退回，请登录查看原因并修改后重新提交。"),
        rulebook="晋江 四4",
    ),
)
