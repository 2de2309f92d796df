"""The applicant's steps (issue 19): derived from the workflow's main line, dated from the history."""

import pytest

from partners import guards, workflow
from partners.checks import check_steps_follow_main_line
from partners.domain import StepState, partner_timeline, partner_transition
from partners.models import PartnerStatus, PartnerTransition
from portal.choices import ExitReason
from tests.factories import partner_in_state, street_staff

pytestmark = pytest.mark.django_db

S = PartnerStatus
TITLES = ["申请", "联审", "路演", "评审决定", "公示", "签约", "试用期", "正式运行"]


def _states(timeline):
    return [(step.title, step.state) for step in timeline.steps]


def test_steps_group_the_main_line_in_order():
    assert [t for _k, t, _s in workflow.STEPS] == TITLES
    assert check_steps_follow_main_line() == []


# (state, index of the current step): every state of the main line.
MAIN_LINE = [
    (S.SUBMITTED, 0),
    (S.VETTING, 1),
    (S.SHORTLISTED, 2),
    (S.SCORED, 3),
    (S.APPROVED, 4),
    (S.IN_NOTICE, 4),
    (S.SIGNING, 5),
    (S.TRIAL, 6),
    (S.ACTIVE, 7),
    (S.RENEWAL_DUE, 7),
]


@pytest.mark.parametrize(("status", "current"), MAIN_LINE)
def test_each_stage_of_the_main_line(status, current):
    partner = partner_in_state(status)

    timeline = partner_timeline(partner)

    expected = [
        (title, StepState.DONE if i < current else StepState.CURRENT if i == current else StepState.NEXT)
        for i, title in enumerate(TITLES)
    ]
    assert (_states(timeline), timeline.ended) == (expected, False)
    # Reached steps carry the date they were reached; the steps ahead carry none.
    assert [step.entered_at is not None for step in timeline.steps] == [i <= current for i in range(8)]


def test_dates_come_from_the_status_history():
    partner = partner_in_state(S.IN_NOTICE)
    history = {row.to_state: row.created_at for row in PartnerTransition.objects.filter(partner=partner)}

    steps = {step.key: step.entered_at for step in partner_timeline(partner).steps}

    assert steps["apply"] == partner.created_at
    assert steps["vetting"] == history[S.VETTING]
    # The 公示 step began when the committee approved (its first state), not when the notice opened.
    assert steps["notice"] == history[S.APPROVED] < history[S.IN_NOTICE]


def test_not_shortlisted_stops_at_vetting_with_its_reason():
    partner = partner_in_state(S.VETTING)
    with guards.facts_forced({"vetting_failed": True}):
        partner_transition(
            partner=partner,
            transition="reject",
            by=street_staff(street=partner.community.street),
            note="内部说明",
        )

    timeline = partner_timeline(partner)

    assert _states(timeline) == [("申请", StepState.DONE), ("联审", StepState.STOPPED)]
    assert (timeline.ended, timeline.reason) == (True, "审核不通过")
    assert "内部说明" not in timeline.reason  # the staff's note stays internal


def test_not_selected_stops_at_the_decision():
    partner = partner_in_state(S.NOT_SELECTED)

    timeline = partner_timeline(partner)

    assert _states(timeline)[-1] == ("评审决定", StepState.STOPPED)
    assert len(timeline.steps) == 4 and timeline.reason == "不予入选"


def test_objection_upheld_stops_at_the_notice():
    partner = partner_in_state(S.IN_NOTICE)
    with guards.facts_forced({"objection_upheld": True}):
        partner_transition(
            partner=partner,
            transition="reject_after_objection",
            by=street_staff(street=partner.community.street),
            note="经调查属实",
            procedure="notices.objection_conclude",
        )

    timeline = partner_timeline(partner)

    assert _states(timeline)[-1] == ("公示", StepState.STOPPED) and len(timeline.steps) == 5
    assert timeline.reason == "异议成立，不予入驻"


def test_withdrawn_stops_where_the_applicant_withdrew():
    partner = partner_in_state(S.SHORTLISTED)
    partner_transition(partner=partner, transition="withdraw", as_applicant=True, note="")

    timeline = partner_timeline(partner)

    assert _states(timeline) == [
        ("申请", StepState.DONE),
        ("联审", StepState.DONE),
        ("路演", StepState.STOPPED),
    ]
    assert timeline.reason == "撤回申请" and timeline.ended_at is not None


def test_exit_shows_the_exit_reason():
    partner = partner_in_state(S.TRIAL)
    partner_transition(
        partner=partner,
        transition="exit",
        by=street_staff(street=partner.community.street),
        note="书面申请",
        reason=ExitReason.REQUESTED,
        procedure="services.partner_exit",
    )

    timeline = partner_timeline(partner)

    assert _states(timeline)[-1] == ("试用期", StepState.STOPPED) and len(timeline.steps) == 7
    assert timeline.reason == "退出：主动申请退出"


def test_steps_out_of_step_with_the_machine_fail_the_system_check(monkeypatch):
    swapped = (workflow.STEPS[1], workflow.STEPS[0], *workflow.STEPS[2:])
    monkeypatch.setattr(workflow, "STEPS", swapped)

    assert [error.id for error in check_steps_follow_main_line()] == ["partners.E002"]
