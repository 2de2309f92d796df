"""Every target at least 44 × 44 px on a 375-px phone, measured in Chromium (issue 19).

The application's steps are measured in tests/calls/test_application_browser.py; here the
suggestion box (its 1–5 rating, now with words) and the reviewer's declaration and score sheet.
"""

import pytest
from playwright.sync_api import expect

from tests.reviews.factories import setup_roadshow
from tests.services.factories import serving_partner
from tests.touch_targets import small_targets, target_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suggestion_box_targets_and_rating_words(live_server, phone_page):
    partner, _agreement, _space = serving_partner("active")
    page = phone_page
    page.goto(f"{live_server.url}/partners/{partner.pk}/feedback/")
    labels = page.locator("#field-rating label.choice").all_inner_texts()
    assert [label.strip() for label in labels] == ["5 非常满意", "4 满意", "3 一般", "2 不满意", "1 很不满意"]
    assert small_targets(page) == [] and target_count(page) >= 6
    radio = page.locator("#id_rating_0").bounding_box()
    assert radio["width"] >= 28 and radio["height"] >= 28
    # After an error the summary at the top links to the rating.
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#errors a[href='#field-rating']")).to_be_visible()
    page.wait_for_load_state()  # the summary takes focus once the page has loaded (portal/forms.js)
    assert page.evaluate("document.activeElement.id") == "errors"
    assert small_targets(page) == []


def test_reviewer_pages_targets(live_server, phone_page):
    roadshow, _staff, (partner,), members = setup_roadshow()
    user = members["social"][0].user
    user.set_password("pw-评审")
    user.save()
    page = phone_page
    page.goto(f"{live_server.url}/review/{roadshow.pk}/applicants/{partner.pk}/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("pw-评审")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="提交声明").wait_for()
    assert small_targets(page) == [] and target_count(page) >= 3
    page.get_by_role("button", name="提交声明").click()  # nothing chosen: the summary at the top
    expect(page.locator("#errors a[href='#field-has_conflict']")).to_be_visible()
    page.get_by_label("不存在利益冲突").check()
    page.get_by_role("button", name="提交声明").click()
    page.get_by_role("button", name="提交评分").wait_for()
    assert small_targets(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
