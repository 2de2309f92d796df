"""A space's place on the neighbourhood map: WGS-84 latitude and longitude, checked at the boundaries."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from spaces.domain import space_save
from spaces.imports import import_rows
from spaces.models import Space
from tests.factories import SpaceFactory
from tests.spaces.test_imports import SPACE_HEADERS, csv_dataset

pytestmark = pytest.mark.django_db

PLACE = {"latitude": Decimal("31.951200"), "longitude": Decimal("119.168300")}


@pytest.mark.parametrize(
    "field, value, valid",
    [
        ("latitude", "90", True),
        ("latitude", "90.000001", False),
        ("latitude", "89.999999", True),
        ("latitude", "-90", True),
        ("latitude", "-90.000001", False),
        ("longitude", "180", True),
        ("longitude", "180.000001", False),
        ("longitude", "179.999999", True),
        ("longitude", "-180", True),
        ("longitude", "-180.000001", False),
        ("latitude", "31.9512345", False),  # a seventh decimal: finer than the field keeps
    ],
)
def test_a_position_is_in_range_at_the_boundaries(staff_a, community_a, field, value, valid):
    space = SpaceFactory(community=community_a)
    fields = {**PLACE, field: Decimal(value)}
    if valid:
        assert getattr(space_save(space=space, by=staff_a, fields=fields), field) == Decimal(value)
    else:
        with pytest.raises(ValidationError) as refused:
            space_save(space=space, by=staff_a, fields=fields)
        assert list(refused.value.message_dict) == [field]
        space.refresh_from_db()
        assert space.latitude is None  # nothing saved


@pytest.mark.parametrize("given, missing", [("latitude", "longitude"), ("longitude", "latitude")])
def test_half_a_position_is_refused_on_the_missing_field(staff_a, community_a, given, missing):
    space = SpaceFactory(community=community_a)

    with pytest.raises(ValidationError) as refused:
        space_save(space=space, by=staff_a, fields={given: PLACE[given]})

    assert refused.value.message_dict == {missing: ["经度和纬度须同时填写，或同时留空。"]}


def test_the_database_refuses_half_a_position_too(community_a):
    space = SpaceFactory(community=community_a)

    with pytest.raises(IntegrityError):
        Space.objects.filter(pk=space.pk).update(latitude=Decimal("31.95"))


def test_the_admin_form_offers_the_position_and_says_which_datum(client, community_a, staff_a):
    space = SpaceFactory(community=community_a)
    client.force_login(staff_a)

    page = client.get(reverse("admin:spaces_space_change", args=[space.pk])).content.decode()

    assert "地图位置" in page and 'name="latitude"' in page and 'name="longitude"' in page
    assert "WGS-84" in page and "GCJ-02" in page


def test_the_spaces_import_takes_positions(community_a, staff_a):
    headers = [*SPACE_HEADERS, "纬度", "经度"]
    rows = [["华阳社区", "二楼活动室", "", "60", "", "", "", "", "", "", "", "31.951200", "119.168300"]]

    outcome = import_rows(kind="spaces", dataset=csv_dataset(headers, rows), user=staff_a, dry_run=False)

    assert outcome["errors"] == []
    assert Space.objects.values_list("latitude", "longitude").get() == (PLACE["latitude"], PLACE["longitude"])


@pytest.mark.parametrize(
    "latitude, longitude, message",
    [("90.000001", "119.1", "纬度"), ("31.95", "", "经度和纬度须同时填写")],
)
def test_the_spaces_import_names_a_bad_position_and_saves_nothing(
    community_a, staff_a, latitude, longitude, message
):
    headers = [*SPACE_HEADERS, "纬度", "经度"]
    good = ["华阳社区", "一楼阅览室", "", "40", "", "", "", "", "", "", "", "", ""]
    bad = ["华阳社区", "二楼活动室", "", "60", "", "", "", "", "", "", "", latitude, longitude]

    outcome = import_rows(
        kind="spaces", dataset=csv_dataset(headers, [good, bad]), user=staff_a, dry_run=False
    )

    assert [e["row"] for e in outcome["errors"]] == [3]
    assert message in outcome["errors"][0]["message"]
    assert Space.objects.count() == 0


@pytest.mark.parametrize(
    "body, field",
    [({"latitude": "90.000001", "longitude": "119.1"}, "latitude"), ({"latitude": "31.95"}, "longitude")],
)
def test_the_api_refuses_a_bad_position_on_its_field(client, community_a, staff_a, body, field):
    space = SpaceFactory(community=community_a)
    client.force_login(staff_a)

    response = client.patch(f"/api/spaces/{space.pk}/", body, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json().get("errors", response.json())
    space.refresh_from_db()
    assert space.latitude is None


def test_the_api_reads_and_writes_a_position(client, community_a, staff_a):
    space = SpaceFactory(community=community_a)
    client.force_login(staff_a)

    response = client.patch(
        f"/api/spaces/{space.pk}/",
        {"latitude": "31.951200", "longitude": "119.168300"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["latitude"], response.json()["longitude"]) == ("31.951200", "119.168300")
