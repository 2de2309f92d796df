"""The neighbourhood map page (社区生活圈一张图, 成都 seed 001): a list first, markers when tiles load."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from lifecircle.models import MapSettings
from portal.domain import street_programmes_apply
from portal.features import Programme
from spaces.models import Space
from tests.factories import PartnerFactory, SpaceFactory, StreetFactory, partner_in_state
from tests.lifecircle.conftest import map_on
from tests.organisations.factories import OrganisationFactory, registry_on
from tests.spaces.factories import ResidentNeedFactory

pytestmark = pytest.mark.django_db


def url(street, **query):
    path = reverse("lifecircle:map", args=[street.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def markers(html):
    found = re.search(r'<script id="lifecircle-markers" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1)) if found else None


def test_the_chengdu_preset_publishes_the_map_and_the_default_hides_it(client):
    street = StreetFactory()
    assert client.get(url(street)).status_code == 404

    street_programmes_apply(street=street, programmes=[Programme.CHENGDU], by=None)

    assert MapSettings.for_street(street).enabled
    assert client.get(url(street)).status_code == 200


def test_turning_the_map_off_hides_even_a_cached_page_and_keeps_the_records(
    client, neighbourhood, django_capture_on_commit_callbacks
):
    street = neighbourhood["street"]
    assert client.get(url(street)).status_code == 200  # now cached for anonymous visitors

    with django_capture_on_commit_callbacks(execute=True):
        street_programmes_apply(street=street, programmes=[], by=None)

    assert client.get(url(street)).status_code == 404
    assert Space.objects.filter(community__street=street).count() == 2


def test_the_page_lists_spaces_serving_partners_open_needs_and_calls(client, neighbourhood):
    html = client.get(url(neighbourhood["street"])).content.decode()

    assert "社区生活圈一张图" in html
    assert "南门睦邻中心" in html and "北山老年活动室" in html
    assert "张*丰" in html and "张三丰" not in html  # an individual partner's name is masked
    assert "太极晨练" in html
    assert "希望有人教用智能手机" in html
    assert "想学太极" not in html  # covered by a serving partner: not an open need
    assert "北山社区招募公告" in html
    assert "睦邻长 王阿姨" not in html  # who collected a need stays off the page
    assert "尚未标注地图位置" in html  # the unplaced room is in the list all the same


def test_without_tiles_the_page_is_the_list_and_loads_no_map(client, neighbourhood, settings):
    settings.PORTAL_MAP_TILES_URL = ""

    html = client.get(url(neighbourhood["street"])).content.decode()

    assert 'id="lifecircle-map"' not in html
    assert "leaflet" not in html
    assert markers(html) is None
    assert 'id="space-' in html


def test_with_tiles_the_markers_are_a_data_island_for_the_static_script(client, neighbourhood, settings):
    settings.PORTAL_MAP_TILES_URL = "https://t{s}.example.cn/{z}/{x}/{y}.png"
    settings.PORTAL_MAP_TILES_ATTRIBUTION = "© 测试底图"
    hall, partner = neighbourhood["hall"], neighbourhood["partner"]

    html = client.get(url(neighbourhood["street"])).content.decode()

    assert 'data-tiles-url="https://t{s}.example.cn/{z}/{x}/{y}.png"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/lifecircle/map.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    assert sorted((m["kind"], m["point"], m["anchor"]) for m in markers(html)) == [
        ("partner", [31.9512, 119.1683], f"partner-{partner.pk}"),
        ("space", [31.9512, 119.1683], f"space-{hall.pk}"),
    ]


def test_a_need_and_a_call_at_a_placed_room_are_markers_too(client, neighbourhood, settings):
    settings.PORTAL_MAP_TILES_URL = "https://tiles.example.cn/{z}/{x}/{y}.png"
    hall = neighbourhood["hall"]
    need = ResidentNeedFactory(community=neighbourhood["nanmen"], title="缺少儿童阅读角", space=hall)
    neighbourhood["call"].spaces.add(hall)

    found = {
        (m["kind"], m["anchor"]) for m in markers(client.get(url(neighbourhood["street"])).content.decode())
    }

    assert ("need", f"need-{need.pk}") in found
    assert ("call", f"call-{neighbourhood['call'].pk}") in found


def test_the_community_filter_narrows_the_page(client, neighbourhood):
    html = client.get(url(neighbourhood["street"], community=neighbourhood["beishan"].pk)).content.decode()

    assert "北山老年活动室" in html and "希望有人教用智能手机" in html and "北山社区招募公告" in html
    assert "南门睦邻中心" not in html and "张*丰" not in html


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_a_community_not_of_the_street_is_said_and_the_street_shown(client, neighbourhood, value):
    response = client.get(url(neighbourhood["street"], community=value))

    html = response.content.decode()
    assert response.status_code == 200
    assert "没有这个社区，已显示全街道。" in html
    assert "南门睦邻中心" in html and "北山老年活动室" in html


def test_another_streets_community_is_not_a_filter(client, neighbourhood):
    other = SpaceFactory(name="别处的活动室")

    html = client.get(url(neighbourhood["street"], community=other.community_id)).content.decode()

    assert "没有这个社区，已显示全街道。" in html and "别处的活动室" not in html


def test_organisations_show_with_masked_contacts_when_the_street_keeps_the_registry(
    client, neighbourhood, django_capture_on_commit_callbacks
):
    OrganisationFactory(
        community=neighbourhood["nanmen"],
        name="南门合唱团",
        contact_name="李小红",
        contact_phone="13912345678",
    )
    page = url(neighbourhood["street"], community=neighbourhood["nanmen"].pk)
    assert "南门合唱团" not in client.get(page).content.decode()  # cached, without the registry

    with django_capture_on_commit_callbacks(execute=True):
        registry_on(neighbourhood["street"])

    html = client.get(page).content.decode()

    assert "南门合唱团" in html
    assert "李*红" in html and "139****5678" in html
    assert "李小红" not in html and "13912345678" not in html


def test_a_new_space_shows_at_once_on_the_cached_page(
    client, neighbourhood, django_capture_on_commit_callbacks
):
    street = neighbourhood["street"]
    client.get(url(street))

    with django_capture_on_commit_callbacks(execute=True):
        SpaceFactory(community=neighbourhood["beishan"], name="北山新开放的阅览室")

    assert "北山新开放的阅览室" in client.get(url(street)).content.decode()


def test_another_streets_change_keeps_the_cached_page(
    client, neighbourhood, django_assert_num_queries, django_capture_on_commit_callbacks
):
    street = neighbourhood["street"]
    client.get(url(street))
    with django_capture_on_commit_callbacks(execute=True):
        SpaceFactory(name="别的街道的活动室")

    with django_assert_num_queries(0):
        client.get(url(street))


@pytest.mark.parametrize("size", [1, 3])
def test_the_page_query_count_does_not_grow(client, django_assert_num_queries, size):
    street = map_on(StreetFactory())
    for i in range(size):
        partner = partner_in_state("active", community__street=street)
        space = SpaceFactory(
            community=partner.community, latitude=Decimal("31.95") + i, longitude=Decimal("119.17")
        )
        partner.application.call.spaces.add(space)
        ResidentNeedFactory(community=partner.community, space=space)
        PartnerFactory(community=partner.community)  # an applicant: not on the map, its call is
    # The street, the map switch, the communities (filter), spaces, partners, their slots,
    # needs and covering partners (2), calls with their spaces (2), the registry switch.
    with django_assert_num_queries(11):
        response = client.get(url(street))

    assert response.content.decode().count('id="partner-') == size
