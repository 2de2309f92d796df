"""The community filter finds communities by typing, only within the user's scope (issue 14).

A superuser over a city is not shown 3,000 community links; the filter's box asks
Django's admin autocomplete view, which answers through CommunityAdmin (scoped).
"""

import datetime as dt

import pytest
from django.urls import reverse

from portal.admin_scoping import COMMUNITY_FILTER_LIMIT
from tests.factories import CommunityFactory, StreetFactory, UserFactory, community_staff, street_staff

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = {"app_label": "partners", "model_name": "partner", "field_name": "community"}


def found(client, term="") -> set[str]:
    response = client.get(reverse("admin:autocomplete"), {**AUTOCOMPLETE, "term": term})
    assert response.status_code == 200
    return {result["text"] for result in response.json()["results"]}


def test_street_staff_find_only_their_streets_communities(client):
    mine, other = StreetFactory(name="本街道"), StreetFactory(name="别的街道")
    CommunityFactory(street=mine, name="华阳甲社区")
    CommunityFactory(street=mine, name="华阳乙社区")
    CommunityFactory(street=other, name="华阳丙社区")
    client.force_login(street_staff(street=mine))
    assert found(client) == {"华阳甲社区", "华阳乙社区"}
    assert found(client, "华阳") == {"华阳甲社区", "华阳乙社区"}
    assert found(client, "丙") == set()
    client.force_login(street_staff(street=other))
    assert found(client, "华阳") == {"华阳丙社区"}


def test_community_staff_find_only_their_community(client):
    street = StreetFactory()
    home = CommunityFactory(street=street, name="华阳甲社区")
    CommunityFactory(street=street, name="华阳乙社区")
    client.force_login(community_staff(community=home))
    assert found(client, "华阳") == {"华阳甲社区"}


def test_superuser_finds_any_community_of_the_city(client):
    a, b = CommunityFactory(name="华阳甲社区"), CommunityFactory(name="新华乙社区")
    assert a.street_id != b.street_id
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert found(client, "社区") >= {"华阳甲社区", "新华乙社区"}
    assert found(client, "新华") == {"新华乙社区"}


def test_superuser_over_a_city_gets_the_box_and_filtering_by_it_works(client):
    from services.models import ServiceLog
    from tests.services.factories import make_log, serving_partner

    street = StreetFactory()
    communities = [CommunityFactory(street=street) for _ in range(COMMUNITY_FILTER_LIMIT + 1)]
    picked, other = communities[0], communities[1]
    partner, agreement, space = serving_partner("trial", community=picked)
    make_log(partner, agreement, space, date=dt.date(2026, 2, 2), title="选中社区的服务")
    partner, agreement, space = serving_partner("trial", community=other)
    make_log(partner, agreement, space, date=dt.date(2026, 2, 3), title="另一社区的服务")
    assert ServiceLog.objects.count() == 2
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:services_servicelog_changelist")

    page = client.get(url).content.decode()
    assert 'data-filter-autocomplete=""' in page
    assert 'name="partner__community__id__exact"' in page
    assert "portal/autocomplete_filter.js" in page
    assert communities[-1].name not in page  # a city's communities are not listed, only found

    page = client.get(url, {"partner__community__id__exact": picked.pk}).content.decode()
    assert "选中社区的服务" in page
    assert "另一社区的服务" not in page
    assert f'<option value="{picked.pk}" selected>{picked.name}</option>' in page


def test_street_staff_box_never_names_another_streets_community(client):
    mine, other = StreetFactory(), StreetFactory()
    CommunityFactory(street=mine, name="本街道的社区")
    CommunityFactory(street=mine, name="本街道的另一社区")
    theirs = CommunityFactory(street=other, name="别的街道的社区")
    client.force_login(street_staff(street=mine))
    url = reverse("admin:services_servicelog_changelist")
    page = client.get(url, {"partner__community__id__exact": theirs.pk}).content.decode()
    assert "别的街道的社区" not in page
    assert 'data-filter-autocomplete=""' in page
