"""The admin menu is built once and kept, and rebuilt when what it shows changes (portal.admin_menu)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from portal.admin_site import PortalAdminSite
from portal.domain import user_assign_role
from portal.models import Role
from reports.models import ReportSettings
from tests.factories import CommunityFactory, StreetFactory, community_staff, street_staff

pytestmark = pytest.mark.django_db


def _menu_models(client) -> set[str]:
    response = client.get(reverse("admin:spaces_space_changelist"))
    assert response.status_code == 200
    return {model["object_name"] for app in response.context["available_apps"] for model in app["models"]}


@pytest.fixture
def builds(monkeypatch):
    """How many times the admin built a menu from its models' permissions."""
    calls = []
    build = PortalAdminSite._build_app_dict

    def counting(self, request, label=None):
        calls.append(label)
        return build(self, request, label)

    monkeypatch.setattr(PortalAdminSite, "_build_app_dict", counting)
    return calls


def test_the_menu_is_built_once_and_kept_across_requests(client, builds):
    client.force_login(street_staff())

    first = _menu_models(client)
    second = _menu_models(client)
    client.get(reverse("admin:index"))  # the desk asks for the menu twice in one request

    assert first == second
    assert "Space" in first
    assert builds == [None]


def test_a_piece_the_street_starts_running_shows_on_the_next_request(client, builds):
    user = street_staff()
    client.force_login(user)
    assert "MonthlyReport" not in _menu_models(client)

    ReportSettings.objects.update_or_create(street=user.profile.street, defaults={"enabled": True})

    assert "MonthlyReport" in _menu_models(client)
    assert len(builds) == 2


def test_a_groups_permission_shows_and_goes_with_the_next_request(client, builds):
    user = street_staff()
    client.force_login(user)
    assert "Group" not in _menu_models(client)

    group = Group.objects.create(name="账号管理")
    group.permissions.add(Permission.objects.get(codename="view_group"))
    user.groups.add(group)
    assert "Group" in _menu_models(client)

    group.permissions.clear()
    assert "Group" not in _menu_models(client)
    assert len(builds) == 3


def test_a_users_own_permission_shows_and_goes_with_the_next_request(client, builds):
    user = street_staff()
    client.force_login(user)
    assert "Group" not in _menu_models(client)

    user.user_permissions.add(Permission.objects.get(codename="view_group"))
    assert "Group" in _menu_models(client)

    user.user_permissions.clear()
    assert "Group" not in _menu_models(client)
    assert len(builds) == 3


def test_staff_given_a_street_that_runs_a_piece_see_it_on_the_next_request(client, builds):
    running = StreetFactory()
    ReportSettings.objects.create(street=running, enabled=True)
    user = street_staff()
    client.force_login(user)
    assert "MonthlyReport" not in _menu_models(client)

    user_assign_role(user=user, role=Role.STREET_STAFF, street=running)

    assert "MonthlyReport" in _menu_models(client)
    assert len(builds) == 2


def test_each_user_and_language_has_its_own_menu(client, builds):
    client.force_login(street_staff())
    chinese = client.get(reverse("admin:index")).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("admin:index")).content.decode()
    client.get(reverse("admin:index"))
    client.force_login(street_staff())
    client.get(reverse("admin:index"))

    assert ">空间资源清单</a>" in chinese
    assert ">Space resource list</a>" in english
    assert ">空间资源清单</a>" not in english
    assert len(builds) == 3


def test_a_community_moved_to_another_street_takes_its_staff_along(client, admin_client, builds):
    running = StreetFactory()
    ReportSettings.objects.create(street=running, enabled=True)
    community = CommunityFactory()
    staff = community_staff(community=community)
    client.force_login(staff)
    assert "MonthlyReport" not in _menu_models(client)

    moved = admin_client.post(
        reverse("admin:portal_community_change", args=[community.pk]),
        {
            "street": running.pk,
            "name": community.name,
            "kind": community.kind,
            "address": community.address,
            "contact_name": community.contact_name,
            "contact_phone": community.contact_phone,
        },
    )

    assert moved.status_code == 302
    staff.profile.refresh_from_db()
    assert staff.profile.street_id == running.pk
    assert "MonthlyReport" in _menu_models(client)
