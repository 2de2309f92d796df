"""Evaluations move the partner; each exit reason has its effects (rulebook 六(二)2–3)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from partners.models import PartnerStatus
from portal.choices import ExitReason
from services import domain
from services.facts import evaluation_failed, trial_evaluation_passed, violation_signed_off
from services.models import (
    Conclusion,
    Feedback,
    FeedbackStatus,
    LogoLicence,
    LogStatus,
    PartnerAccount,
    PartnerExit,
    ScoringCriterion,
)
from spaces.models import TimeSlot
from tests.factories import community_staff, street_staff

from .factories import make_log, observer_user, partner_user, serving_partner, target, weekly_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def trial():
    partner, agreement, space = serving_partner("trial")
    staff = street_staff(street=partner.community.street)
    return partner, agreement, space, staff


def test_passed_trial_evaluation_moves_partner_to_active_with_computed_figures(trial):
    partner, agreement, space, staff = trial
    # A street (configured by a superuser) that evaluates up to 6 months before the trial
    # ends, so the figures as of 31 Jan can conclude the 1 Jan – 30 Jun trial.
    street = partner.community.street
    street.trial_evaluation_window_months = 6
    street.save(update_fields=["trial_evaluation_window_months"])
    target(agreement, "hours", 10)
    make_log(partner, agreement, space, date=dt.date(2026, 1, 10), start="09:00", end="17:00")
    make_log(
        partner,
        agreement,
        space,
        date=dt.date(2026, 1, 11),
        start="09:00",
        end="17:00",
        status=LogStatus.SUBMITTED,
    )
    Feedback.objects.create(partner=partner, rating=5, comment="好", status=FeedbackStatus.APPROVED)
    Feedback.objects.create(partner=partner, rating=4, comment="不错", status=FeedbackStatus.APPROVED)
    Feedback.objects.create(partner=partner, rating=1, comment="广告", status=FeedbackStatus.REJECTED)
    observer = observer_user(partner.community)
    domain.observation_record(
        partner=partner,
        date=dt.date(2026, 1, 10),
        seen="准时开课",
        punctuality=5,
        quality=4,
        safety=5,
        attitude=4,
        by=observer,
    )
    sheet = [
        ScoringCriterion.objects.create(street=partner.community.street, name="服务成效", max_score=60),
        ScoringCriterion.objects.create(street=partner.community.street, name="居民评价", max_score=40),
    ]

    evaluation = domain.evaluation_record(
        partner=partner,
        kind="trial",
        evaluated_on=dt.date(2026, 1, 31),
        conclusion=Conclusion.PASS,
        scores={sheet[0].pk: 50, sheet[1].pk: Decimal("35.5")},
        remarks="按期完成",
        by=staff,
    )

    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE
    assert partner.transitions.last().transition == "pass_trial"
    assert (
        evaluation.agreement,
        evaluation.fulfilment_share,
        evaluation.satisfaction,
        evaluation.feedback_count,
        evaluation.observer_rating,
        evaluation.observation_count,
        evaluation.total_score,
    ) == (agreement, Decimal("0.800"), Decimal("4.50"), 2, Decimal("4.50"), 1, Decimal("85.5"))
    assert evaluation.scores == {"服务成效": "50", "居民评价": "35.5"}
    assert evaluation.fulfilment["targets"][0]["actual_to_date"] == "8.00"
    assert trial_evaluation_passed(partner) is True


def test_evaluation_refused_without_full_scoring_sheet(trial):
    partner, _a, _s, staff = trial
    ScoringCriterion.objects.create(street=partner.community.street, name="服务成效", max_score=60)
    with pytest.raises(ValidationError) as exc:
        domain.evaluation_record(
            partner=partner,
            kind="trial",
            evaluated_on=dt.date(2026, 6, 15),  # within the trial's last month
            conclusion=Conclusion.PASS,
            by=staff,
        )
    assert exc.value.messages == ["请为“服务成效”打分。"]
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.TRIAL


def test_failed_evaluation_leads_to_exit_failed_evaluation(trial):
    partner, _a, _s, staff = trial
    exit_args = dict(
        partner=partner,
        reason=ExitReason.FAILED_EVALUATION,
        note="评估不合格",
        handover_note="空间完好，钥匙2把已交还",
        exit_date=dt.date(2026, 2, 1),
        by=staff,
    )
    with pytest.raises(ValidationError) as exc:
        domain.partner_exit(**exit_args)
    assert exc.value.messages == ["“评估不合格退出”需要一份结论为不合格的评估。"]

    domain.evaluation_record(
        partner=partner,
        kind="trial",
        evaluated_on=dt.date(2026, 1, 31),
        conclusion=Conclusion.FAIL,
        remarks="服务时数严重不足",
        by=staff,
    )
    partner.refresh_from_db()
    assert (partner.status, evaluation_failed(partner)) == (PartnerStatus.TRIAL, True)
    domain.partner_exit(**exit_args)
    partner.refresh_from_db()
    assert (partner.status, partner.exit_reason) == (PartnerStatus.EXITED, ExitReason.FAILED_EVALUATION)


def test_trial_evaluation_refused_for_active_partner():
    partner, _a, _s = serving_partner("active")
    staff = street_staff(street=partner.community.street)
    with pytest.raises(ValidationError) as exc:
        domain.evaluation_record(
            partner=partner,
            kind="trial",
            evaluated_on=dt.date(2026, 6, 15),  # within the trial's last month
            conclusion=Conclusion.PASS,
            by=staff,
        )
    assert exc.value.messages == ["试用期满评估只适用于试用期内的合伙人。"]


def test_forced_violation_requires_discipline_signoff(trial):
    partner, _a, _s, staff = trial
    args = dict(
        partner=partner,
        reason=ExitReason.FORCED_VIOLATION,
        note="违规收费",
        handover_note="钥匙已收回",
        exit_date=dt.date(2026, 2, 1),
        by=staff,
    )
    with pytest.raises(ValidationError) as exc:
        domain.partner_exit(**args)
    assert exc.value.messages == ["“违规违纪违法强制退出”需要纪检室签字确认。"]
    signoff = domain.discipline_signoff_record(
        partner=partner,
        finding="以公益名义收取费用",
        signatory="孙磊",
        signed_on=dt.date(2026, 1, 30),
        by=staff,
    )
    assert violation_signed_off(partner) is True
    record = domain.partner_exit(**args, discipline_signoff=signoff)
    assert record.discipline_signoff == signoff


def test_exit_refused_for_community_staff(trial):
    partner, _a, _s, _staff = trial
    with pytest.raises(ValidationError) as exc:
        domain.partner_exit(
            partner=partner,
            reason=ExitReason.REQUESTED,
            note="申请",
            handover_note="完好",
            exit_date=dt.date(2026, 2, 1),
            by=community_staff(community=partner.community),
        )
    assert "只有街道工作人员可以办理退出。" in exc.value.messages


@pytest.mark.parametrize("reason", [r for r in ExitReason.values])
def test_each_exit_reason_frees_slots_revokes_licence_and_locks_account(trial, reason):
    partner, agreement, space, staff = trial
    kwargs = {}
    if reason == ExitReason.FAILED_EVALUATION:
        domain.evaluation_record(
            partner=partner,
            kind="ad_hoc",
            evaluated_on=dt.date(2026, 3, 1),
            conclusion=Conclusion.FAIL,
            by=staff,
        )
    if reason == ExitReason.FORCED_VIOLATION:
        kwargs["discipline_signoff"] = domain.discipline_signoff_record(
            partner=partner, finding="违规", signatory="孙磊", signed_on=dt.date(2026, 3, 1), by=staff
        )
    slot = weekly_slot(partner, space, weekday=2)
    TimeSlot.objects.filter(pk=slot.pk).update(valid_from=dt.date(2026, 1, 1))
    LogoLicence.objects.create(partner=partner, granted_on=dt.date(2026, 1, 1))
    user = partner_user(partner)
    verified = make_log(partner, agreement, space, date=dt.date(2026, 2, 3))
    open_log = make_log(partner, agreement, space, date=dt.date(2026, 2, 10), status=LogStatus.SUBMITTED)

    record = domain.partner_exit(
        partner=partner,
        reason=reason,
        note="退出说明",
        exit_date=dt.date(2026, 3, 15),
        handover_note="空间完好归还，钥匙2把、投影仪1台已交接",
        by=staff,
        **kwargs,
    )

    partner.refresh_from_db()
    slot.refresh_from_db()
    verified.refresh_from_db()
    open_log.refresh_from_db()
    assert (partner.status, partner.exit_reason) == (PartnerStatus.EXITED, reason)
    assert slot.valid_to == dt.date(2026, 3, 14)
    assert list(LogoLicence.objects.filter(partner=partner).values_list("revoked_on", flat=True)) == [
        dt.date(2026, 3, 15)
    ]
    assert PartnerAccount.objects.get(user=user).read_only is True
    assert (verified.status, open_log.status) == (LogStatus.VERIFIED, LogStatus.CLOSED)
    assert (record.slots_released, record.logs_closed, record.handover_note) == (
        1,
        1,
        "空间完好归还，钥匙2把、投影仪1台已交接",
    )
    assert PartnerExit.objects.get(partner=partner).reason == reason


def test_exited_partner_services_stay_in_statistics(trial):
    from services.stats import dashboard_figures

    partner, agreement, space, staff = trial
    make_log(partner, agreement, space, date=dt.date(2026, 2, 3), residents=12)
    domain.partner_exit(
        partner=partner,
        reason=ExitReason.FORCE_MAJEURE,
        note="拆迁",
        handover_note="已交还",
        exit_date=dt.date(2026, 3, 1),
        by=staff,
    )
    figures = dashboard_figures(user=staff)
    assert figures["monthly"] == [
        {"month": "2026-02", "hours": Decimal("2.00"), "residents": 12, "events": 1}
    ]
    assert figures["stage_rows"] == [(partner.community.name, [1])]
    assert figures["stages"] == [("exited", "已退出")]
