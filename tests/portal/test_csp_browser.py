"""The Content-Security-Policy in a real Chromium (issue 18, defect 7): public and admin pages
load with no violation reported in the console (no inline script, style or handler)."""

import pytest

from tests.factories import PartnerFactory, RecruitmentCallFactory, UserFactory

pytestmark = pytest.mark.browser


def _violations(page, base, paths):
    """Console messages about the policy while each path loads (Chromium reports every refusal)."""
    messages = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
        page.wait_for_load_state("load")
    return [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m]


def test_public_pages_report_no_csp_violation(live_server, phone_page, transactional_db):
    call = RecruitmentCallFactory(title="第一批招募公告")

    found = _violations(
        phone_page, live_server.url, ["/", "/calls/", f"/calls/{call.pk}/", "/accounts/login/"]
    )

    assert found == []


def test_admin_pages_report_no_csp_violation(live_server, browser, transactional_db):
    admin = UserFactory(username="csp-admin", is_staff=True, is_superuser=True)
    partner = PartnerFactory()
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("用户名").fill(admin.username)
        page.get_by_label("密码").fill("pw")
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()

        found = _violations(
            page,
            live_server.url,
            [
                "/admin/",
                "/admin/partners/partner/",
                f"/admin/partners/partner/{partner.pk}/change/",
                "/admin/spaces/space/add/",
            ],
        )
    finally:
        context.close()

    assert found == []
