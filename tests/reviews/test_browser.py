"""A reviewer scores an applicant on a phone, in real Chromium."""

import pytest

from partners.models import PartnerStatus
from reviews.models import ScoreSheet, SheetStatus

from .factories import setup_roadshow


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
    assert page.get_by_text("草稿已保存。").is_visible()
    page.get_by_label(third.title).fill("31")  # above the maximum of 30
    page.get_by_role("button", name="提交评分").click()

    # The form is `novalidate`, so the message is the server's, in Chinese, next to the field;
    # what was typed is kept.
    assert page.get_by_text("得分不能超过满分 30 分。", exact=True).is_visible()
    assert page.get_by_label(first.title).input_value() == "36.00"
    assert not ScoreSheet.objects.filter(status=SheetStatus.SUBMITTED).exists()
    page.get_by_label(third.title).fill("28")
    page.get_by_label("评语").fill("服务承诺具体,团队稳定。")
    page.get_by_role("button", name="提交评分").click()

    assert page.get_by_text("评分表已提交并锁定。").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    sheet = ScoreSheet.objects.get(member=member, partner=partner)
    assert (sheet.status, sheet.comment) == (SheetStatus.SUBMITTED, "服务承诺具体,团队稳定。")
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

        assert page.get_by_text("评分表已提交并锁定。").is_visible()
    finally:
        context.close()
    assert ScoreSheet.objects.get(member=member, partner=partner).status == SheetStatus.SUBMITTED
