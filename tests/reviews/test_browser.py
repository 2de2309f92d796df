"""A reviewer scores an applicant on a phone, in real Chromium."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from partners.models import PartnerStatus
from reviews.domain import conflict_declare, roadshow_close_scoring, score_sheet_total
from reviews.domain.scoring import plain
from reviews.models import ScoreSheet, SheetStatus
from tests.factories import StreetFactory
from tests.utils import TEXT_LINES_JS, assert_no_text_one_character_per_line

from .conftest import give_score
from .factories import rubric_with_criteria, setup_roadshow


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_scores_an_applicant_on_a_phone(live_server, phone_page):
    roadshow, _staff, (partner,), members = setup_roadshow()
    member = members["social"][2]  # a resident representative
    user = member.user
    user.set_password("pw-评审")
    user.save()
    first, second, third = roadshow.rubric.criteria.all()
    page = phone_page

    page.goto(f"{live_server.url}/review/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("pw-评审")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name=roadshow.title).click()
    page.get_by_role("link", name=f"1. {partner.name}", exact=False).click()

    page.get_by_label("不存在利益冲突").check()
    page.get_by_role("button", name="提交声明").click()
    page.get_by_label(first.title).fill("36")
    page.get_by_label(second.title).fill("27.5")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    page.get_by_label(third.title).fill("31")  # above the maximum of 30
    page.get_by_role("button", name="提交评分").click()

    # The form is `novalidate`, so the message is the server's, in Chinese, next to the field;
    # what was typed is kept.
    expect(page.get_by_text("得分不能超过满分 30 分。", exact=True)).to_be_visible()
    expect(page.get_by_label(first.title)).to_have_value("36.00")
    assert not ScoreSheet.objects.filter(status=SheetStatus.SUBMITTED).exists()
    page.get_by_label(third.title).fill("28")
    page.get_by_label("评语").fill("服务承诺具体，团队稳定。")
    page.get_by_role("button", name="提交评分").click()
    # The confirmation step (issue 19): the scores and the total, then 确认提交 locks.
    expect(page.locator("[data-confirm-total]")).to_have_text("91.5")
    page.get_by_role("button", name="确认提交").click()

    expect(page.get_by_text("评分表已提交并锁定。")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    sheet = ScoreSheet.objects.get(member=member, partner=partner)
    assert (sheet.status, sheet.comment) == (SheetStatus.SUBMITTED, "服务承诺具体，团队稳定。")
    assert sorted(str(s.value) for s in sheet.scores.all()) == ["27.50", "28.00", "36.00"]
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.SHORTLISTED  # others have not scored yet


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_scoring_works_without_javascript(live_server, browser):
    roadshow, _staff, (partner,), members = setup_roadshow()
    member = members["expert"][0]
    member.user.set_password("pw")
    member.user.save()
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/review/{roadshow.pk}/applicants/{partner.pk}/")
        page.get_by_label("用户名").fill(member.user.username)
        page.get_by_label("密码").fill("pw")
        page.get_by_role("button", name="登录").click()
        page.get_by_label("不存在利益冲突").check()
        page.get_by_role("button", name="提交声明").click()
        for criterion, value in zip(roadshow.rubric.criteria.all(), ["30", "20", "25"], strict=True):
            page.get_by_label(criterion.title).fill(value)
        page.get_by_role("button", name="提交评分").click()
        # Without JavaScript the confirmation step is a page of its own (issue 19).
        expect(page.locator("[data-confirm-total]")).to_have_text("75")
        page.get_by_role("button", name="确认提交").click()

        expect(page.get_by_text("评分表已提交并锁定。")).to_be_visible()
    finally:
        context.close()
    assert ScoreSheet.objects.get(member=member, partner=partner).status == SheetStatus.SUBMITTED


def _log_in(page, base, user):
    user.set_password("pw-评审")
    user.save()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("pw-评审")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/review/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_live_total_equals_the_server_total(live_server, phone_page):
    """The script's total as the reviewer types is the figure the server confirms (issue 19)."""
    street = StreetFactory()
    rubric = rubric_with_criteria(street, maxima=(40, 30, 30), weights=("1.5", "0.75", "1.25"))
    roadshow, _staff, (partner,), members = setup_roadshow(street=street, rubric=rubric)
    member = members["expert"][0]
    conflict_declare(member=member, partner=partner, has_conflict=False, by=member.user)
    first, second, third = roadshow.rubric.criteria.all()
    page = phone_page
    _log_in(page, live_server.url, member.user)
    page.goto(f"{live_server.url}/review/{roadshow.pk}/applicants/{partner.pk}/")
    total = page.locator("#score-total")
    expect(total).to_have_text("0")

    page.get_by_label(first.title).fill("33.33")
    expect(total).to_have_text("49.995")  # 33.33 × 1.5, before the others are typed
    page.get_by_label(second.title).fill("27.5")
    page.get_by_label(third.title).fill("19.99")
    live = total.text_content()
    page.get_by_role("button", name="提交评分").click()
    confirmed = page.locator("[data-confirm-total]").text_content()

    server = score_sheet_total(
        roadshow.rubric.criteria.all(),
        {first.pk: Decimal("33.33"), second.pk: Decimal("27.5"), third.pk: Decimal("19.99")},
    )
    # 49.995 + 20.625 + 24.9875
    assert live == confirmed == plain(server) == "95.6075"

    # 返回修改 keeps what was typed, and the live total with it.
    page.get_by_role("button", name="返回修改").click()
    expect(page.get_by_label(second.title)).to_have_value("27.5")
    expect(total).to_have_text("95.6075")
    assert not ScoreSheet.objects.filter(member=member).exists()
    page.get_by_role("button", name="提交评分").click()
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("评分表已提交并锁定。")).to_be_visible()
    assert ScoreSheet.objects.get(member=member).status == SheetStatus.SUBMITTED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_results_are_cards_on_a_phone(live_server, phone_page):
    """评分结果 at 375 px: one card per applicant, no name broken one character per line (issue 19)."""
    roadshow, staff, partners, members = setup_roadshow(partners=2)
    long_name = "成都市锦江区睦邻友好社区公益服务发展中心"
    partners[0].application.applicant_name = long_name
    partners[0].application.save()
    everyone = members["expert"] + members["social"]
    for partner in partners:
        for member, score in zip(everyone, [81, 82, 83, 64, 65, 66], strict=True):
            give_score(member, partner, score)
    roadshow_close_scoring(roadshow=roadshow, by=staff)
    page = phone_page
    _log_in(page, live_server.url, everyone[0].user)

    page.goto(f"{live_server.url}/review/{roadshow.pk}/results/")

    assert_no_text_one_character_per_line(page)
    name = page.get_by_role("cell", name=long_name)
    assert name.bounding_box()["width"] > 250  # the card's full width, not a column
    # Each score carries its column's name on the card.
    assert page.locator("td.composite").first.evaluate("td => getComputedStyle(td, '::before').content") == (
        '"综合评分"'
    )
    # The measure bites: without the cards the same table crushes the name on this phone.
    page.evaluate("document.querySelector('link[href*=\"cards.css\"]').remove()")
    crushed = [n for n in page.evaluate(TEXT_LINES_JS) if n["lines"] > 1 and len(n["text"]) / n["lines"] < 4]
    assert long_name in [n["text"] for n in crushed]
    page.reload()
    # Wide screens keep the table.
    page.set_viewport_size({"width": 1024, "height": 768})
    assert page.locator("table.cards thead").evaluate("el => getComputedStyle(el).position") != "absolute"
