"""The audit actions about service logs, observers, evaluations and exit (portal.events)."""

from django.utils.translation import gettext_lazy as _

from portal.choices import ExitReason
from portal.events import register_events

from .models import Conclusion, FeedbackStatus, LogStatus, RenewalOutcome

register_events(
    {
        "services.partner_account.created": _("开通合伙人账号"),
        "services.logo_licence.granted": _("授予标识使用权"),
        "services.logo_licence.revoked": _("收回标识使用权"),
        "services.observer.appointed": _("聘任观察员"),
        "services.observation.recorded": _("记录观察"),
        # services.domain writes f"services.recognition.{kind}" for every RecognitionKind.
        "services.recognition.commendation": _("记录表扬"),
        "services.recognition.warning": _("记录警告"),
        "services.discipline.signed_off": _("纪检室签字确认"),
        "services.pace_warning.sent": _("发送进度提醒"),
    }
)

register_events(
    {
        "services.servicelog.created": _("提交服务记录"),
        "services.servicelog.updated": _("修改服务记录"),
        # services.domain writes f"services.servicelog.{decision}" for each review decision.
        "services.servicelog.verified": _("核实服务记录"),
        "services.servicelog.queried": _("退回补充服务记录"),
        "services.servicelog.rejected": _("不予认定服务记录"),
        "services.servicelog.closed": _("关闭服务记录"),
        "services.servicelog.verification_withdrawn": _("撤销核实服务记录"),
    },
    states=LogStatus,
)

register_events(
    {
        "services.feedback.submitted": _("收到居民意见"),
        "services.feedback.moderated": _("审核居民意见"),
    },
    states=FeedbackStatus,
)

register_events(
    {
        "services.evaluation.recorded": _("记录评估"),
    },
    states=Conclusion,
)

register_events(
    {
        "services.evaluation.scheduled": _("安排评估"),
    }
)

# Written by services.domain.renewal_decide about the agreement.
register_events(
    {
        "agreements.renewal.decided": _("作出续签决定"),
    },
    states=RenewalOutcome,
)

register_events(
    {
        "services.partner.exited": _("办理退出"),
    },
    states=ExitReason,
)

# PIPL retention (services/retention.py): what was erased is in the event's data, never the values.
register_events({"services.feedback.personal_data_erased": _("意见箱联系方式到期删除")})
