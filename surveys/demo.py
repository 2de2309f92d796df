"""Demo step: 华阳街道 (the demo street running the other programmes) asks and evaluates.

A street-wide needs questionnaire that closed yesterday, with answers from
both communities (enough for a shortlist, confirmed into the needs list), and
this year's satisfaction evaluation, open, with a third-party evaluator's
account (`pinggu`) and a few residents' scores for each serving partner of the
street — none when the street has none yet. A second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from partners.models import SERVING, Partner
from portal.dates import local_today
from portal.demo import DEMO_PASSWORD
from portal.models import Community

from .domain import (
    questionnaire_answer,
    questionnaire_confirm,
    questionnaire_save,
    satisfaction_answer,
    satisfaction_score,
    satisfaction_survey_save,
)
from .models import Questionnaire, SatisfactionSurvey

# (community, categories) per answer: 为老服务 and 托幼服务 reach the shortlist in 南门社区.
ANSWERS = [
    ("南门社区", ["elderly", "childcare"]),
    ("南门社区", ["elderly", "health_fitness"]),
    ("南门社区", ["elderly", "childcare"]),
    ("南门社区", ["childcare", "legal_aid"]),
    ("北山社区", ["elderly", "culture_sports"]),
    ("北山社区", ["culture_sports"]),
    ("北山社区", ["culture_sports", "counselling"]),
    ("北山社区", ["counselling"]),
]
RESIDENT_SCORES = [5, 4, 5, 3, 4]


def load(ctx):
    street = ctx.get("second_street")
    if street is None:
        return
    admin = ctx["users"]["admin"]
    today = local_today()
    _questionnaire(street, admin, today)
    _satisfaction(street, admin, today)


def _questionnaire(street, admin, today):
    if Questionnaire.objects.filter(street=street, community__isnull=True, year=today.year).exists():
        return
    # Open for the last 30 days, closed yesterday: the answers came in while it was open.
    questionnaire = questionnaire_save(
        questionnaire=Questionnaire(street=street),
        by=admin,
        fields={
            "year": today.year,
            "title": f"{street.name}{today.year}年邻里汇服务需求征询",
            "intro": "请选出您最希望在家门口获得的服务，我们将据此安排明年的服务项目。",
            "opens_on": today - dt.timedelta(days=30),
            "closes_on": today - dt.timedelta(days=1),
        },
    )
    communities = {c.name: c for c in Community.objects.filter(street=street)}
    answered_on = today - dt.timedelta(days=5)
    for i, (name, categories) in enumerate(ANSWERS):
        if name not in communities:
            continue
        questionnaire_answer(
            questionnaire=questionnaire,
            community=communities[name],
            categories=categories,
            device=f"demo-device-{questionnaire.pk}-{i:04d}",
            today=answered_on,
        )
    questionnaire_confirm(questionnaire=questionnaire, by=admin, today=today)


def _satisfaction(street, admin, today):
    if SatisfactionSurvey.objects.filter(street=street, year=today.year).exists():
        return
    evaluator, _created = get_user_model().objects.get_or_create(
        username="pinggu", defaults={"first_name": "第三方评估员", "email": "pinggu@mulin.example.cn"}
    )
    if _created:
        evaluator.set_password(DEMO_PASSWORD)
        evaluator.save()
    survey = satisfaction_survey_save(
        survey=SatisfactionSurvey(street=street),
        by=admin,
        fields={
            "year": today.year,
            "title": f"{street.name}{today.year}年睦邻合伙人居民满意度测评",
            "opens_on": today - dt.timedelta(days=7),
            "closes_on": today + dt.timedelta(days=23),
            "evaluator_organisation": "镇江市社会组织评估中心（演示）",
        },
        evaluators=[evaluator],
    )
    partners = Partner.objects.filter(community__street=street, status__in=SERVING).select_related(
        "community"
    )
    for partner in partners:
        for i, score in enumerate(RESIDENT_SCORES):
            satisfaction_answer(
                survey=survey, partner=partner, score=score, device=f"demo-device-{partner.pk}-{i:04d}"
            )
        satisfaction_score(
            survey=survey, partner=partner, score=4, comment="服务记录完整，居民反映良好。", by=evaluator
        )
