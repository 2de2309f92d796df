"""The new staff lists and the evaluators' page cost the same number of queries at one row and at three."""

import datetime as dt

import pytest
from django.urls import reverse

from portal.choices import ServiceCategory
from portal.dates import local_today
from surveys.domain import questionnaire_answer, questionnaire_confirm, satisfaction_answer
from surveys.models import NeedsSurveySettings, Questionnaire
from tests.factories import UserFactory, partner_in_state, street_staff

from .factories import make_questionnaire, make_satisfaction, xuhui_street

pytestmark = pytest.mark.django_db

CATEGORIES = ServiceCategory.values


def _street_with(rows: int):
    """A street with `rows` serving partners scored by a resident and `rows` questionnaire answers."""
    street = xuhui_street()
    evaluator = UserFactory()
    survey = make_satisfaction(street, evaluators=[evaluator])
    questionnaire = make_questionnaire(street)
    community = street.communities.get(name="南门社区")
    NeedsSurveySettings.objects.filter(street=street).update(min_answers=1)
    for i in range(rows):
        partner = partner_in_state("active", community=community)
        satisfaction_answer(survey=survey, partner=partner, score=4, device=f"d{i}")
        questionnaire_answer(
            questionnaire=questionnaire, community=community, categories=[CATEGORIES[i]], device=f"d{i}"
        )
    # Closed yesterday and confirmed: one shortlist row per answer.
    yesterday = local_today() - dt.timedelta(days=1)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(opens_on=yesterday, closes_on=yesterday)
    questionnaire.refresh_from_db()
    assert len(questionnaire_confirm(questionnaire=questionnaire, by=street_staff(street=street))) == rows
    return street, evaluator


@pytest.mark.parametrize(
    "changelist",
    [
        "surveys_questionnaire",
        "surveys_questionnaireanswer",
        "surveys_satisfactionsurvey",
        "surveys_satisfactionanswer",
        "surveys_shortlistentry",
    ],
)
@pytest.mark.parametrize("rows", [1, 3])
def test_changelist_query_count_is_constant(client, changelist, rows, django_assert_num_queries):
    street, _evaluator = _street_with(rows)
    client.force_login(street_staff(street=street))
    url = reverse(f"admin:{changelist}_changelist")
    client.get(url)  # warm per-process caches (content types, permissions)
    # Two fewer on three lists since the admin menu is kept (portal.admin_menu): the menu no
    # longer loads the user's and the groups' Django permissions; the other two lists still do.
    expected = {
        "surveys_questionnaire": 10,
        "surveys_questionnaireanswer": 7,
        "surveys_satisfactionsurvey": 9,
        "surveys_satisfactionanswer": 8,
        "surveys_shortlistentry": 6,
    }[changelist]
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_evaluator_page_query_count_is_constant(client, rows, django_assert_num_queries):
    _street, evaluator = _street_with(rows)
    client.force_login(evaluator)
    with django_assert_num_queries(5):
        response = client.get(reverse("surveys:evaluator_home"))
    assert len(response.context["rows"][0][2]) == rows
