"""Coverage of resident needs by serving partners, read from the calls (rulebook 四(一)2, 五(一)1)."""

import pytest

from partners.domain import partner_transition
from services.coverage import needs_coverage
from spaces.models import ResidentNeed
from tests.factories import CommunityFactory, StreetFactory, partner_in_state, street_staff
from tests.spaces.factories import ResidentNeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def street():
    return StreetFactory()


@pytest.fixture
def community_a(street):
    return CommunityFactory(street=street, name="华阳社区")


@pytest.fixture
def community_b(street):
    return CommunityFactory(street=street, name="崇明社区")


def serving(state, community, categories, answered=()):
    """A partner in `state` whose application answered a call listing the `answered` needs."""
    partner = partner_in_state(state, community=community)
    partner.application.service_categories = categories
    partner.application.save()
    partner.application.call.needs.add(*answered)
    return partner


def coverage(community):
    return {
        row.need.title: [p.pk for p in row.partners]
        for row in needs_coverage(ResidentNeed.objects.filter(community=community))
    }


def test_need_covered_by_serving_partners_whose_call_listed_it(community_a):
    need = ResidentNeedFactory(community=community_a, title="助老", category="elderly")
    trial = serving("trial", community_a, ["skills_training"], answered=[need])
    renewal = serving("renewal_due", community_a, ["convenience"], answered=[need])

    assert coverage(community_a) == {"助老": [trial.pk, renewal.pk]}


def test_need_not_covered_by_a_mere_category_match(community_a):
    ResidentNeedFactory(community=community_a, title="助老", category="elderly")
    serving("active", community_a, ["elderly"])  # its call did not list the need

    assert coverage(community_a) == {"助老": []}


def test_need_not_covered_by_partner_not_yet_serving_or_of_another_community(community_a, community_b):
    need = ResidentNeedFactory(community=community_a, title="助老", category="elderly")
    serving("signing", community_a, ["elderly"], answered=[need])
    serving("active", community_b, ["elderly"], answered=[need])  # same call, another community

    assert coverage(community_a) == {"助老": []}


def test_need_covered_by_named_serving_partner_outside_any_call(community_a, street):
    partner = serving("active", community_a, ["convenience"])
    ResidentNeedFactory(community=community_a, title="心理陪伴", category="counselling", covered_by=partner)
    exited = serving("active", community_a, ["legal_aid"])
    partner_transition(
        partner=exited,
        transition="exit",
        by=street_staff(street=street),
        reason="requested",
        note="主动申请退出",
        procedure="services.partner_exit",  # standing in for the exit procedure
    )
    ResidentNeedFactory(community=community_a, title="法律咨询", category="legal_aid", covered_by=exited)

    assert coverage(community_a) == {"心理陪伴": [partner.pk], "法律咨询": []}


def test_named_partner_that_also_answered_is_listed_once(community_a):
    need = ResidentNeedFactory(community=community_a, title="助老", category="elderly")
    partner = serving("active", community_a, ["elderly"], answered=[need])
    need.covered_by = partner
    need.save()

    assert coverage(community_a) == {"助老": [partner.pk]}


@pytest.mark.parametrize("size", [1, 3])
def test_needs_coverage_query_count_constant(community_a, django_assert_num_queries, size):
    needs = [ResidentNeedFactory(community=community_a) for _ in range(size)]
    for _ in range(size):
        serving("active", community_a, ["elderly"], answered=needs)

    with django_assert_num_queries(2):
        rows = needs_coverage(ResidentNeed.objects.all())

    assert [len(r.partners) for r in rows] == [size] * size
