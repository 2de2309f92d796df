"""The partner state machine: guards, permissions, history, concurrency (issue 3)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from partners.domain import TransitionRefused, available_transitions, partner_transition
from partners.models import Partner, PartnerStatus, PartnerTransition
from partners.workflow import TRANSITIONS
from portal.choices import ExitReason
from portal.models import Role
from tests.factories import PartnerFactory, community_staff, role_user, street_staff

# Tests of the machine itself stand in for the procedures that own these transitions.
PROCEDURE = {name: t.procedure for name, t in TRANSITIONS.items()}

S = PartnerStatus

# (transition, from, to, facts the guard needs, kwargs, note)
LEGAL = [
    ("forward", S.SUBMITTED, S.VETTING, set(), {}, ""),
    ("shortlist", S.VETTING, S.SHORTLISTED, {"vetting_passed"}, {}, ""),
    ("reject", S.VETTING, S.REJECTED, {"vetting_failed"}, {}, "纪检室：存在失信记录"),
    ("score", S.SHORTLISTED, S.SCORED, {"scoring_complete"}, {"composite_score": Decimal("86.25")}, ""),
    ("approve", S.SCORED, S.APPROVED, {"decision_approved"}, {}, ""),
    ("not_select", S.SCORED, S.NOT_SELECTED, {"decision_not_selected"}, {}, "名额已满"),
    ("open_notice", S.APPROVED, S.IN_NOTICE, {"notice_published"}, {}, ""),
    ("end_notice", S.IN_NOTICE, S.SIGNING, {"notice_period_over"}, {}, ""),
    ("reject_after_objection", S.IN_NOTICE, S.REJECTED, {"objection_upheld"}, {}, "异议成立"),
    ("sign", S.SIGNING, S.TRIAL, {"first_agreement_signed", "notice_period_over"}, {}, ""),
    ("pass_trial", S.TRIAL, S.ACTIVE, {"trial_evaluation_passed"}, {}, ""),
    ("mark_renewal_due", S.ACTIVE, S.RENEWAL_DUE, {"renewal_window_open"}, {}, ""),
    ("renew", S.RENEWAL_DUE, S.ACTIVE, {"renewal_agreement_signed"}, {}, ""),
    ("exit", S.ACTIVE, S.EXITED, set(), {"reason": ExitReason.REQUESTED}, "合伙人书面申请退出"),
    ("withdraw", S.IN_NOTICE, S.WITHDRAWN, set(), {}, ""),
]

# The shortest path of transitions (with the facts it needs) to each state.
PATH = {
    S.SUBMITTED: [],
    S.VETTING: ["forward"],
    S.SHORTLISTED: ["forward", "shortlist"],
    S.SCORED: ["forward", "shortlist", "score"],
    S.APPROVED: ["forward", "shortlist", "score", "approve"],
    S.IN_NOTICE: ["forward", "shortlist", "score", "approve", "open_notice"],
    S.SIGNING: ["forward", "shortlist", "score", "approve", "open_notice", "end_notice"],
    S.TRIAL: ["forward", "shortlist", "score", "approve", "open_notice", "end_notice", "sign"],
    S.ACTIVE: ["forward", "shortlist", "score", "approve", "open_notice", "end_notice", "sign", "pass_trial"],
    S.RENEWAL_DUE: [
        "forward",
        "shortlist",
        "score",
        "approve",
        "open_notice",
        "end_notice",
        "sign",
        "pass_trial",
        "mark_renewal_due",
    ],
}
ALL_FACTS_FOR_PATH = {
    "vetting_passed",
    "scoring_complete",
    "decision_approved",
    "notice_published",
    "notice_period_over",
    "first_agreement_signed",
    "trial_evaluation_passed",
    "renewal_window_open",
}


def walk_to(partner, state, facts, actor):
    before = set(facts)
    facts |= ALL_FACTS_FOR_PATH
    for name in PATH[state]:
        kwargs = {"composite_score": Decimal("80")} if name == "score" else {}
        partner_transition(partner=partner, transition=name, procedure=PROCEDURE[name], by=actor, **kwargs)
    facts.clear()
    facts |= before
    partner.refresh_from_db()
    assert partner.status == state
    return partner


@pytest.fixture
def staff(db):
    return street_staff()


@pytest.fixture
def partner(staff):
    return PartnerFactory(community__street=staff.profile.street)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "source", "target", "needed", "kwargs", "note"), LEGAL, ids=[row[0] for row in LEGAL]
)
def test_transition_succeeds_when_guard_met(
    facts, staff, partner, name, source, target, needed, kwargs, note
):
    walk_to(partner, source, facts, staff)
    facts |= needed
    history_before = partner.transitions.count()

    partner_transition(
        partner=partner, transition=name, procedure=PROCEDURE[name], by=staff, note=note, **kwargs
    )

    partner.refresh_from_db()
    assert partner.status == target
    last = partner.transitions.last()
    assert partner.transitions.count() == history_before + 1
    assert (last.transition, last.from_state, last.to_state, last.actor, last.note) == (
        name,
        source,
        target,
        staff,
        note,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "source", "target", "needed", "kwargs", "note"),
    [row for row in LEGAL if row[3]],
    ids=[row[0] for row in LEGAL if row[3]],
)
def test_transition_refused_when_guard_unmet(
    facts, staff, partner, name, source, target, needed, kwargs, note
):
    walk_to(partner, source, facts, staff)
    history_before = list(partner.transitions.values_list("pk", flat=True))

    with pytest.raises(TransitionRefused) as refused:
        partner_transition(
            partner=partner, transition=name, procedure=PROCEDURE[name], by=staff, note=note, **kwargs
        )

    partner.refresh_from_db()
    assert partner.status == source
    assert list(partner.transitions.values_list("pk", flat=True)) == history_before
    assert refused.value.messages  # says which condition failed


@pytest.mark.django_db
def test_refusal_names_the_failed_condition(facts, staff, partner):
    walk_to(partner, S.IN_NOTICE, facts, staff)
    facts |= {"notice_period_over", "objection_open"}

    with pytest.raises(TransitionRefused) as refused:
        partner_transition(
            partner=partner, transition="end_notice", procedure=PROCEDURE["end_notice"], by=staff
        )

    assert refused.value.messages == ["尚有未办结的异议。"]


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(PATH))  # terminal states: test_terminal_states_allow_nothing
def test_illegal_transitions_are_refused_and_change_nothing(facts, staff, partner, state):
    walk_to(partner, state, facts, staff)
    facts |= set(__import__("partners.guards", fromlist=["FACTS"]).FACTS) - {
        "objection_open",
        "objection_upheld",
    }
    legal_here = {row[0] for row in LEGAL if row[1] == state}
    legal_here |= (
        {"withdraw"}
        if state in (S.SUBMITTED, S.VETTING, S.SHORTLISTED, S.SCORED, S.APPROVED, S.IN_NOTICE, S.SIGNING)
        else set()
    )
    legal_here |= {"reject", "not_select", "reject_after_objection", "exit"} & {
        row[0] for row in LEGAL if row[1] == state
    }
    if state in (S.TRIAL, S.RENEWAL_DUE):
        legal_here.add("exit")
    history = list(partner.transitions.values_list("pk", flat=True))
    for name in {row[0] for row in LEGAL} - legal_here:
        with pytest.raises(TransitionRefused):
            partner_transition(
                partner=partner,
                transition=name,
                procedure=PROCEDURE[name],
                by=staff,
                note="x",
                reason=ExitReason.REQUESTED,
            ) if name == "exit" else partner_transition(
                partner=partner, transition=name, procedure=PROCEDURE[name], by=staff, note="x"
            )
        partner.refresh_from_db()
        assert partner.status == state
    assert list(partner.transitions.values_list("pk", flat=True)) == history


@pytest.mark.django_db
def test_terminal_states_allow_nothing(facts, staff, partner):
    walk_to(partner, S.SUBMITTED, facts, staff)
    partner_transition(partner=partner, transition="withdraw", by=staff)
    facts |= ALL_FACTS_FOR_PATH

    assert available_transitions(partner, staff) == []
    with pytest.raises(TransitionRefused):
        partner_transition(partner=partner, transition="forward", by=staff)


def test_status_cannot_be_assigned_directly():
    partner = Partner(status=S.SUBMITTED)
    with pytest.raises(AttributeError):
        partner.status = S.TRIAL


@pytest.mark.django_db
def test_rejection_and_exit_need_a_note(facts, staff, partner):
    walk_to(partner, S.VETTING, facts, staff)
    facts.add("vetting_failed")

    with pytest.raises(TransitionRefused) as refused:
        partner_transition(partner=partner, transition="reject", by=staff, note="  ")

    assert "请填写说明。" in refused.value.messages
    partner.refresh_from_db()
    assert partner.status == S.VETTING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "needed", "ok"),
    [
        (ExitReason.EXPIRED_VOLUNTARY, set(), True),
        (ExitReason.REQUESTED, set(), True),
        (ExitReason.FORCE_MAJEURE, set(), True),
        (ExitReason.FAILED_EVALUATION, set(), False),
        (ExitReason.FAILED_EVALUATION, {"evaluation_failed"}, True),
        (ExitReason.FORCED_VIOLATION, set(), False),
        (ExitReason.FORCED_VIOLATION, {"violation_signed_off"}, True),
        ("", set(), False),
    ],
)
def test_exit_needs_a_valid_reason_and_its_evidence(facts, staff, partner, reason, needed, ok):
    walk_to(partner, S.TRIAL, facts, staff)
    facts |= needed

    if ok:
        partner_transition(
            partner=partner,
            transition="exit",
            procedure=PROCEDURE["exit"],
            by=staff,
            note="退出",
            reason=reason,
        )
        partner.refresh_from_db()
        assert (partner.status, partner.exit_reason) == (S.EXITED, reason)
    else:
        with pytest.raises(TransitionRefused):
            partner_transition(
                partner=partner,
                transition="exit",
                procedure=PROCEDURE["exit"],
                by=staff,
                note="退出",
                reason=reason,
            )
        partner.refresh_from_db()
        assert partner.status == S.TRIAL


@pytest.mark.django_db
def test_score_freezes_the_composite(facts, staff, partner):
    walk_to(partner, S.SHORTLISTED, facts, staff)
    facts.add("scoring_complete")

    partner_transition(
        partner=partner,
        transition="score",
        procedure=PROCEDURE["score"],
        by=None,
        system=True,
        composite_score=Decimal("88.40"),
    )

    partner.refresh_from_db()
    assert partner.composite_score == Decimal("88.40")
    assert partner.transitions.last().actor_label == "系统"


# --- Permissions ----------------------------------------------------------------


@pytest.mark.django_db
def test_community_staff_forward_only_their_own_community(facts, partner):
    own = community_staff(community=partner.community)
    other = community_staff()

    with pytest.raises(TransitionRefused):
        partner_transition(partner=partner, transition="forward", by=other)
    partner_transition(partner=partner, transition="forward", by=own)

    partner.refresh_from_db()
    assert partner.status == S.VETTING


@pytest.mark.django_db
def test_community_staff_cannot_take_street_decisions(facts, staff, partner):
    walk_to(partner, S.VETTING, facts, staff)
    facts.add("vetting_passed")
    own = community_staff(community=partner.community)

    assert [t.name for t in available_transitions(partner, own)] == ["withdraw"]
    with pytest.raises(TransitionRefused) as refused:
        partner_transition(partner=partner, transition="shortlist", by=own)
    assert refused.value.messages == ["您没有权限执行“列入入围名单”。"]


@pytest.mark.django_db
def test_other_streets_staff_cannot_act(facts, partner):
    outsider = street_staff()

    with pytest.raises(TransitionRefused):
        partner_transition(partner=partner, transition="forward", by=outsider)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REVIEWER, Role.OBSERVER, Role.PARTNER])
def test_non_staff_roles_cannot_transition(facts, partner, role):
    user = role_user(role, street=partner.community.street)

    assert available_transitions(partner, user) == []
    with pytest.raises(TransitionRefused):
        partner_transition(partner=partner, transition="forward", by=user)


@pytest.mark.django_db
def test_system_may_only_take_automatic_transitions(facts, staff, partner):
    walk_to(partner, S.VETTING, facts, staff)
    facts.add("vetting_passed")

    with pytest.raises(TransitionRefused):
        partner_transition(partner=partner, transition="shortlist", system=True)


@pytest.mark.django_db
def test_applicant_may_withdraw_but_nothing_else(facts, partner):
    with pytest.raises(TransitionRefused):
        partner_transition(partner=partner, transition="forward", as_applicant=True)

    partner_transition(partner=partner, transition="withdraw", as_applicant=True, note="另有安排")

    partner.refresh_from_db()
    assert partner.status == S.WITHDRAWN
    assert partner.transitions.last().actor_label == "申请人"


# --- History is append-only -----------------------------------------------------


@pytest.mark.django_db
def test_history_cannot_be_edited_or_deleted(facts, staff, partner):
    partner_transition(partner=partner, transition="forward", by=staff)
    row = partner.transitions.get()

    row.note = "changed"
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        PartnerTransition.objects.filter(pk=row.pk).update(note="changed")
    with pytest.raises(TypeError):
        PartnerTransition.objects.filter(pk=row.pk).delete()
    assert PartnerTransition.objects.get(pk=row.pk).note == ""


# --- Concurrency (PostgreSQL row locks) -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_only_one_wins(facts):
    staff = street_staff()
    partner = PartnerFactory(community__street=staff.profile.street)
    walk_to(partner, S.VETTING, facts, staff)
    facts |= {"vetting_passed", "vetting_failed"}
    barrier = threading.Barrier(2)
    outcomes = {}

    def press(name, note):
        try:
            stale = Partner.objects.get(pk=partner.pk)  # both loaded the same state
            barrier.wait()
            partner_transition(
                partner=stale,
                transition=name,
                procedure=PROCEDURE[name],
                by=staff,
                note=note,
                expected_status=S.VETTING,
            )
            outcomes[name] = "ok"
        except TransitionRefused as refused:
            outcomes[name] = refused.messages
        finally:
            connection.close()

    threads = [
        threading.Thread(target=press, args=("shortlist", "")),
        threading.Thread(target=press, args=("reject", "材料不全")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    assert len(winners) == 1
    loser = ({"shortlist", "reject"} - set(winners)).pop()
    assert "已被他人处理" in outcomes[loser][0]
    partner.refresh_from_db()
    expected = {"shortlist": S.SHORTLISTED, "reject": S.REJECTED}[winners[0]]
    assert partner.status == expected
    assert list(partner.transitions.values_list("to_state", flat=True)) == [S.VETTING, expected]
