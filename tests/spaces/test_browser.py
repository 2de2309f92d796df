"""The week calendar on a 375-px phone: days stack, nothing scrolls sideways, works without JavaScript."""

import datetime as dt

import pytest
from django.urls import reverse

from spaces.domain import timeslot_create
from tests.factories import CommunityFactory, SpaceFactory, community_staff


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_space_week_calendar_readable_on_phone(live_server, browser):
    community = CommunityFactory(name="华阳社区")
    staff = community_staff(community=community, username="shequ_phone")
    space = SpaceFactory(community=community, name="二楼活动室")
    timeslot_create(space=space, weekday=1, start_time=dt.time(14), end_time=dt.time(15, 30), title="手工坊")
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{reverse('admin:login')}")
        page.fill("#id_username", staff.username)
        page.fill("#id_password", "pw")
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}{reverse('admin:spaces_space_week', args=[space.pk])}?week=2026-12-07")

        days = page.locator(".week-calendar__day")
        boxes = [days.nth(i).bounding_box() for i in range(days.count())]
        assert days.count() == 7
        assert all(b["width"] > 250 for b in boxes)  # one day per row, full width
        assert boxes[1]["y"] > boxes[0]["y"]
        assert page.locator(".week-calendar__day").nth(1).inner_text().split("\n")[-3:] == [
            "14:00–15:30",
            "手工坊",
            "每周",
        ]
        assert page.locator(".week-calendar").bounding_box()["width"] <= 375
        page.click("a[rel=next]")
        assert "week=2026-12-14" in page.url
    finally:
        context.close()
