"""Login protection (issue 18, defect 5): lockouts per user and per address with a Chinese
message and an unlock in the admin; staff sessions end after 30 idle minutes; optional TOTP
two-factor for staff who can see ID numbers."""

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditEvent
from tests.factories import CommunityFactory, RecruitmentCallFactory, UserFactory, community_staff, role_user

pytestmark = pytest.mark.django_db

DOORS = ["/admin/login/", "/accounts/login/"]
LOCKED = "登录失败次数过多"


def attempt(client, door, username, password, ip="10.1.1.1"):
    return client.post(door, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Lockouts ------------------------------------------------------------------------


@pytest.mark.parametrize("door", DOORS)
def test_25_wrong_passwords_then_the_right_one_is_refused(door, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    community_staff(username="clerk")
    client = Client()

    codes = [attempt(client, door, "clerk", f"wrong{i}").status_code for i in range(25)]
    right = attempt(client, door, "clerk", "pw")

    assert codes[:4] == [200] * 4  # the form again, with its error
    assert set(codes[4:]) == {429}
    assert right.status_code == 429
    assert LOCKED in right.content.decode() or "已被暂时锁定" in right.content.decode()
    assert not logged_in(client)


@pytest.mark.parametrize(("failures", "logs_in"), [(3, True), (4, True), (5, False)])
def test_lockout_boundary_per_user(failures, logs_in):
    community_staff(username="clerk")
    client = Client()
    for i in range(failures):
        attempt(client, "/accounts/login/", "clerk", f"wrong{i}", ip=f"10.2.0.{i}")  # other addresses

    response = attempt(client, "/accounts/login/", "clerk", "pw", ip="10.2.1.1")

    assert (response.status_code == 302) is logs_in
    assert logged_in(client) is logs_in


def test_lockout_per_address_across_user_names():
    community_staff(username="clerk")
    client = Client()
    for i in range(5):
        attempt(client, "/admin/login/", f"guess{i}", "pw", ip="10.3.3.3")

    from_there = attempt(client, "/admin/login/", "clerk", "pw", ip="10.3.3.3")
    from_elsewhere = attempt(Client(), "/admin/login/", "clerk", "pw", ip="10.3.3.4")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 302


def test_lockout_page_is_chinese():
    community_staff(username="clerk")
    client = Client()
    for i in range(5):
        response = attempt(client, "/accounts/login/", "clerk", f"wrong{i}")

    html = response.content.decode()
    assert response.status_code == 429
    assert "登录已暂时锁定" in html
    assert "连续 5 次登录失败，该账号或网络地址已被暂时锁定。" in html
    assert "请联系系统管理员在管理后台“Access attempts”（登录失败记录）中删除相应记录解锁" in html


def test_admin_unlocks_by_deleting_the_access_attempt():
    community_staff(username="clerk")
    locked = Client()
    for i in range(5):
        attempt(locked, "/accounts/login/", "clerk", f"wrong{i}")
    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = admin.get("/admin/axes/accessattempt/")
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))

    admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )

    assert listing.status_code == 200 and "clerk" in listing.content.decode()
    assert AccessAttempt.objects.count() == 0
    assert attempt(locked, "/accounts/login/", "clerk", "pw").status_code == 302


# --- Staff sessions end after 30 idle minutes ------------------------------------------


def test_staff_session_expires_after_30_idle_minutes(settings):
    assert settings.STAFF_SESSION_IDLE_SECONDS == 30 * 60
    community_staff(username="clerk")
    client = Client()
    attempt(client, "/admin/login/", "clerk", "pw")

    client.get("/admin/")

    assert client.session.get_expiry_age() == 1800
    assert client.cookies["sessionid"]["max-age"] == 1800


def test_staff_session_expiry_moves_with_activity_at_most_once_a_minute(settings):
    import time

    community_staff(username="clerk")
    client = Client()
    attempt(client, "/admin/login/", "clerk", "pw")
    session = client.session
    first = Session.objects.get(session_key=session.session_key).expire_date

    client.get("/admin/")  # within the minute: nothing written
    within = Session.objects.get(session_key=session.session_key).expire_date
    session["_staff_seen_at"] = int(time.time()) - settings.STAFF_SESSION_TOUCH_SECONDS
    session.save()
    client.get("/admin/")  # a minute later: the expiry moves to 30 minutes from now
    moved = client.session

    assert within == first
    assert moved["_staff_seen_at"] >= int(time.time()) - 5
    assert moved.get_expiry_age() == 1800


def test_other_users_keep_the_normal_session_length(settings):
    community = CommunityFactory()
    role_user("partner", community=community, street=community.street, username="p1")
    client = Client()
    attempt(client, "/accounts/login/", "p1", "pw")

    client.get("/services/logs/")

    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_anonymous_public_pages_write_no_session():
    RecruitmentCallFactory()
    client = Client()

    response = client.get("/calls/")

    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0


# --- Optional TOTP two-factor -------------------------------------------------------------


def token_for(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def clerk_with_device():
    clerk = community_staff(username="clerk")
    return clerk, TOTPDevice.objects.create(user=clerk, name="验证器", confirmed=True)


def test_admin_login_asks_the_code_of_a_user_who_set_it_up(clerk_with_device):
    client = Client()

    response = client.post("/admin/login/?next=/admin/", {"username": "clerk", "password": "pw"})

    assert response.status_code == 200
    assert "该账号已开启双重验证，请填写动态验证码。" in response.content.decode()
    assert not logged_in(client)


def test_admin_login_with_the_right_code(clerk_with_device):
    _clerk, device = clerk_with_device
    client = Client()

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "clerk", "password": "pw", "otp_token": token_for(device)},
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_admin_login_with_a_wrong_code_is_refused(clerk_with_device):
    client = Client()

    response = client.post("/admin/login/", {"username": "clerk", "password": "pw", "otp_token": "000000"})

    assert "动态验证码不正确或已过期，请重新输入。" in response.content.decode()
    assert not logged_in(client)


def test_users_without_a_device_log_in_with_the_password_alone():
    community_staff(username="clerk")
    client = Client()

    assert client.post("/admin/login/", {"username": "clerk", "password": "pw"}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_password_only_login_elsewhere_does_not_open_the_admin(clerk_with_device):
    client = Client()
    client.post("/accounts/login/", {"username": "clerk", "password": "pw"})

    response = client.get("/admin/")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_setup_page_shows_a_qr_code_and_confirms_with_a_code():
    clerk = community_staff(username="clerk")
    client = Client()
    client.force_login(clerk)

    page = client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=clerk)
    wrong = client.post("/accounts/two-factor/", {"token": "123"})
    right = client.post("/accounts/two-factor/", {"token": token_for(device)})

    html = page.content.decode()
    assert page.status_code == 200 and 'src="data:image/svg+xml' in html
    assert "开启双重验证" in html
    assert wrong.status_code == 400 and "请填写 6 位数字。" in wrong.content.decode()
    assert right.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    enabled = AuditEvent.objects.get(action="portal.two_factor.enabled")
    assert (enabled.actor, enabled.object_id) == (clerk, str(clerk.pk))


def test_turning_two_factor_off_takes_a_code_and_is_audited(clerk_with_device):
    clerk, device = clerk_with_device
    client = Client()
    client.force_login(clerk)

    wrong = client.post("/accounts/two-factor/", {"token": "000000"})
    assert TOTPDevice.objects.filter(user=clerk).exists()
    assert not AuditEvent.objects.filter(action="portal.two_factor.disabled").exists()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp waits a second after a wrong code; the clerk would too
    right = client.post("/accounts/two-factor/", {"token": token_for(device)})

    assert wrong.status_code == 400
    assert right.status_code == 302
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    disabled = AuditEvent.objects.get(action="portal.two_factor.disabled")
    assert (disabled.actor, disabled.object_id) == (clerk, str(clerk.pk))


def test_setup_page_is_for_staff_who_can_see_id_numbers_only():
    community = CommunityFactory()
    partner_user = role_user("partner", community=community, street=community.street)
    client = Client()
    client.force_login(partner_user)

    assert client.get("/accounts/two-factor/").status_code == 403
