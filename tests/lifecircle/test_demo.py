"""The demo step: positions around 句容市 and 华阳街道's registry in three tiers, run twice."""

from decimal import Decimal

import pytest

from lifecircle import demo
from organisations.models import FilingStatus, Organisation, Tier
from portal import demo as portal_demo
from spaces import demo as spaces_demo
from spaces.models import Space
from tests.factories import partner_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx():
    ctx = {}
    portal_demo.load(ctx)
    spaces_demo.load(ctx)
    return ctx


def test_the_demo_places_rooms_near_jurong_and_keeps_them_on_a_second_run(ctx):
    demo.load(ctx)
    first = list(Space.objects.order_by("pk").values_list("pk", "latitude", "longitude"))
    demo.load(ctx)

    assert list(Space.objects.order_by("pk").values_list("pk", "latitude", "longitude")) == first
    placed = Space.objects.filter(community__street__in=[ctx["street"], ctx["second_street"]])
    assert placed.exists() and not placed.filter(latitude__isnull=True).exists()
    for space in placed:
        assert Decimal("31.90") < space.latitude < Decimal("32.00")
        assert Decimal("119.12") < space.longitude < Decimal("119.22")


def test_the_demo_registry_has_three_tiers_and_a_filed_team_without_partners(ctx):
    demo.load(ctx)
    demo.load(ctx)

    registry = Organisation.objects.filter(community__street=ctx["second_street"])
    assert set(registry.values_list("tier", flat=True)) == set(Tier.values)
    assert registry.count() == len(demo.ORGANISATIONS)
    team = registry.get(name="南门社区夕阳红合唱团")
    assert (team.filing_status, team.filing_number) == (FilingStatus.FILED, "HY-QZTD-2026-001")
    assert not registry.filter(partners__isnull=False).exists()


def test_the_demo_links_an_active_partner_of_the_second_street(ctx):
    nanmen = ctx["second_street"].communities.get(name="南门社区")
    partner = partner_in_state("active", community=nanmen)

    demo.load(ctx)
    demo.load(ctx)

    partner.refresh_from_db()
    assert partner.organisation.tier == Tier.REGISTERED
    assert partner.organisation.partners.count() == 1
