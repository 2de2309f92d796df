import pytest

from portal.models import Role
from tests.factories import CommunityFactory, role_user, street_staff


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "destination"),
    [
        (Role.REVIEWER, "/review/"),
        (Role.PARTNER, "/services/logs/"),
        (Role.OBSERVER, "/services/observations/"),
        (Role.STREET_STAFF, "/admin/"),
    ],
)
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


@pytest.mark.django_db
def test_password_reset_mail_is_in_chinese_with_a_working_link(client, mailoutbox):
    from tests.factories import UserFactory

    UserFactory(username="hezuo", email="hezuo@example.cn")

    response = client.post("/accounts/password_reset/", {"email": "hezuo@example.cn"})

    assert response.status_code == 302
    mail = mailoutbox[0]
    assert mail.subject == "睦邻合伙人：重设密码"
    assert "您的用户名：hezuo" in mail.body
    link = next(line for line in mail.body.splitlines() if "/accounts/reset/" in line).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path, follow=True).status_code == 200
