"""The answers' device and phone hashes are blanked after their retention period; the results stay."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.models import AuditEvent
from portal.retention import personal_data_purge, retention_cutoff
from surveys.domain import questionnaire_answer, satisfaction_answer
from surveys.models import QuestionnaireAnswer, SatisfactionAnswer
from tests.factories import partner_in_state

from .factories import make_questionnaire, make_satisfaction, xuhui_street

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


def test_hashes_blanked_one_second_past_the_period_and_not_at_it():
    now = timezone.now()
    cutoff = retention_cutoff(12, now=now)
    street = xuhui_street()
    questionnaire = make_questionnaire(street)
    community = street.communities.get(name="南门社区")
    old, at_limit = (
        questionnaire_answer(
            questionnaire=questionnaire, community=community, categories=["elderly"], device=d, phone=p
        )[0]
        for d, p in (("d1", "13800001111"), ("d2", "13800002222"))
    )
    QuestionnaireAnswer.objects.filter(pk=old.pk).update(created_at=cutoff - SECOND)
    QuestionnaireAnswer.objects.filter(pk=at_limit.pk).update(created_at=cutoff)
    partner = partner_in_state("active", community=community)
    score = satisfaction_answer(survey=make_satisfaction(street), partner=partner, score=5, device="d1")[0]
    SatisfactionAnswer.objects.filter(pk=score.pk).update(created_at=cutoff - SECOND)

    assert personal_data_purge(now=now, dry_run=True)["survey_identifiers"] == 2
    assert personal_data_purge(now=now)["survey_identifiers"] == 2
    assert personal_data_purge(now=now)["survey_identifiers"] == 0

    old.refresh_from_db(), at_limit.refresh_from_db(), score.refresh_from_db()
    assert (old.device_hash, old.phone_hash, old.categories) == ("", "", ["elderly"])
    assert at_limit.device_hash and at_limit.phone_hash
    assert (score.device_hash, score.score) == ("", 5)
    events = AuditEvent.objects.filter(action="surveys.answers.personal_data_erased")
    assert sorted(e.data["answers"] for e in events) == [1, 1]
