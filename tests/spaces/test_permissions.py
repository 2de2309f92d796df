"""Scoping: staff of community A can neither list, open, edit nor export community B's records.

One table of (role, method, url, expected status) over the admin and the API,
with records of both communities present.
"""

import datetime as dt

import pytest
from django.urls import reverse

from portal.models import Role
from spaces.domain import timeslot_create
from spaces.models import Prospect, ResidentNeed, Space
from tests.factories import (
    CommunityFactory,
    SpaceFactory,
    StreetFactory,
    community_staff,
    role_user,
    street_staff,
)
from tests.spaces.factories import ProspectFactory, ResidentNeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    street = StreetFactory(name="崇明街道")
    other_street = StreetFactory(name="下蜀街道")
    a = CommunityFactory(street=street, name="华阳社区")
    b = CommunityFactory(street=street, name="崇明社区")
    c = CommunityFactory(street=other_street, name="桥头社区")
    records = {}
    for key, community in (("A", a), ("B", b), ("C", c)):
        space = SpaceFactory(community=community, name=f"{community.name}活动室")
        records[key] = {
            "space": space,
            "residentneed": ResidentNeedFactory(community=community, title=f"{community.name}需求"),
            "prospect": ProspectFactory(community=community, name=f"{community.name}意向"),
            "timeslot": timeslot_create(
                space=space,
                weekday=0,
                start_time=dt.time(9),
                end_time=dt.time(10),
                title=f"{community.name}议事会",
            ),
        }
    users = {
        "staff_a": community_staff(community=a, username="staff_a"),
        "street": street_staff(street=street, username="street"),
        "reviewer": role_user(Role.REVIEWER, street=street, username="reviewer"),
        "observer": role_user(Role.OBSERVER, street=street, community=a, username="observer"),
        "anonymous": None,
    }
    return {"records": records, "users": users}


ADMIN_MODELS = ["space", "residentneed", "prospect", "timeslot"]
API_PATHS = {
    "space": "spaces",
    "residentneed": "resident-needs",
    "prospect": "prospects",
    "timeslot": "timeslots",
}

# (role, method, target, community of the record, expected status)
TABLE = []
for model in ADMIN_MODELS:
    TABLE += [
        ("staff_a", "get", f"admin:{model}_change", "A", 200),
        ("staff_a", "get", f"admin:{model}_change", "B", 302),  # "does not exist" → admin index
        ("staff_a", "post", f"admin:{model}_change", "B", 302),
        ("staff_a", "post", f"admin:{model}_delete", "B", 302),
        ("street", "get", f"admin:{model}_change", "B", 200),
        ("street", "get", f"admin:{model}_change", "C", 302),
        ("reviewer", "get", f"admin:{model}_changelist", None, 302),  # not staff: to the login page
        ("observer", "get", f"admin:{model}_changelist", None, 302),
        ("anonymous", "get", f"admin:{model}_changelist", None, 302),
        ("staff_a", "get", f"api:{model}_list", None, 200),
        ("staff_a", "get", f"api:{model}_detail", "A", 200),
        ("staff_a", "get", f"api:{model}_detail", "B", 404),
        ("staff_a", "patch", f"api:{model}_detail", "B", 404),
        ("staff_a", "delete", f"api:{model}_detail", "B", 404),
        ("street", "get", f"api:{model}_detail", "B", 200),
        ("street", "get", f"api:{model}_detail", "C", 404),
        ("reviewer", "get", f"api:{model}_list", None, 403),
        ("observer", "get", f"api:{model}_list", None, 403),
        ("anonymous", "get", f"api:{model}_list", None, 403),
    ]
TABLE += [
    ("staff_a", "get", "admin:space_week", "A", 200),
    ("staff_a", "get", "admin:space_week", "B", 404),
    ("street", "get", "admin:space_week", "B", 200),
    ("reviewer", "get", "admin:coverage", None, 302),
    ("staff_a", "get", "admin:coverage", None, 200),
]


def target_url(target, record):
    kind, name = target.split(":")
    if kind == "admin":
        if name == "space_week":
            return reverse("admin:spaces_space_week", args=[record.pk])
        if name == "coverage":
            return reverse("admin:spaces_coverage")
        model, view = name.rsplit("_", 1)
        return reverse(f"admin:spaces_{model}_{view}", args=[record.pk] if record else [])
    model, view = name.rsplit("_", 1)
    base = f"/api/{API_PATHS[model]}/"
    return base if view == "list" else f"{base}{record.pk}/"


@pytest.mark.parametrize(
    ("role", "method", "target", "community", "expected"),
    TABLE,
    ids=[f"{r}-{m}-{t}-{c}" for r, m, t, c, _ in TABLE],
)
def test_permission_table(client, world, role, method, target, community, expected):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    model = target.split(":")[1].split("_")[0]
    model = {"coverage": "residentneed"}.get(model, model)
    record = world["records"][community][model] if community else None
    url = target_url(target, record)
    kwargs = {"content_type": "application/json", "data": "{}"} if method == "patch" else {}

    response = getattr(client, method)(url, **kwargs)

    assert response.status_code == expected


@pytest.mark.parametrize("model", ["space", "residentneed", "prospect", "timeslot"])
def test_lists_show_only_records_in_scope(client, world, model):
    client.force_login(world["users"]["staff_a"])
    records = world["records"]

    admin_page = client.get(reverse(f"admin:spaces_{model}_changelist")).content.decode()
    api_ids = [row["id"] for row in client.get(f"/api/{API_PATHS[model]}/").json()["results"]]

    assert str(records["A"][model]).split(" ")[0] in admin_page
    assert reverse(f"admin:spaces_{model}_change", args=[records["B"][model].pk]) not in admin_page
    assert reverse(f"admin:spaces_{model}_change", args=[records["A"][model].pk]) in admin_page
    assert api_ids == [records["A"][model].pk]


def test_street_staff_lists_their_whole_street(client, world):
    client.force_login(world["users"]["street"])

    names = [row["name"] for row in client.get("/api/spaces/").json()["results"]]

    assert sorted(names) == ["华阳社区活动室", "崇明社区活动室"]


@pytest.mark.parametrize("model", ["space", "residentneed", "prospect"])
def test_export_contains_only_records_in_scope(client, world, model):
    client.force_login(world["users"]["staff_a"])

    response = client.post(reverse(f"admin:spaces_{model}_export"), {"format": "1", "resource": "0"})

    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "华阳社区" in text
    assert "崇明社区" not in text and "桥头社区" not in text


def test_api_create_in_other_community_refused(client, world):
    client.force_login(world["users"]["staff_a"])
    other = world["records"]["B"]["space"].community

    response = client.post(
        "/api/spaces/",
        {"community": other.pk, "name": "偷建", "area_m2": "10"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "community" in response.json()
    assert not Space.objects.filter(name="偷建").exists()


def test_api_timeslot_in_other_communitys_space_refused(client, world):
    client.force_login(world["users"]["staff_a"])
    space_b = world["records"]["B"]["space"]

    response = client.post(
        "/api/timeslots/",
        {"space": space_b.pk, "weekday": 3, "start_time": "09:00", "end_time": "10:00"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "space" in response.json()


def test_admin_edit_other_communitys_record_changes_nothing(client, world):
    client.force_login(world["users"]["staff_a"])
    need_b = world["records"]["B"]["residentneed"]

    client.post(reverse("admin:spaces_residentneed_change", args=[need_b.pk]), {"title": "改掉"})

    need_b.refresh_from_db()
    assert need_b.title == "崇明社区需求"
    assert ResidentNeed.objects.count() == 3 and Prospect.objects.count() == 3
