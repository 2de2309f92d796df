"""The application in steps in real Chromium on a 375-px phone (issues 5 and 19)."""

import pytest
from playwright.sync_api import expect

from calls.models import Application, ApplicationDraft
from tests.touch_targets import small_targets, target_count

from .factories import call_with_space

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_application_form_submitted_on_phone_with_file(live_server, phone_page, tmp_path):
    call, space = call_with_space()
    licence = tmp_path / "licence.pdf"
    from calls.demo import demo_pdf

    licence.write_bytes(demo_pdf("Licence"))
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(demo_pdf("Plan"))
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"MZ" + b"\0" * 300)
    page = phone_page
    page.goto(f"{live_server.url}/calls/{call.pk}/")
    page.get_by_role("link", name="在线申请").click()

    # Step 1. A wrong check digit: the error comes back in Chinese, summarised at the top with focus.
    expect(page.get_by_role("heading", name="第 1 步（共 5 步）：申请人")).to_be_visible()
    assert small_targets(page) == [] and target_count(page) >= 6
    page.get_by_label("社会组织").check()
    page.get_by_label("申请主体名称/姓名").fill("句容市邻里互助服务中心")
    page.get_by_label("统一社会信用代码").fill("91330100716105852G")
    page.get_by_label("法定代表人/负责人").fill("李明")
    page.get_by_label("联系人").fill("王小明")
    page.get_by_label("手机号").fill("13812345678")
    page.get_by_label("电子邮箱").fill("wang@example.cn")
    page.get_by_label("地址").fill("句容市华阳北路18号")
    page.get_by_role("button", name="下一步").click()

    assert (
        page.locator("#field-credit_code .errorlist").inner_text().startswith("统一社会信用代码校验位不正确")
    )
    page.wait_for_load_state()  # the summary takes focus once the page has loaded (portal/forms.js)
    assert page.evaluate("document.activeElement.id") == "errors"
    assert page.locator("#errors a").first.get_attribute("href") == "#field-credit_code"
    expect(page.get_by_label("申请主体名称/姓名")).to_have_value("句容市邻里互助服务中心")
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("统一社会信用代码").fill("91330100716105852F")
    page.get_by_role("button", name="下一步").click()

    # Step 2: the project.
    page.wait_for_url("**/project/")
    assert small_targets(page) == []
    page.get_by_label("项目名称").fill("银龄学堂")
    page.get_by_label("为老服务").check()
    page.get_by_label("老年人").check()
    page.get_by_label("项目目标").fill("帮助老年人使用智能手机。")
    page.get_by_label("主要活动内容").fill("每周两次课。")
    page.get_by_label("实施进度安排").fill("每月8次。")
    page.get_by_label("每月免费服务时数").fill("20")
    page.get_by_role("button", name="下一步").click()

    # Step 3: space and time.
    page.wait_for_url("**/place/")
    assert small_targets(page) == []
    page.get_by_label(space.name, exact=False).check()
    page.get_by_role("button", name="下一步").click()

    # Step 4: a file refused beside one accepted: the accepted one stays, listed with 删除.
    page.wait_for_url("**/documents/")
    page.locator("#id_doc_registration").set_input_files(str(licence))
    page.locator("#id_doc_project_plan").set_input_files(str(fake))
    page.get_by_role("button", name="下一步").click()
    assert "实际内容不是允许的类型" in page.locator("#field-doc_project_plan .errorlist").inner_text()
    assert page.locator("#field-doc_registration .kept-files").inner_text().startswith("licence.pdf")
    expect(page.get_by_role("button", name="删除 licence.pdf")).to_be_visible()
    assert small_targets(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("#id_doc_project_plan").set_input_files(str(plan))
    page.get_by_role("button", name="下一步").click()

    # Step 5: what the draft holds, then the declarations.
    page.wait_for_url("**/confirm/")
    expect(page.get_by_text("银龄学堂").first).to_be_visible()
    assert small_targets(page) == []
    page.get_by_role("button", name="提交申请").click()
    expect(
        page.locator("#errors").get_by_text("个人信息处理同意：请阅读并同意个人信息处理说明后再提交。")
    ).to_be_visible()
    for box in page.locator("input[name=declarations]").all():
        box.check()
    page.locator("#id_privacy_consent").check()
    page.get_by_role("button", name="提交申请").click()

    page.wait_for_url("**/applications/status/**")
    application = Application.objects.get()
    assert page.locator(".reference").inner_text() == application.reference
    expect(page.get_by_text("已提交，社区审核中")).to_be_visible()
    assert application.documents.count() == 2
    assert ApplicationDraft.objects.count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_application_steps_work_without_javascript(live_server, browser):
    call, space = call_with_space()
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/calls/{call.pk}/apply/")
        page.get_by_role("button", name="下一步").click()
        expect(page.locator("#errors")).to_be_visible()
        expect(page.locator("#errors a[href='#field-kind']")).to_be_visible()
    finally:
        context.close()
