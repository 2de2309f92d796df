"""Coverage of resident needs by serving partners (rulebook 四(一)2, 五(一)1)."""

import pytest

from partners.domain import partner_transition
from spaces.coverage import needs_coverage
from spaces.models import ResidentNeed
from tests.factories import partner_in_state
from tests.spaces.factories import ResidentNeedFactory

pytestmark = pytest.mark.django_db


def serving(state, community, categories):
    partner = partner_in_state(state, community=community)
    partner.application.service_categories = categories
    partner.application.save()
    return partner


def coverage(community):
    return {
        row.need.title: [p.pk for p in row.partners]
        for row in needs_coverage(ResidentNeed.objects.filter(community=community))
    }


def test_need_covered_by_serving_partner_of_same_category(community_a):
    trial = serving("trial", community_a, ["elderly", "skills_training"])
    renewal = serving("renewal_due", community_a, ["elderly"])
    ResidentNeedFactory(community=community_a, title="助老", category="elderly")

    assert coverage(community_a) == {"助老": [trial.pk, renewal.pk]}


def test_need_not_covered_by_partner_not_yet_serving_or_elsewhere(community_a, community_b):
    serving("signing", community_a, ["elderly"])
    serving("active", community_b, ["elderly"])
    ResidentNeedFactory(community=community_a, title="助老", category="elderly")

    assert coverage(community_a) == {"助老": []}


def test_need_covered_by_named_serving_partner_of_other_category(community_a, street_user):
    partner = serving("active", community_a, ["convenience"])
    ResidentNeedFactory(community=community_a, title="心理陪伴", category="counselling", covered_by=partner)
    exited = serving("active", community_a, ["legal_aid"])
    partner_transition(
        partner=exited, transition="exit", by=street_user, reason="requested", note="主动申请退出"
    )
    ResidentNeedFactory(community=community_a, title="法律咨询", category="legal_aid", covered_by=exited)

    assert coverage(community_a) == {"心理陪伴": [partner.pk], "法律咨询": []}


def test_needs_coverage_query_count_constant(community_a, django_assert_num_queries):
    for _ in range(3):
        ResidentNeedFactory(community=community_a, covered_by=serving("active", community_a, ["elderly"]))

    with django_assert_num_queries(2):
        rows = needs_coverage(ResidentNeed.objects.all())

    assert [len(r.partners) for r in rows] == [3, 3, 3]
