"""The audit actions of the needs questionnaire and the satisfaction evaluation (portal.events)."""

from django.utils.translation import gettext_lazy as _

from portal.events import register_events

register_events(
    {
        "surveys.questionnaire.created": _("新建需求征询问卷"),
        "surveys.questionnaire.changed": _("修改需求征询问卷"),
        "surveys.questionnaire.answered": _("居民提交需求征询问卷"),
        "surveys.questionnaire.confirmed": _("确认需求遴选清单，列入居民需求清单"),
        "surveys.satisfaction.created": _("新建满意度测评"),
        "surveys.satisfaction.changed": _("修改满意度测评"),
        "surveys.satisfaction.scored": _("评估机构提交满意度评分"),
        "surveys.settings.changed": _("修改需求征询或满意度测评设置"),
        "surveys.answers.personal_data_erased": _("清除答卷的设备与手机号散列"),
    }
)
