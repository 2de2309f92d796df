"""A street running the 徐汇 programme, its questionnaire and its satisfaction evaluation."""

import datetime as dt

from portal.dates import local_today
from portal.domain import street_programmes_apply
from portal.features import Programme
from surveys.domain import questionnaire_save, satisfaction_survey_save
from surveys.models import Questionnaire, SatisfactionSurvey
from tests.factories import CommunityFactory, StreetFactory, street_staff


def xuhui_street(**kwargs):
    """A street with two communities (南门社区, 北山社区) on the 徐汇 preset."""
    street = StreetFactory(**kwargs)
    CommunityFactory(street=street, name="南门社区")
    CommunityFactory(street=street, name="北山社区")
    street_programmes_apply(street=street, programmes=[Programme.XUHUI], by=None)
    return street


def make_questionnaire(street, *, by=None, days_left=10, **fields):
    today = local_today()
    values = {
        "year": today.year,
        "title": "邻里汇服务需求征询",
        "opens_on": today - dt.timedelta(days=5),
        "closes_on": today + dt.timedelta(days=days_left),
    } | fields
    return questionnaire_save(
        questionnaire=Questionnaire(street=street), by=by or street_staff(street=street), fields=values
    )


def make_satisfaction(street, *, by=None, evaluators=(), **fields):
    today = local_today()
    values = {
        "year": today.year,
        "title": "居民满意度测评",
        "opens_on": today - dt.timedelta(days=5),
        "closes_on": today + dt.timedelta(days=10),
        "evaluator_organisation": "某某社会组织评估中心",
    } | fields
    return satisfaction_survey_save(
        survey=SatisfactionSurvey(street=street),
        by=by or street_staff(street=street),
        fields=values,
        evaluators=list(evaluators),
    )
