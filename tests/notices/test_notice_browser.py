"""A resident on a phone opens the notice and files an objection (real Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from notices.models import Objection, ObjectionStatus
from tests.notices.factories import approved_partner, individual_partner, published_notice, setting


@pytest.mark.browser
def test_notice_browser_resident_files_objection_on_phone(live_server, phone_page, transactional_db):
    community, staff = setting()
    organisation = approved_partner(
        community, applicant_name="句容市绿邻环保志愿服务社", project_title="垃圾分类小管家"
    )
    notice = published_notice(staff=staff, partners=[organisation, individual_partner(community)])
    page = phone_page

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=notice.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(notice.title)
    # On a phone each applicant is a card; the cells keep their role and carry their label.
    expect(page.get_by_role("cell", name="申请主体：张*三", exact=True)).to_be_visible()
    # Nothing is wider than the phone: the list scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_role("link", name="填写异议").click()  # the form is a page of its own
    expect(page.get_by_role("heading", level=1)).to_have_text("提出异议")
    page.get_by_label("对哪一位申请人提出异议").select_option(
        label="句容市绿邻环保志愿服务社（垃圾分类小管家）"
    )
    page.get_by_label("异议事实与理由").fill("该组织在小区内开展活动时向居民收取费用。")
    page.get_by_label("您的姓名").fill("李居民")
    page.get_by_label("联系电话").fill("1370000")
    page.get_by_role("button", name="提交异议").click()
    # Next to the field, and in the summary at the top of the form.
    expect(
        page.locator("#field-objector_phone").get_by_text("请填写11位手机号或带区号的座机号码。")
    ).to_be_visible()
    expect(page.locator(".error-summary").get_by_text("请填写11位手机号或带区号的座机号码。")).to_be_visible()
    expect(page.get_by_label("异议事实与理由")).to_have_value("该组织在小区内开展活动时向居民收取费用。")

    page.get_by_label("联系电话").fill("13700001111")
    page.get_by_role("button", name="提交异议").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("异议已受理")
    reference = page.locator(".reference").inner_text()
    assert re.fullmatch(r"YY\d{8}-[A-Z2-9]{6}", reference)
    objection = Objection.objects.get(reference=reference)
    assert (objection.entry.partner_id, objection.status) == (organisation.pk, ObjectionStatus.OPEN)

    page.get_by_role("link", name="查询办理结果").click()
    page.get_by_label("联系电话后四位").fill("1111")
    page.get_by_role("button", name="查询").click()
    # The result is a new page: wait for it (is_visible() alone can look before it has loaded).
    expect(page.get_by_text("已受理，正在调查核实。")).to_be_visible()
