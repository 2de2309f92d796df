"""Scheduling an evaluation tells the partner when — rulebook 五(三)2 (issue 17)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from messaging.models import OutboxMessage
from portal.models import AuditEvent
from services.domain import evaluation_schedule
from services.models import EvaluationAppointment
from tests.factories import community_staff, partner_in_state, street_staff

from .factories import serving_partner

pytestmark = pytest.mark.django_db

CODE = "services.evaluation_scheduled"


@pytest.fixture
def trial():
    partner, _agreement, _space = serving_partner("trial")
    return partner, street_staff(street=partner.community.street)


def _told():
    return list(OutboxMessage.objects.filter(code=CODE).order_by("id"))


def _later(**delta):
    return (timezone.now() + dt.timedelta(**delta)).replace(microsecond=0)


def test_scheduling_tells_the_partner_the_time_and_place(trial):
    partner, staff = trial
    when = _later(days=7)

    appointment = evaluation_schedule(
        partner=partner, kind="trial", scheduled_for=when, place="社区党群服务中心", by=staff
    )

    local = timezone.localtime(when)
    rows = _told()
    application = partner.application
    assert sorted((r.channel, r.recipient) for r in rows) == sorted(
        [("email", application.email)] + ([("sms", application.mobile)] if application.mobile else [])
    )
    email = next(r for r in rows if r.channel == "email")
    assert f"{local:%Y-%m-%d %H:%M} 社区党群服务中心" in email.body
    assert partner.name in email.body
    assert (email.partner_id, email.community_id) == (partner.pk, partner.community_id)
    event = AuditEvent.objects.get(action="services.evaluation.scheduled")
    assert (event.actor, event.object_id) == (staff, str(appointment.pk))


def test_moving_the_appointment_tells_again_and_saving_it_unchanged_does_not(trial):
    partner, staff = trial
    appointment = evaluation_schedule(partner=partner, kind="trial", scheduled_for=_later(days=7), by=staff)
    first = len(_told())

    evaluation_schedule(
        partner=partner,
        kind="trial",
        scheduled_for=appointment.scheduled_for,
        by=staff,
        appointment=appointment,
    )
    assert len(_told()) == first
    evaluation_schedule(
        partner=partner, kind="trial", scheduled_for=_later(days=9), by=staff, appointment=appointment
    )

    assert len(_told()) == 2 * first
    assert EvaluationAppointment.objects.count() == 1


def test_time_now_is_refused_one_minute_later_accepted(trial, monkeypatch):
    partner, staff = trial
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)

    with pytest.raises(ValidationError) as refused:
        evaluation_schedule(partner=partner, kind="trial", scheduled_for=now, by=staff)
    assert refused.value.message_dict == {"scheduled_for": ["评估时间应晚于现在。"]}
    assert (EvaluationAppointment.objects.count(), _told()) == (0, [])

    evaluation_schedule(partner=partner, kind="trial", scheduled_for=now + dt.timedelta(minutes=1), by=staff)
    assert EvaluationAppointment.objects.count() == 1


def test_partner_not_serving_or_trial_kind_after_trial_is_refused():
    applicant = partner_in_state("shortlisted")
    active, _a, _s = serving_partner("active")
    staff = street_staff(street=applicant.community.street)
    active_staff = street_staff(street=active.community.street)

    with pytest.raises(ValidationError) as not_serving:
        evaluation_schedule(partner=applicant, kind="ad_hoc", scheduled_for=_later(days=1), by=staff)
    with pytest.raises(ValidationError) as not_trial:
        evaluation_schedule(partner=active, kind="trial", scheduled_for=_later(days=1), by=active_staff)

    assert "不能安排评估" in not_serving.value.messages[0]
    assert not_trial.value.message_dict == {"kind": ["试用期满评估只适用于试用期内的合伙人。"]}
    assert _told() == []


def test_staff_of_another_community_may_not_schedule(trial):
    partner, _staff = trial

    with pytest.raises(PermissionDenied):
        evaluation_schedule(partner=partner, kind="trial", scheduled_for=_later(days=1), by=community_staff())


def test_admin_schedules_and_shows_a_past_time_on_its_field(client, trial):
    partner, staff = trial
    client.force_login(staff)
    url = reverse("admin:services_evaluationappointment_add")
    when = timezone.localtime(_later(days=3))
    form = {"partner": partner.pk, "kind": "trial", "place": "会议室", "note": ""}

    past = timezone.localtime(_later(days=-1))
    response = client.post(
        url, {**form, "scheduled_for_0": f"{past:%Y-%m-%d}", "scheduled_for_1": f"{past:%H:%M:%S}"}
    )
    assert response.status_code == 200
    assert "评估时间应晚于现在。" in response.content.decode()
    assert (EvaluationAppointment.objects.count(), _told()) == (0, [])

    response = client.post(
        url, {**form, "scheduled_for_0": f"{when:%Y-%m-%d}", "scheduled_for_1": f"{when:%H:%M:%S}"}
    )
    assert response.status_code == 302
    appointment = EvaluationAppointment.objects.get()
    assert (appointment.scheduled_for, appointment.created_by) == (when, staff)
    assert _told() != []
