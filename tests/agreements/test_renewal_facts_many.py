"""The renewal window read for a batch answers as it does one partner at a time (issue 14).

`renewal_window_open` (五(三)2) decides whether the renewal scan may move an active
partner to renewal_due; the scan reads it for all the partners due in one query.
"""

import datetime as dt

import pytest

from agreements.domain import current_term, current_terms
from agreements.facts import renewal_window_open, renewal_window_open_many
from agreements.models import Agreement, AgreementKind, AgreementStatus
from partners import guards
from portal.dates import local_today
from tests.factories import CommunityFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _term(partner, *, starts, ends, kind=AgreementKind.FIRST, previous=None, status=AgreementStatus.SIGNED):
    today = local_today()
    return Agreement.objects.create(
        partner=partner,
        community=partner.community,
        kind=kind,
        previous=previous,
        number=f"T-{partner.pk}-{Agreement.objects.count()}",
        start_date=today + dt.timedelta(days=starts),
        end_date=today + dt.timedelta(days=ends),
        status=status,
    )


@pytest.fixture
def partners():
    community = CommunityFactory()
    made = {
        name: PartnerFactory(community=community)
        for name in (
            "in_window",
            "far_from_end",
            "renewal_signed",
            "renewal_drafted",
            "ended",
            "no_term",
            "renewed_in_force",
            "only_future",
            "two_in_force",
            "two_ended",
        )
    }
    _term(made["in_window"], starts=-300, ends=40)
    _term(made["far_from_end"], starts=-100, ends=200)
    first = _term(made["renewal_signed"], starts=-300, ends=40)
    _term(made["renewal_signed"], starts=41, ends=400, kind=AgreementKind.RENEWAL, previous=first)
    first = _term(made["renewal_drafted"], starts=-300, ends=40)
    _term(
        made["renewal_drafted"],
        starts=41,
        ends=400,
        kind=AgreementKind.RENEWAL,
        previous=first,
        status=AgreementStatus.DRAFT,
    )
    _term(made["ended"], starts=-400, ends=-10)
    first = _term(made["renewed_in_force"], starts=-500, ends=-100)
    _term(made["renewed_in_force"], starts=-99, ends=300, kind=AgreementKind.RENEWAL, previous=first)
    _term(made["only_future"], starts=10, ends=40)
    # Ties: two terms in force from the same day, two ended on the same day: the later record wins.
    first = _term(made["two_in_force"], starts=-100, ends=300)
    _term(made["two_in_force"], starts=-100, ends=30, kind=AgreementKind.RENEWAL, previous=first)
    first = _term(made["two_ended"], starts=-400, ends=-10)
    _term(made["two_ended"], starts=-300, ends=-10, kind=AgreementKind.RENEWAL, previous=first)
    return made


def test_the_batch_reader_answers_as_the_single_one(partners, django_assert_num_queries):
    with django_assert_num_queries(1):
        open_ = renewal_window_open_many(list(partners.values()))

    one_by_one = {p.pk for p in partners.values() if renewal_window_open(p)}
    assert open_ == one_by_one
    names = {p.pk: name for name, p in partners.items()}
    assert sorted(names[pk] for pk in open_) == [
        "ended",
        "in_window",
        "renewal_drafted",
        "two_ended",
        "two_in_force",
    ]


def test_current_terms_picks_each_partners_term_as_current_term_does(partners):
    found = current_terms([p.pk for p in partners.values()])

    assert {pk: term.pk for pk, term in found.items()} == {
        p.pk: current_term(p).pk for p in partners.values() if current_term(p) is not None
    }
    assert partners["no_term"].pk not in found and partners["only_future"].pk not in found
    # The tie of two terms in force from the same day goes to the later record, the one ending in 30 days.
    assert found[partners["two_in_force"].pk].end_date == local_today() + dt.timedelta(days=30)


def test_guards_read_in_a_batch_ask_nothing_more(partners, django_assert_num_queries):
    batch = list(partners.values())
    with guards.facts_read(batch, ["renewal_window_open"]):
        with django_assert_num_queries(0):
            answers = {name: guards.fact("renewal_window_open", p) for name, p in partners.items()}

    assert answers["in_window"] is True
    assert answers["far_from_end"] is False
    # Outside the block the fact is asked again, from the records.
    assert guards.fact("renewal_window_open", partners["renewal_signed"]) is False


def test_a_forced_fact_is_not_read_in_a_batch(partners):
    with guards.facts_forced({"renewal_window_open": True}):
        with guards.facts_read(list(partners.values()), ["renewal_window_open"]):
            assert guards.fact("renewal_window_open", partners["far_from_end"]) is True
    # And the batch reader is back afterwards.
    with guards.facts_read(list(partners.values()), ["renewal_window_open"]):
        assert guards.fact("renewal_window_open", partners["far_from_end"]) is False


def test_a_fact_forced_inside_a_batch_read_is_forced(partners):
    with guards.facts_read(list(partners.values()), ["renewal_window_open"]):
        with guards.facts_forced({"renewal_window_open": True}):
            assert guards.fact("renewal_window_open", partners["far_from_end"]) is True
        assert guards.fact("renewal_window_open", partners["far_from_end"]) is False
