"""The map page on a 375-px phone: axe-core finds nothing as a list, with an error, and with tiles.

With tiles the page runs under its real CSP: Leaflet and lifecircle/map.js are static files,
the markers come from the JSON data island, and the tiles here come from the site itself.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from tests.test_accessibility import CONTRAST, _axe, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone(browser, *, bypass_csp):
    # axe-core is injected as an inline script, which the site's CSP rightly refuses.
    return browser.new_context(
        viewport={"width": 375, "height": 740},
        locale="zh-CN",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        bypass_csp=bypass_csp,
    )


def assert_accessible(result, name):
    assert (result["lang"], result["page_width"]) == ("zh-Hans", 375), name
    assert result["violations"] == [], f"{name} violations:\n{describe(result['violations'])}"
    assert result["incomplete"] == [], f"{name} needs review:\n{describe(result['incomplete'])}"


@pytest.mark.parametrize("query", ["", "?community=abc"], ids=["list", "filter_error"])
def test_the_map_page_as_a_list_is_accessible(live_server, browser, neighbourhood, settings, query):
    settings.PORTAL_MAP_TILES_URL = ""
    context = phone(browser, bypass_csp=True)
    try:
        page = context.new_page()
        response = page.goto(
            f"{live_server.url}{reverse('lifecircle:map', args=[neighbourhood['street'].pk])}{query}"
        )
        assert response.status == 200
        assert page.locator("#lifecircle-map").count() == 0
        expect(page.get_by_role("heading", name="尚待回应的居民需求")).to_be_visible()
        assert_accessible(_axe(page, CONTRAST), query or "list")
    finally:
        context.close()


def test_with_tiles_the_map_draws_under_the_real_csp_and_stays_accessible(
    live_server, browser, neighbourhood, settings
):
    settings.PORTAL_MAP_TILES_URL = (
        f"{live_server.url}/static/vendor/leaflet/images/layers.png?{{z}}-{{x}}-{{y}}"
    )
    settings.PORTAL_MAP_TILES_ATTRIBUTION = "测试底图"
    url = f"{live_server.url}{reverse('lifecircle:map', args=[neighbourhood['street'].pk])}"
    context = phone(browser, bypass_csp=False)
    refused = []
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto(url)
        page.locator(".leaflet-interactive").first.wait_for()
        expect(page.locator("#lifecircle-map")).to_be_visible()
        assert page.locator(".leaflet-interactive").count() == 2  # the room, and the partner serving there
        expect(page.get_by_text("底图：测试底图")).to_be_visible()
        assert refused == []
    finally:
        context.close()
    cache.clear()
    context = phone(browser, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(url)
        page.locator(".leaflet-interactive").first.wait_for()
        # Loaded tiles: no violation. (axe cannot see that the tiles are clipped by the map's box,
        # so it leaves the contrast of the text around the map "to review"; see the next pass.)
        result = _axe(page, CONTRAST)
        assert result["violations"] == [], describe(result["violations"])
        # Tiles that do not load (a blocked or slow tile server): the markers and the list remain,
        # and the whole page passes, nothing left to review.
        page.route("**/layers.png*", lambda route: route.abort())
        page.goto(url)
        page.locator(".leaflet-interactive").first.wait_for()
        assert_accessible(_axe(page, CONTRAST), "tiles_not_loaded")
    finally:
        context.close()
