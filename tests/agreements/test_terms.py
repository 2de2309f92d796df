"""Term rules at their boundaries — rulebook 四(二)2 (issue 8)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from agreements.domain import agreement_create, special_approval_record, term_problems
from agreements.models import Agreement, AgreementKind
from portal.dates import term_end
from tests.factories import community_staff, partner_in_state, street_staff

from .factories import active_partner, draft_agreement, sign_all

pytestmark = pytest.mark.django_db
FIRST, RENEWAL = AgreementKind.FIRST, AgreementKind.RENEWAL


@pytest.mark.parametrize(("months", "allowed"), [(5, False), (6, True), (12, True), (13, False)])
def test_trial_term_length_boundaries(months, allowed):
    partner = partner_in_state("signing")

    problems = term_problems(
        partner=partner, kind=FIRST, start_date=dt.date(2026, 3, 1), months=months, today=dt.date(2026, 3, 1)
    )

    if allowed:
        assert problems == {}
    else:
        assert problems == {
            "months": [f"首次签约为试用期，期限应为6–12个月（办法四（二）2），当前为{months}个月。"]
        }


def test_trial_term_refused_by_create_names_rule_and_saves_nothing():
    partner = partner_in_state("signing")

    with pytest.raises(ValidationError) as refused:
        agreement_create(
            partner=partner,
            kind=FIRST,
            start_date=dt.date(2026, 3, 1),
            months=13,
            by=street_staff(street=partner.community.street),
            today=dt.date(2026, 3, 1),
        )

    assert refused.value.message_dict["months"] == [
        "首次签约为试用期，期限应为6–12个月（办法四（二）2），当前为13个月。"
    ]
    assert Agreement.objects.count() == 0


def test_first_agreement_end_date_month_end_arithmetic():
    partner = partner_in_state("signing")

    agreement = agreement_create(
        partner=partner,
        kind=FIRST,
        start_date=dt.date(2026, 8, 31),
        months=6,
        by=community_staff(community=partner.community),
        today=dt.date(2026, 8, 28),
    )

    assert (agreement.end_date, agreement.months) == (dt.date(2027, 2, 28), 6)


def test_second_first_agreement_refused():
    partner = partner_in_state("signing")
    draft_agreement(partner, start=dt.date(2026, 3, 1), months=6)

    problems = term_problems(
        partner=partner, kind=FIRST, start_date=dt.date(2026, 9, 1), months=6, today=dt.date(2026, 3, 1)
    )

    assert problems["kind"] == ["该合伙人已有首次签约协议；之后的协议应为续签或补充协议。"]


@pytest.fixture
def serving():
    """An active partner whose signed trial term runs 31 Aug 2025 – 28 Feb 2026 (6 months)."""
    partner, first = active_partner(start=dt.date(2025, 8, 31), months=6)
    assert first.end_date == dt.date(2026, 2, 28)
    return partner, first


@pytest.mark.parametrize(("months", "allowed"), [(24, True), (25, False)])
def test_renewal_length_boundaries_without_approval(serving, months, allowed):
    partner, first = serving

    problems = term_problems(partner=partner, kind=RENEWAL, start_date=dt.date(2026, 3, 1), months=months)

    if allowed:
        assert problems == {}
    else:
        assert problems == {
            "months": [
                "每次续签期限一般不超过24个月（办法四（二）2）；超过须经社区“两委”研究申请、街道党工委审核，"
                "并登记特殊续签审批。当前为25个月。"
            ]
        }


def _approval(partner, months=36):
    return special_approval_record(
        partner=partner,
        months=months,
        committees_request_on=dt.date(2026, 1, 5),
        committees_request_reference="华阳社区两委会议纪要〔2026〕1号",
        street_review_on=dt.date(2026, 1, 12),
        street_review_reference="崇明街道党工委会议纪要〔2026〕3号",
        by=street_staff(street=partner.community.street),
    )


def test_renewal_36_months_needs_special_approval(serving):
    partner, first = serving
    approval = _approval(partner)

    without = term_problems(partner=partner, kind=RENEWAL, start_date=dt.date(2026, 3, 1), months=36)
    with_approval = term_problems(
        partner=partner, kind=RENEWAL, start_date=dt.date(2026, 3, 1), months=36, special_approval=approval
    )
    beyond = term_problems(
        partner=partner, kind=RENEWAL, start_date=dt.date(2026, 3, 1), months=37, special_approval=approval
    )

    assert list(without) == ["months"]
    assert with_approval == {}
    assert beyond == {"months": ["续签期限最长不超过36个月（特殊优质项目，办法四（二）2），当前为37个月。"]}


def test_renewal_longer_than_approved_months_refused(serving):
    partner, first = serving
    approval = _approval(partner, months=30)

    problems = term_problems(
        partner=partner, kind=RENEWAL, start_date=dt.date(2026, 3, 1), months=36, special_approval=approval
    )

    assert problems == {"months": ["特殊续签审批批准的期限为30个月，少于本期36个月。"]}


def test_special_approval_only_by_street_staff(serving):
    partner, first = serving
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        special_approval_record(
            partner=partner,
            months=36,
            committees_request_on=dt.date(2026, 1, 5),
            committees_request_reference="纪要1",
            street_review_on=dt.date(2026, 1, 12),
            street_review_reference="纪要2",
            by=community_staff(community=partner.community),
        )


@pytest.mark.parametrize(
    ("start", "message_expected"),
    [
        (dt.date(2026, 3, 1), False),  # the day after 28 Feb: consecutive
        (dt.date(2026, 2, 28), True),  # overlap by one day
        (dt.date(2026, 3, 2), True),  # a one-day gap
    ],
)
def test_renewal_must_start_the_day_after_previous_end(serving, start, message_expected):
    partner, first = serving

    problems = term_problems(partner=partner, kind=RENEWAL, start_date=start, months=12)

    if message_expected:
        assert problems["start_date"][0] == (
            f"续签协议应自上一期协议（{first.number}）截止日的次日 2026-03-01 起算，"
            "前后期限不得间断或重叠（办法四（二）2）。"
        )
    else:
        assert problems == {}


def test_renewal_end_follows_month_end_rule(serving):
    partner, first = serving

    renewal = draft_agreement(partner, kind=RENEWAL, start=dt.date(2026, 3, 1), months=24)

    assert (renewal.previous, renewal.end_date) == (first, term_end(dt.date(2026, 3, 1), 24))
    assert renewal.end_date == dt.date(2028, 2, 29)


def test_renewal_without_signed_term_refused():
    partner = partner_in_state("signing")

    problems = term_problems(partner=partner, kind=RENEWAL, start_date=dt.date(2026, 3, 1), months=12)

    assert "该合伙人尚无已签署的协议，不能续签。" in problems["kind"]


def test_renewal_after_signed_renewal_chains_terms(serving):
    partner, first = serving
    renewal = sign_all(draft_agreement(partner, kind=RENEWAL, start=dt.date(2026, 3, 1), months=12))

    problems = term_problems(partner=partner, kind=RENEWAL, start_date=dt.date(2027, 3, 1), months=12)

    assert renewal.end_date == dt.date(2027, 2, 28)
    assert problems == {}
