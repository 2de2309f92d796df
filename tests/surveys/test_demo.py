"""The surveys demo step: 华阳街道's questionnaire, shortlist and evaluation, with or without partners."""

import pytest

from portal import demo as portal_demo
from spaces.models import CollectionMethod, ResidentNeed
from surveys import demo as surveys_demo
from surveys.models import Questionnaire, QuestionnaireAnswer, Rater, SatisfactionAnswer, SatisfactionSurvey
from tests.factories import partner_in_state

pytestmark = pytest.mark.django_db


def test_the_demo_works_without_partners_and_adds_nothing_the_second_time():
    ctx = {}
    portal_demo.load(ctx)
    surveys_demo.load(ctx)
    surveys_demo.load(ctx)

    street = ctx["second_street"]
    questionnaire = Questionnaire.objects.get(street=street)
    assert QuestionnaireAnswer.objects.filter(questionnaire=questionnaire).count() == 8
    needs = ResidentNeed.objects.filter(collection_method=CollectionMethod.QUESTIONNAIRE)
    assert sorted((n.community.name, n.category, n.residents_count) for n in needs) == [
        ("北山社区", "culture_sports", 3),
        ("南门社区", "childcare", 3),
        ("南门社区", "elderly", 3),
    ]
    survey = SatisfactionSurvey.objects.get(street=street)
    assert [u.username for u in survey.evaluators.all()] == ["pinggu"]
    assert not SatisfactionAnswer.objects.exists()


def test_the_demo_scores_the_street_s_serving_partners():
    ctx = {}
    portal_demo.load(ctx)
    partner = partner_in_state("active", community=ctx["second_street"].communities.get(name="南门社区"))
    surveys_demo.load(ctx)
    scores = SatisfactionAnswer.objects.filter(partner=partner)
    assert scores.filter(rater=Rater.RESIDENT).count() == 5
    assert scores.filter(rater=Rater.EVALUATOR).count() == 1
