"""The REST API of the lists and time slots: filters, writes through the domain, query counts."""

import datetime as dt

import pytest

from portal.models import AuditEvent
from spaces.domain import timeslot_create
from spaces.models import Prospect, ResidentNeed, Space, TimeSlot
from tests.factories import PartnerFactory, SpaceFactory
from tests.spaces.factories import ProspectFactory, ResidentNeedFactory

pytestmark = pytest.mark.django_db


def make_items(path, community, n):
    for i in range(n):
        space = SpaceFactory(community=community)
        partner = PartnerFactory(community=community)
        if path == "resident-needs":
            ResidentNeedFactory(community=community, space=space, covered_by=partner)
        elif path == "prospects":
            ProspectFactory(community=community)
        elif path == "timeslots":
            timeslot_create(
                space=space, weekday=i % 7, start_time=dt.time(9), end_time=dt.time(10), partner=partner
            )


API_LIST_QUERIES = {"spaces": 5, "resident-needs": 5, "prospects": 5, "timeslots": 5}


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("path", ["spaces", "resident-needs", "prospects", "timeslots"])
def test_api_list_query_count_does_not_grow(
    client, community_a, staff_a, django_assert_num_queries, path, size
):
    make_items(path, community_a, size)
    client.force_login(staff_a)

    with django_assert_num_queries(API_LIST_QUERIES[path]):
        response = client.get(f"/api/{path}/")

    assert response.json()["count"] >= size


def test_api_spaces_filter_by_occupancy_and_community(client, street_user, community_a, community_b):
    SpaceFactory(community=community_a, name="甲", occupancy="idle")
    SpaceFactory(community=community_a, name="乙", occupancy="semi_idle")
    SpaceFactory(community=community_b, name="丙", occupancy="idle")
    client.force_login(street_user)

    idle = [r["name"] for r in client.get("/api/spaces/", {"occupancy": "idle"}).json()["results"]]
    in_a = [
        r["name"]
        for r in client.get("/api/spaces/", {"community": community_a.pk, "occupancy": "idle"}).json()[
            "results"
        ]
    ]

    assert sorted(idle) == sorted(["甲", "丙"])
    assert in_a == ["甲"]


def test_api_needs_and_prospects_filter_by_category(client, staff_a, community_a):
    ResidentNeedFactory(community=community_a, title="老人助餐", category="elderly")
    ResidentNeedFactory(community=community_a, title="法律咨询", category="legal_aid")
    ProspectFactory(community=community_a, name="律所", categories=["legal_aid"])
    ProspectFactory(community=community_a, name="养老机构", categories=["elderly", "health_fitness"])
    client.force_login(staff_a)

    needs = [
        r["title"] for r in client.get("/api/resident-needs/", {"category": "legal_aid"}).json()["results"]
    ]
    prospects = [r["name"] for r in client.get("/api/prospects/", {"category": "elderly"}).json()["results"]]

    assert (needs, prospects) == (["法律咨询"], ["养老机构"])


def test_api_timeslots_filter_by_community(client, street_user, community_a, community_b):
    timeslot_create(
        space=SpaceFactory(community=community_a),
        weekday=0,
        start_time=dt.time(9),
        end_time=dt.time(10),
        title="甲",
    )
    timeslot_create(
        space=SpaceFactory(community=community_b),
        weekday=0,
        start_time=dt.time(9),
        end_time=dt.time(10),
        title="乙",
    )
    client.force_login(street_user)

    titles = [
        r["title"] for r in client.get("/api/timeslots/", {"community": community_b.pk}).json()["results"]
    ]

    assert titles == ["乙"]


def test_api_create_space_audited(client, staff_a, community_a):
    client.force_login(staff_a)

    response = client.post(
        "/api/spaces/",
        {
            "community": community_a.pk,
            "name": "架空层",
            "area_m2": "120.5",
            "occupancy": "semi_idle",
            "capacity": 50,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    space = Space.objects.get(name="架空层")
    assert (response.json()["id"], space.capacity, space.occupancy) == (space.pk, 50, "semi_idle")
    assert AuditEvent.objects.filter(action="spaces.space.created", object_id=str(space.pk)).count() == 1


def test_api_negative_area_refused_in_chinese(client, staff_a, community_a):
    client.force_login(staff_a)

    response = client.post(
        "/api/spaces/",
        {"community": community_a.pk, "name": "x", "area_m2": "-1"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["area_m2"] == ["请确保该值大于或者等于 0。"]


def test_api_duplicate_space_name_refused(client, staff_a, community_a):
    SpaceFactory(community=community_a, name="活动室")
    client.force_login(staff_a)

    response = client.post(
        "/api/spaces/",
        {"community": community_a.pk, "name": "活动室", "area_m2": "10"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert Space.objects.count() == 1


def test_api_create_need_and_prospect(client, staff_a, community_a):
    client.force_login(staff_a)

    need = client.post(
        "/api/resident-needs/",
        {
            "community": community_a.pk,
            "title": "希望有儿童托管",
            "category": "childcare",
            "collection_method": "meeting",
            "target_groups": ["children"],
            "residents_count": 18,
        },
        content_type="application/json",
    )
    prospect = client.post(
        "/api/prospects/",
        {
            "community": community_a.pk,
            "name": "童心托育",
            "kind": "new_economy_organization",
            "categories": ["childcare"],
        },
        content_type="application/json",
    )

    assert (need.status_code, prospect.status_code) == (201, 201)
    assert ResidentNeed.objects.get().target_groups == ["children"]
    assert Prospect.objects.get().categories == ["childcare"]


def test_api_need_unknown_target_group_refused(client, staff_a, community_a):
    client.force_login(staff_a)

    response = client.post(
        "/api/resident-needs/",
        {
            "community": community_a.pk,
            "title": "x",
            "category": "childcare",
            "collection_method": "meeting",
            "target_groups": ["aliens"],
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "target_groups" in response.json()


def test_api_timeslot_overlap_is_400_naming_conflict(client, staff_a, community_a):
    space = SpaceFactory(community=community_a)
    timeslot_create(space=space, weekday=0, start_time=dt.time(9), end_time=dt.time(11), title="书法班")
    client.force_login(staff_a)

    touching = client.post(
        "/api/timeslots/",
        {"space": space.pk, "weekday": 0, "start_time": "11:00", "end_time": "12:00", "title": "读书会"},
        content_type="application/json",
    )
    overlapping = client.post(
        "/api/timeslots/",
        {"space": space.pk, "weekday": 0, "start_time": "10:59", "end_time": "12:00"},
        content_type="application/json",
    )

    assert touching.status_code == 201
    assert overlapping.status_code == 400
    assert overlapping.json() == {
        "detail": ["该时段与已有安排冲突：书法班 周一 09:00–11:00；读书会 周一 11:00–12:00。"]
    }
    assert TimeSlot.objects.count() == 2


def test_api_timeslot_update_and_delete_through_domain(client, staff_a, community_a):
    space = SpaceFactory(community=community_a)
    slot = timeslot_create(space=space, weekday=0, start_time=dt.time(9), end_time=dt.time(11))
    client.force_login(staff_a)

    patched = client.patch(
        f"/api/timeslots/{slot.pk}/", {"end_time": "11:30"}, content_type="application/json"
    )
    deleted = client.delete(f"/api/timeslots/{slot.pk}/")

    assert (patched.status_code, patched.json()["end_time"], deleted.status_code) == (200, "11:30:00", 204)
    assert list(
        AuditEvent.objects.filter(action__startswith="spaces.timeslot.")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["spaces.timeslot.created", "spaces.timeslot.changed", "spaces.timeslot.deleted"]


def test_api_timeslot_both_weekday_and_date_refused(client, staff_a, community_a):
    space = SpaceFactory(community=community_a)
    client.force_login(staff_a)

    response = client.post(
        "/api/timeslots/",
        {"space": space.pk, "weekday": 0, "date": "2026-12-07", "start_time": "09:00", "end_time": "10:00"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "weekday" in response.json()


def test_api_schema_describes_the_endpoints(client, staff_a):
    client.force_login(staff_a)

    schema = client.get("/api/schema/", {"format": "json"}).json()

    assert {"/api/spaces/", "/api/resident-needs/", "/api/prospects/", "/api/timeslots/"} <= set(
        schema["paths"]
    )
