"""One scoping rule everywhere: community A's staff never reach community B's records."""

import pytest

from portal.models import Role
from tests.factories import (
    CityFactory,
    CommunityFactory,
    DistrictFactory,
    PartnerFactory,
    StreetFactory,
    UserFactory,
    city_staff,
    community_staff,
    district_staff,
    role_user,
    street_staff,
)


@pytest.fixture
def world(db):
    # One city, two districts: 崇明街道 in 句容市, the other street in 丹徒区 (issue 15).
    city = CityFactory(name="镇江市")
    district = DistrictFactory(name="句容市", city=city)
    other_district = DistrictFactory(name="丹徒区", city=city)
    street = StreetFactory(name="崇明街道", district=district)
    a = CommunityFactory(street=street, name="华阳社区")
    b = CommunityFactory(street=street, name="宝华社区")
    other_street = CommunityFactory(
        name="外街道社区", street=StreetFactory(name="高资街道", district=other_district)
    )
    return {
        "district": district_staff(district=district),
        "other_district": district_staff(district=other_district),
        "city": city_staff(city=city),
        "other_city": city_staff(city=CityFactory(name="常州市")),
        "a": PartnerFactory(community=a, application__applicant_name="华阳甲机构"),
        "b": PartnerFactory(community=b, application__applicant_name="宝华乙机构"),
        "x": PartnerFactory(community=other_street, application__applicant_name="外街道丙机构"),
        "staff_a": community_staff(community=a),
        "street": street_staff(street=street),
        "other_street": street_staff(street=other_street.street),
        "reviewer": role_user(Role.REVIEWER, street=street),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


# (user, partner, admin change page status, API detail status)
MATRIX = [
    ("staff_a", "a", 200, 200),
    ("staff_a", "b", 302, 404),  # the admin redirects "does not exist" to the list
    ("staff_a", "x", 302, 404),
    ("street", "a", 200, 200),
    ("street", "b", 200, 200),
    ("street", "x", 302, 404),
    ("other_street", "a", 302, 404),
    ("reviewer", "a", 302, 404),
    ("superuser", "x", 200, 200),
    # The levels above the street (issue 15): everything below them, nothing else.
    ("district", "a", 200, 200),
    ("district", "b", 200, 200),
    ("district", "x", 302, 404),
    ("other_district", "a", 302, 404),
    ("other_district", "x", 200, 200),
    ("city", "a", 200, 200),
    ("city", "x", 200, 200),
    ("other_city", "a", 302, 404),
    ("other_city", "x", 302, 404),
]


@pytest.mark.parametrize(("who", "which", "admin_status", "api_status"), MATRIX)
def test_partner_records_are_reachable_only_in_scope(client, world, who, which, admin_status, api_status):
    client.force_login(world[who])
    partner = world[which]

    admin_page = client.get(f"/admin/partners/partner/{partner.pk}/change/")
    api = client.get(f"/api/partners/{partner.pk}/")

    assert admin_page.status_code == admin_status
    assert api.status_code == api_status


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("staff_a", ["华阳甲机构"]),
        ("street", ["华阳甲机构", "宝华乙机构"]),
        ("other_street", ["外街道丙机构"]),
        ("reviewer", []),
        ("district", ["华阳甲机构", "宝华乙机构"]),
        ("other_district", ["外街道丙机构"]),
        ("city", ["华阳甲机构", "宝华乙机构", "外街道丙机构"]),
        ("other_city", []),
    ],
)
def test_partner_lists_show_only_the_scope(client, world, who, visible):
    client.force_login(world[who])

    api_names = sorted(row["name"] for row in client.get("/api/partners/").json()["results"])
    admin_html = client.get("/admin/partners/partner/").content.decode()

    assert api_names == sorted(visible)
    for name in ["华阳甲机构", "宝华乙机构", "外街道丙机构"]:
        assert (name in admin_html) == (name in visible)


def test_anonymous_users_get_nothing_from_the_api(client, world):
    assert client.get("/api/partners/").status_code in (401, 403)


def test_partner_api_list_query_count_does_not_grow(client, world, django_assert_num_queries):
    client.force_login(world["street"])
    with django_assert_num_queries(5):
        client.get("/api/partners/")
    for _ in range(3):
        PartnerFactory(community=world["a"].community)
    with django_assert_num_queries(5):
        client.get("/api/partners/")


# The menu is grouped by the flow (issue 16), no longer by Django app: every stage is there.
FLOW_SECTIONS = ["三张清单", "招募", "联审", "路演", "公示", "协议", "服务", "评估", "退出"]


@pytest.mark.parametrize(
    ("who", "sections"),
    [
        ("street", ["组织与账号", "睦邻合伙人", *FLOW_SECTIONS]),
        # Community staff see no roadshow records (the street runs the roadshow).
        ("staff_a", ["睦邻合伙人", *[s for s in FLOW_SECTIONS if s != "路演"]]),
    ],
)
def test_staff_see_every_programme_app_in_the_admin(client, world, who, sections):
    client.force_login(world[who])

    html = client.get("/admin/").content.decode()

    for section in sections:
        assert section in html
    for section in sections[sections.index("三张清单") :]:
        assert f">{section}</a>" in html


@pytest.mark.parametrize("who", ["district", "city"])
def test_level_staff_see_every_programme_app_in_the_admin(client, world, who):
    client.force_login(world[who])

    html = client.get("/admin/").content.decode()

    # The menu is grouped by the flow (issue 16): every stage, each a link to its first list.
    for section in ["睦邻合伙人", *FLOW_SECTIONS]:
        assert section in html
    for section in FLOW_SECTIONS:
        assert f">{section}</a>" in html


def test_reviewers_cannot_open_the_admin(client, world):
    client.force_login(world["reviewer"])

    assert client.get("/admin/").status_code == 302
