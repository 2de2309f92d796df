"""The trial evaluation concludes the trial only from its last month — rulebook 四(二)2 / 五(三) (issue 13)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners.models import PartnerStatus
from portal.dates import local_today
from services import domain
from services.models import Conclusion, Evaluation
from tests.factories import street_staff

from .factories import serving_partner

pytestmark = pytest.mark.django_db
EARLY = (
    "试用期至 2026-06-30 届满，试用期满评估最早于 2026-05-30 进行"
    "（期满前1个月内，办法四（二）2）；评估日期 2026-05-29 过早。"
)


@pytest.fixture
def trial():
    """A partner in trial whose first agreement runs 1 Jan – 30 Jun 2026."""
    partner, _agreement, _space = serving_partner("trial")
    return partner, street_staff(street=partner.community.street)


def record(partner, staff, evaluated_on, *, kind="trial", conclusion=Conclusion.PASS, **kwargs):
    return domain.evaluation_record(
        partner=partner, kind=kind, evaluated_on=evaluated_on, conclusion=conclusion, by=staff, **kwargs
    )


def test_passing_trial_evaluation_on_the_first_day_of_the_window_concludes_the_trial(trial):
    partner, staff = trial

    record(partner, staff, dt.date(2026, 5, 30))

    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE


def test_passing_trial_evaluation_the_day_before_the_window_is_refused_and_saves_nothing(trial):
    partner, staff = trial

    with pytest.raises(ValidationError) as refused:
        record(partner, staff, dt.date(2026, 5, 29))

    assert refused.value.message_dict == {"evaluated_on": [EARLY]}
    partner.refresh_from_db()
    assert (partner.status, Evaluation.objects.count()) == (PartnerStatus.TRIAL, 0)


def test_passing_trial_evaluation_on_the_signing_day_is_refused(trial):
    partner, staff = trial

    with pytest.raises(ValidationError) as refused:
        record(partner, staff, dt.date(2026, 1, 1))

    assert "试用期满评估最早于 2026-05-30 进行" in refused.value.message_dict["evaluated_on"][0]
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.TRIAL


def test_passing_trial_evaluation_on_the_trials_last_day_and_after_it_concludes_the_trial(trial):
    partner, staff = trial

    record(partner, staff, dt.date(2026, 6, 30))

    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE


def test_late_trial_evaluation_after_the_trial_ended_still_concludes_it():
    partner, _agreement, _space = serving_partner("trial")

    record(partner, street_staff(street=partner.community.street), dt.date(2026, 7, 15))

    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE


def test_window_is_counted_in_calendar_months_clamped_to_the_month_end():
    partner, _a, _s = serving_partner("trial", start=dt.date(2025, 10, 1), end=dt.date(2026, 3, 31))
    staff = street_staff(street=partner.community.street)

    with pytest.raises(ValidationError) as refused:
        record(partner, staff, dt.date(2026, 2, 27))
    assert "最早于 2026-02-28 进行" in refused.value.message_dict["evaluated_on"][0]

    record(partner, staff, dt.date(2026, 2, 28))
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE


def test_window_is_the_streets_number():
    partner, _a, _s = serving_partner("trial")
    street = partner.community.street
    street.trial_evaluation_window_months = 2
    street.save(update_fields=["trial_evaluation_window_months"])
    staff = street_staff(street=street)

    with pytest.raises(ValidationError) as refused:
        record(partner, staff, dt.date(2026, 4, 29))
    assert refused.value.message_dict["evaluated_on"] == [
        "试用期至 2026-06-30 届满，试用期满评估最早于 2026-04-30 进行"
        "（期满前2个月内，办法四（二）2）；评估日期 2026-04-29 过早。"
    ]

    record(partner, staff, dt.date(2026, 4, 30))
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE


@pytest.mark.parametrize(
    ("kind", "conclusion"),
    [("trial", Conclusion.FAIL), ("ad_hoc", Conclusion.FAIL), ("ad_hoc", Conclusion.PASS)],
)
def test_failing_and_ad_hoc_evaluations_are_not_held_to_the_window(trial, kind, conclusion):
    partner, staff = trial

    evaluation = record(partner, staff, dt.date(2026, 1, 2), kind=kind, conclusion=conclusion)

    partner.refresh_from_db()
    assert (evaluation.evaluated_on, partner.status) == (dt.date(2026, 1, 2), PartnerStatus.TRIAL)


@pytest.mark.parametrize(("kind", "conclusion"), [("trial", Conclusion.PASS), ("ad_hoc", Conclusion.FAIL)])
def test_evaluation_dated_tomorrow_is_refused_today_accepted(kind, conclusion):
    today = local_today()
    partner, _a, _s = serving_partner(
        "trial", start=today - dt.timedelta(days=170), end=today + dt.timedelta(days=10)
    )
    staff = street_staff(street=partner.community.street)

    with pytest.raises(ValidationError) as refused:
        record(partner, staff, today + dt.timedelta(days=1), kind=kind, conclusion=conclusion)
    assert refused.value.message_dict == {"evaluated_on": [f"评估日期不能晚于今天（{today.isoformat()}）。"]}
    assert Evaluation.objects.count() == 0

    record(partner, staff, today, kind=kind, conclusion=conclusion)
    assert Evaluation.objects.count() == 1


def test_admin_add_form_shows_the_window_and_saves_nothing_then_accepts_its_first_day(client, trial):
    partner, staff = trial
    client.force_login(staff)
    url = reverse("admin:services_evaluation_add")
    form = {
        "partner": partner.pk,
        "kind": "trial",
        "evaluated_on": "2026-05-29",
        "conclusion": "pass",
        "remarks": "良好",
        "incidents": "",
    }

    response = client.post(url, form)

    assert response.status_code == 200
    assert EARLY in response.content.decode()
    partner.refresh_from_db()
    assert (partner.status, Evaluation.objects.count()) == (PartnerStatus.TRIAL, 0)

    response = client.post(url, {**form, "evaluated_on": "2026-05-30"})

    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.status, Evaluation.objects.get().evaluated_on) == (
        PartnerStatus.ACTIVE,
        dt.date(2026, 5, 30),
    )
