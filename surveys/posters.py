"""Posters with the QR codes residents scan: a questionnaire's, and a partner's satisfaction evaluation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from partners.models import Partner
from portal.posters import Poster, absolute_url, poster_pdf

from .models import Questionnaire, SatisfactionSurvey


def questionnaire_poster_pdf(questionnaire: Questionnaire) -> bytes:
    """Seed 002 六2: the questionnaire is handed out (发放) where residents are; the QR opens it."""
    where = questionnaire.community.name if questionnaire.community_id else questionnaire.street.name
    return poster_pdf(
        Poster(
            kicker=_("需求征询问卷"),
            title=questionnaire.title,
            url=absolute_url(reverse("surveys:questionnaire_public", args=[questionnaire.pk])),
            call_to_action=_("扫码告诉我们您最需要的社区服务，无需注册，约1分钟。"),
            rows=[
                (_("征询范围"), where),
                (_("填写时间"), f"{questionnaire.opens_on} — {questionnaire.closes_on}"),
            ],
            lines=[questionnaire.intro] if questionnaire.intro else [],
            footer=_("问卷不收集姓名；手机号选填，只用于避免重复计票。"),
        )
    )


def satisfaction_poster_pdf(survey: SatisfactionSurvey, partner: Partner) -> bytes:
    """Seed 002 六4: residents score the partner's service; the QR opens its page."""
    return poster_pdf(
        Poster(
            kicker=_("满意度测评"),
            title=partner.public_name,
            url=absolute_url(reverse("surveys:satisfaction_public", args=[partner.pk])),
            call_to_action=_("扫码为本项目的服务打分。"),
            rows=[
                (_("服务项目"), partner.application.project_title),
                (_("所在社区"), partner.community.name),
                (_("测评时间"), f"{survey.opens_on} — {survey.closes_on}"),
            ],
            footer=_("评价匿名；手机号选填，只用于避免重复计票。"),
            page_size="A5",
        )
    )
