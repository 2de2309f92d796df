"""The audit actions about vetting, roadshows and committee decisions (portal.events)."""

from django.utils.translation import gettext_lazy as _

from portal.events import register_events

from .models import DecisionOutcome, RoadshowStatus, SheetStatus, VettingResult

register_events(
    {
        "reviews.vetting.recorded": _("录入联审结论"),
    },
    states=VettingResult,
)

register_events(
    {
        "reviews.site_visit.recorded": _("录入实地考察"),
        "reviews.rubric.copied": _("复制评分细则"),
        "reviews.panel.members_set": _("设置评审组成员"),
        "reviews.roadshow.entries_set": _("设置路演名单"),
        "reviews.meeting.recorded": _("记录党工委会议"),
        "reviews.meeting.changed": _("修改党工委会议记录"),
    }
)

register_events(
    {
        "reviews.roadshow.scoring_opened": _("开始路演评分"),
        "reviews.roadshow.scoring_closed": _("结束路演评分"),
    },
    states=RoadshowStatus,
)

register_events(
    {
        "reviews.conflict.declared": _("申报利益冲突"),
    },
    states={"conflict": _("有利益冲突"), "none": _("无利益冲突")},
)

register_events(
    {
        "reviews.sheet.submitted": _("提交评分表"),
        "reviews.sheet.unlocked": _("退回评分表修改"),
    },
    states=SheetStatus,
)

register_events(
    {
        "reviews.decision.recorded": _("记录党工委决定"),
    },
    states=DecisionOutcome,
)
