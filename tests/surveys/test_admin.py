"""Staff create the questionnaire and the evaluation in the admin; refusals come back on the form."""

import datetime as dt

import pytest
from django.urls import reverse

from portal.dates import local_today
from portal.models import AuditEvent
from surveys.models import Questionnaire, SatisfactionSurvey
from tests.factories import UserFactory, community_staff, street_staff

from .factories import xuhui_street

pytestmark = pytest.mark.django_db


def _questionnaire_data(street, **extra):
    today = local_today()
    return {
        "street": street.pk,
        "community": "",
        "year": today.year,
        "title": "年度服务需求征询",
        "intro": "",
        "categories": ["elderly", "childcare"],
        "asks_free_text": "on",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=30)).isoformat(),
    } | extra


def test_street_staff_create_a_questionnaire_and_get_its_poster(client):
    street = xuhui_street()
    staff = street_staff(street=street)
    client.force_login(staff)
    response = client.post(reverse("admin:surveys_questionnaire_add"), _questionnaire_data(street))
    assert response.status_code == 302
    questionnaire = Questionnaire.objects.get()
    assert (questionnaire.categories, questionnaire.created_by) == (["elderly", "childcare"], staff)
    assert AuditEvent.objects.filter(action="surveys.questionnaire.created", actor=staff).exists()
    poster = client.get(reverse("admin:surveys_questionnaire_poster", args=[questionnaire.pk]))
    assert poster["Content-Type"] == "application/pdf"


def test_a_refused_questionnaire_shows_the_reason_and_saves_nothing(client):
    street = xuhui_street()
    client.force_login(street_staff(street=street))
    today = local_today()
    response = client.post(
        reverse("admin:surveys_questionnaire_add"),
        _questionnaire_data(street, closes_on=(today + dt.timedelta(days=200)).isoformat()),
    )
    assert response.status_code == 200
    assert "问卷最长开放92天（本次201天）。" in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_street_staff_create_an_evaluation_with_its_evaluators(client):
    street = xuhui_street()
    staff = street_staff(street=street)
    evaluator = UserFactory()
    client.force_login(staff)
    today = local_today()
    response = client.post(
        reverse("admin:surveys_satisfactionsurvey_add"),
        {
            "street": street.pk,
            "year": today.year,
            "title": "满意度测评",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=30)).isoformat(),
            "evaluator_organisation": "评估中心",
            "evaluators": [evaluator.pk],
        },
    )
    assert response.status_code == 302
    survey = SatisfactionSurvey.objects.get()
    assert (survey.scale_max, list(survey.evaluators.all())) == (5, [evaluator])
    assert AuditEvent.objects.filter(action="surveys.satisfaction.created", actor=staff).exists()


def test_community_staff_ask_their_own_community_only(client):
    street = xuhui_street()
    nanmen = street.communities.get(name="南门社区")
    client.force_login(community_staff(community=nanmen))
    response = client.post(reverse("admin:surveys_questionnaire_add"), _questionnaire_data(street))
    assert "社区工作人员只能为本社区建立问卷。" in response.content.decode()
    assert not Questionnaire.objects.exists()
    response = client.post(
        reverse("admin:surveys_questionnaire_add"), _questionnaire_data(street, community=nanmen.pk)
    )
    assert response.status_code == 302
    assert Questionnaire.objects.get().community == nanmen
