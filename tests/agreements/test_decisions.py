"""Renewal decisions from an evaluation — rulebook 五(三)2 (issue 8)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements.models import Agreement, AgreementKind, AgreementStatus
from partners.models import PartnerStatus
from portal.dates import local_today
from services.domain import renewal_decision_record
from services.models import Evaluation, RenewalDecision
from tests.factories import community_staff, street_staff

from .factories import active_partner, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def term():
    partner, term = active_partner(start=dt.date(2025, 9, 1), months=12)
    return term


def _evaluation(term, conclusion="pass", partner=None):
    return Evaluation.objects.create(
        partner=partner or term.partner,
        agreement=term,
        kind="renewal",
        evaluated_on=dt.date(2026, 6, 20),
        conclusion=conclusion,
    )


def test_renew_same_terms_drafts_next_consecutive_term(term):
    staff = street_staff(street=term.community.street)

    decision = renewal_decision_record(
        agreement=term,
        outcome="renew_same",
        evaluation=_evaluation(term),
        decided_on=dt.date(2026, 6, 25),
        by=staff,
    )

    next_term = Agreement.objects.get(previous=term)
    assert decision.renews is True
    assert (next_term.kind, next_term.status, next_term.start_date, next_term.end_date) == (
        AgreementKind.RENEWAL,
        AgreementStatus.DRAFT,
        dt.date(2026, 9, 1),
        dt.date(2027, 8, 31),
    )
    assert sorted((t.metric, t.period, t.value) for t in next_term.targets.all()) == sorted(
        (t.metric, t.period, t.value) for t in term.targets.all()
    )
    old, new = term.timeslots.get(), next_term.timeslots.get()
    assert (new.space, new.weekday, new.start_time, new.valid_from, new.valid_to) == (
        old.space,
        old.weekday,
        old.start_time,
        dt.date(2026, 9, 1),
        dt.date(2027, 8, 31),
    )


def test_renew_with_adjustments_takes_months_and_needs_note(term):
    staff = street_staff(street=term.community.street)
    evaluation = _evaluation(term)

    with pytest.raises(ValidationError) as refused:
        renewal_decision_record(
            agreement=term,
            outcome="renew_adjusted",
            evaluation=evaluation,
            decided_on=dt.date(2026, 6, 25),
            months=24,
            by=staff,
        )
    renewal_decision_record(
        agreement=term,
        outcome="renew_adjusted",
        evaluation=evaluation,
        decided_on=dt.date(2026, 6, 25),
        months=24,
        note="增加周六上午时段",
        by=staff,
    )

    assert refused.value.message_dict == {"note": ["调整后续签请说明调整内容。"]}
    assert Agreement.objects.get(previous=term).end_date == dt.date(2028, 8, 31)


def test_exit_decision_is_recorded_only(term):
    staff = street_staff(street=term.community.street)

    renewal_decision_record(
        agreement=term,
        outcome="exit",
        evaluation=_evaluation(term, "fail"),
        decided_on=dt.date(2026, 6, 25),
        note="评估不合格",
        by=staff,
    )

    term.partner.refresh_from_db()
    assert (RenewalDecision.objects.get().outcome, term.partner.status) == ("exit", PartnerStatus.ACTIVE)
    assert not Agreement.objects.filter(previous=term).exists()


def test_failed_evaluation_cannot_renew(term):
    with pytest.raises(ValidationError) as refused:
        renewal_decision_record(
            agreement=term,
            outcome="renew_same",
            evaluation=_evaluation(term, "fail"),
            decided_on=dt.date(2026, 6, 25),
            by=street_staff(street=term.community.street),
        )

    assert refused.value.message_dict == {"evaluation": ["评估结论为不合格，不能续签（办法五（三）2）。"]}


def test_evaluation_of_other_partner_refused(term):
    other_partner, other_term = active_partner(start=dt.date(2025, 9, 1), months=12)

    with pytest.raises(ValidationError) as refused:
        renewal_decision_record(
            agreement=term,
            outcome="exit",
            evaluation=_evaluation(other_term),
            decided_on=dt.date(2026, 6, 25),
            by=street_staff(street=term.community.street),
        )

    assert refused.value.message_dict == {"evaluation": ["该评估不属于本合伙人。"]}


def test_one_decision_per_term(term):
    staff = street_staff(street=term.community.street)
    renewal_decision_record(
        agreement=term,
        outcome="exit",
        evaluation=_evaluation(term),
        decided_on=dt.date(2026, 6, 25),
        by=staff,
    )

    with pytest.raises(ValidationError) as refused:
        renewal_decision_record(
            agreement=term,
            outcome="renew_same",
            evaluation=_evaluation(term),
            decided_on=dt.date(2026, 6, 26),
            by=staff,
        )

    assert refused.value.messages == ["该协议期限已有续签决定。"]


def test_community_staff_cannot_decide(term):
    with pytest.raises(PermissionDenied):
        renewal_decision_record(
            agreement=term,
            outcome="exit",
            evaluation=_evaluation(term),
            decided_on=dt.date(2026, 6, 25),
            by=community_staff(community=term.community),
        )


def test_next_term_from_decision_can_be_signed_late(term):
    """A renewal signed after the old term ended starts on the day after it, and renews the partner."""
    from partners.domain import partner_transition

    from .factories import with_fact

    staff = street_staff(street=term.community.street)
    with_fact(
        "renewal_window_open",
        partner_transition,
        partner=term.partner,
        transition="mark_renewal_due",
        by=staff,
    )
    renewal_decision_record(
        agreement=term,
        outcome="renew_same",
        evaluation=_evaluation(term),
        decided_on=dt.date(2026, 6, 25),
        by=staff,
    )

    sign_all(Agreement.objects.get(previous=term), by=staff, on=local_today())

    term.partner.refresh_from_db()
    assert term.partner.status == PartnerStatus.ACTIVE
