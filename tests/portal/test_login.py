import pytest

from config.models import Role
from tests.factories import CommunityFactory, role_user, street_staff


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "destination"), [
    (Role.REVIEWER, "/review/"), (Role.PARTNER, "/services/logs/"),
    (Role.OBSERVER, "/services/observations/"), (Role.STREET_STAFF, "/admin/"),
])
def test_login_sends_each_role_to_its_start_page(client, role, destination):
    community = CommunityFactory()
    if role == Role.STREET_STAFF:
        street_staff(street=community.street, username="u1")
    else:
        role_user(role, street=community.street, community=community, username="u1")

    page = client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": "u1", "password": "pw"})

    assert page.status_code == 200
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == destination
