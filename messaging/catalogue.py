"""The message catalogue: every message the portal sends, by code (issue 17).

Each `MessageType` says what the message is, who gets it, its e-mail form
(templates `<template>_subject.txt` / `_body.txt`, or a subject and body text
here) and its SMS form: a short text ≤ 70 characters (one segment; the
provider's template with the same variables is named in the setting
`PORTAL_SMS_TEMPLATES = {code: "SMS_…"}`).

Opt-out (`optional`): the law on commercial electronic messages requires an
opt-out for promotional messages; reminders and invitations that a person may
decline are `optional=True` and are not sent to an address on the opt-out
list. Messages that carry a decision or a procedural step the rulebook
requires the street to communicate (results, documents requested, notices,
agreement, objection receipt and outcome, exit) are `optional=False`: an
opt-out does not stop them.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _

SMS_SEGMENT = 70  # characters in one SMS segment (Chinese text, UCS-2)


@dataclasses.dataclass(frozen=True)
class MessageType:
    code: str
    label: str  # lazy
    audience: str  # applicant, reviewer, partner, objector, staff, prospect
    sms: str = ""  # short form with %(name)s variables; "" → this message has no SMS form
    template: str = ""  # e-mail templates prefix
    subject: str = ""  # or: e-mail subject and body texts with %(name)s variables
    body: str = ""
    optional: bool = False  # the recipient may opt out (see module docstring)
    rulebook: str = ""


MESSAGES: dict[str, MessageType] = {}


def register_messages(*types: MessageType) -> None:
    for message_type in types:
        MESSAGES[message_type.code] = message_type


def message_type(code: str) -> MessageType:
    try:
        return MESSAGES[code]
    except KeyError:
        raise LookupError(f"Message code {code!r} is not in messaging.catalogue") from None


def shorten(text: str, limit: int = SMS_SEGMENT) -> str:
    """`text` if it fits one SMS segment, else cut to `limit` with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sms_text(message: MessageType, params: dict[str, str]) -> str:
    """The SMS form in one segment: long variables (names, titles) are cut first."""
    if not message.sms:
        return ""
    values = {key: str(value) for key, value in params.items()}
    text = str(message.sms) % values
    while len(text) > SMS_SEGMENT:
        longest = max(values, key=lambda key: len(values[key]), default=None)
        if longest is None or len(values[longest]) <= 4:
            return shorten(text)
        values[longest] = (
            values[longest][: max(3, len(values[longest]) - (len(text) - SMS_SEGMENT) - 1)] + "…"
        )
        text = str(message.sms) % values
    return text


register_messages(
    # --- applicant ---------------------------------------------------------------
    MessageType(
        "calls.application_received",
        _("申请已收到"),
        "applicant",
        sms=_("您的睦邻合伙人申请已收到，编号%(reference)s，可凭编号和手机号查询进度。"),
        template="calls/application_submitted",
        rulebook="五（一）2",
    ),
    MessageType(
        "calls.documents_requested",
        _("请补充材料"),
        "applicant",
        sms=_("您的申请%(reference)s需补充材料：%(kind)s，请按邮件或进度查询页的说明上传。"),
        template="calls/application_documents_requested",
        rulebook="五（一）3",
    ),
    MessageType(
        "reviews.vetting_rejected",
        _("未入围"),
        "applicant",
        sms=_("很抱歉，您的申请%(reference)s未通过联审联查，未能入围，原因可在进度查询页查看。"),
        template="reviews/email/vetting_rejected",
        rulebook="五（一）3",
    ),
    MessageType(
        "reviews.shortlisted",
        _("已入围"),
        "applicant",
        sms=_("您的申请%(reference)s已通过联审联查入围，路演时间地点将另行通知。"),
        subject=_("您的申请已入围"),
        body=_("您的申请（编号 %(reference)s）已通过联审联查，进入入围名单。路演时间和地点将另行通知。"),
        rulebook="五（一）3",
    ),
    MessageType(
        "reviews.roadshow_applicant",
        _("路演时间地点"),
        "applicant",
        sms=_("路演通知：%(when)s在%(place)s，请提前15分钟到场。编号%(reference)s。"),
        subject=_("路演时间和地点"),
        body=_("您的申请（编号 %(reference)s）的路演定于 %(when)s 在 %(place)s 举行，请提前15分钟到场。"),
        rulebook="五（二）1",
    ),
    MessageType(
        "reviews.result",
        _("评审结果"),
        "applicant",
        sms=_("您的申请%(reference)s评审结果：%(result)s。详情请在进度查询页查看。"),
        subject=_("评审结果"),
        body=_("您的申请（编号 %(reference)s）评审结果：%(result)s。"),
        rulebook="五（二）2",
    ),
    MessageType(
        "notices.published_applicant",
        _("公示已发布"),
        "applicant",
        sms=_("拟入驻名单已公示：%(title)s，公示期至%(end)s。"),
        subject=_("拟入驻名单已公示"),
        body=_("“%(title)s”已发布，公示期至 %(end)s，公示无异议后将签订三方协议。"),
        rulebook="五（二）3",
    ),
    MessageType(
        "agreements.ready_to_sign",
        _("协议待签署"),
        "applicant",
        sms=_("三方协议%(number)s已备好，请与社区联系约定签署时间。"),
        subject=_("三方协议待签署"),
        body=_("三方协议 %(number)s 已备好，请与社区联系约定签署时间。"),
        rulebook="五（三）1",
    ),
    # --- reviewer ----------------------------------------------------------------
    MessageType(
        "reviews.roadshow_reviewer",
        _("路演安排（评审）"),
        "reviewer",
        sms=_("评审邀请：%(when)s在%(place)s举行路演评审，请准时参加。"),
        subject=_("路演评审安排"),
        body=_("路演评审定于 %(when)s 在 %(place)s 举行，请准时参加。"),
        rulebook="五（二）1",
    ),
    MessageType(
        "reviews.scoring_open",
        _("评分已开放"),
        "reviewer",
        sms=_("路演“%(title)s”评分已开放，请登录提交评分表。"),
        subject=_("路演评分已开放"),
        body=_("路演“%(title)s”的评分已开放，请登录后台提交您的评分表。"),
        rulebook="五（二）1",
    ),
    MessageType(
        "reviews.scoring_closes_tomorrow",
        _("评分明日截止"),
        "reviewer",
        sms=_("提醒：路演“%(title)s”评分明日截止，您的评分表尚未提交。"),
        subject=_("评分明日截止"),
        body=_("路演“%(title)s”的评分明日截止，您的评分表尚未提交，请尽快登录提交。"),
        optional=True,
        rulebook="五（二）1",
    ),
    # --- partner -----------------------------------------------------------------
    MessageType(
        "services.partner_invitation",
        _("合伙人账号邀请"),
        "partner",
        sms=_("睦邻合伙人账号已开通，请查收邮件设置密码后登录填报服务记录。"),
        template="services/mail/partner_invitation",
        rulebook="六（二）1",
    ),
    MessageType(
        "services.logs_due",
        _("本月服务记录待提交"),
        "partner",
        sms=_("提醒：本月尚未提交公益服务记录，请在月底前登录填报。"),
        subject=_("本月服务记录待提交"),
        body=_("%(partner)s：本月尚未提交公益服务记录，请在月底前登录填报。"),
        optional=True,
        rulebook="六（二）1",
    ),
    MessageType(
        "services.log_returned",
        _("服务记录被退回"),
        "partner",
        sms=_("您%(date)s的服务记录被退回，请登录查看原因并修改后重新提交。"),
        template="services/mail/log_reviewed",
        rulebook="六（二）1",
    ),
    MessageType(
        "services.pace_warning",
        _("服务进度提醒"),
        "partner",
        sms=_("提醒：%(partner)s的公益服务进度落后于协议约定，请尽快补足。"),
        template="services/mail/pace_warning",
        optional=True,
        rulebook="六（一）2",
    ),
    MessageType(
        "services.evaluation_scheduled",
        _("评估安排"),
        "partner",
        sms=_("评估通知：%(when)s对%(partner)s进行运行评估，请做好准备。"),
        subject=_("运行评估安排"),
        body=_("%(partner)s：运行评估定于 %(when)s 进行，请准备服务记录和相关材料。"),
        rulebook="五（三）2",
    ),
    MessageType(
        "agreements.renewal_partner",
        _("续签提醒（合伙人）"),
        "partner",
        sms=_("协议将于%(end)s到期，社区将根据评估情况商议续签，请留意通知。"),
        template="agreements/email/renewal_reminder_partner",
        rulebook="五（三）2",
    ),
    MessageType(
        "services.exit",
        _("退出通知"),
        "partner",
        sms=_("%(partner)s已按程序退出睦邻合伙人项目，原因：%(reason)s。"),
        subject=_("退出通知"),
        body=_("%(partner)s已按《监督管理细则》退出睦邻合伙人项目，原因：%(reason)s。"),
        rulebook="六（二）3",
    ),
    MessageType(
        "calls.prospect_invitation",
        _("邀请申报"),
        "prospect",
        sms=_("诚邀您申报睦邻合伙人：%(call)s，详情请查收邮件。"),
        template="spaces/mail/prospect_invitation",
        optional=True,
        rulebook="五（一）1",
    ),
    # --- objector ----------------------------------------------------------------
    MessageType(
        "notices.objection_received",
        _("异议已收到"),
        "objector",
        sms=_("您对公示提出的异议已收到，编号%(reference)s，街道将调查核实并回复。"),
        rulebook="五（二）3",
    ),
    MessageType(
        "notices.objection_outcome",
        _("异议处理结果"),
        "objector",
        sms=_("您的异议%(reference)s已办结：%(outcome)s。"),
        rulebook="五（二）3",
    ),
    # --- staff -------------------------------------------------------------------
    MessageType(
        "notices.objection_staff",
        _("新异议待调查"),
        "staff",
        template="notices/notice_objection_mail",
        rulebook="五（二）3",
    ),
    MessageType(
        "agreements.renewal_staff",
        _("续签提醒（工作人员）"),
        "staff",
        template="agreements/email/renewal_reminder_staff",
        rulebook="五（三）2",
    ),
    MessageType(
        "agreements.renewal_overdue_staff",
        _("协议到期未决（工作人员）"),
        "staff",
        template="agreements/email/renewal_overdue_staff",
        rulebook="五（三）2",
    ),
    MessageType(
        "services.pace_warning_staff",
        _("服务进度提醒（工作人员）"),
        "staff",
        template="services/mail/pace_warning",
        rulebook="六（一）2",
    ),
    MessageType(
        "messaging.staff_digest",
        _("每日待办汇总"),
        "staff",
        subject=_("今日待办"),
        body=_("%(street)s今日待办：%(todos)s"),
        optional=True,
        rulebook="六（二）1",
    ),
)
