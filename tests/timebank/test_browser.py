"""The time bank's resident and partner pages pass an axe-core audit on a 375-px phone (as tests/test_accessibility.py)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.factories import CommunityFactory
from tests.services.factories import partner_user
from tests.test_accessibility import ELDER_CONTRAST, PASSWORD, _axe, _log_in, describe

from .factories import benefit, individual_partner, submitted_log, timebank_street, verify


def assert_accessible(name, result):
    assert (result["lang"], result["page_width"]) == ("zh-Hans", 375), name
    assert result["violations"] == [], f"{name} violations:\n{describe(result['violations'])}"
    assert result["incomplete"] == [], f"{name} needs review:\n{describe(result['incomplete'])}"


@pytest.mark.browser
def test_time_bank_pages_are_accessible_on_a_phone(live_server, browser, transactional_db):
    community = CommunityFactory(street=timebank_street(), name="南门社区", contact_phone="028-8888001")
    empty = CommunityFactory(street=community.street, name="北山社区")
    benefit(community, points="2", name="理发券")
    benefit(community, points="10", stock=20, name="爱心米面油礼包")
    partner, agreement, space = individual_partner(community)
    verify(submitted_log(partner, agreement, space, date=dt.date(2026, 3, 10)))
    user = partner_user(partner)
    user.set_password(PASSWORD)
    user.save()
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        locale="zh-CN",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,  # axe-core is injected as an inline script, which the site's CSP rightly refuses
    )
    page = context.new_page()
    results = {}
    try:
        for name, community_pk in (("benefits", community.pk), ("benefits_empty", empty.pk)):
            response = page.goto(f"{live_server.url}/timebank/communities/{community_pk}/benefits/")
            assert response.status == 200, name
            results[name] = _axe(page)
        context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
        page.goto(f"{live_server.url}/timebank/communities/{community.pk}/benefits/")
        results["benefits_elder"] = _axe(page, ELDER_CONTRAST)
        context.clear_cookies()
        _log_in(page, live_server.url, user.username)
        page.goto(f"{live_server.url}/timebank/my-points/")
        expect(page.get_by_text("当前积分余额：2.00 分")).to_be_visible()
        results["my_points"] = _axe(page)
    finally:
        context.close()
    for name, result in results.items():
        assert_accessible(name, result)
