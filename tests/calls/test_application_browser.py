"""The application form in real Chromium on a 375-px phone (issue 5)."""

import pytest

from calls.models import Application

from .factories import call_with_space

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_application_form_submitted_on_phone_with_file(live_server, phone_page, tmp_path):
    call, space = call_with_space()
    licence = tmp_path / "licence.pdf"
    from calls.demo import demo_pdf

    licence.write_bytes(demo_pdf("Licence"))
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(demo_pdf("Plan"))
    page = phone_page
    page.goto(f"{live_server.url}/calls/{call.pk}/")
    page.get_by_role("link", name="在线申请").click()

    # First try without the ID number's organisation counterpart: the error comes back in Chinese.
    page.get_by_label("社会组织").check()
    page.get_by_label("申请主体名称/姓名").fill("句容市邻里互助服务中心")
    page.get_by_label("统一社会信用代码").fill("91330100716105852G")
    page.get_by_label("法定代表人/负责人").fill("李明")
    page.get_by_label("联系人").fill("王小明")
    page.get_by_label("手机号").fill("13812345678")
    page.get_by_label("电子邮箱").fill("wang@example.cn")
    page.get_by_label("地址").fill("句容市华阳北路18号")
    page.get_by_label("项目名称").fill("银龄学堂")
    page.get_by_label("为老服务").check()
    page.get_by_label("老年人").check()
    page.get_by_label("项目目标").fill("帮助老年人使用智能手机。")
    page.get_by_label("主要活动内容").fill("每周两次课。")
    page.get_by_label("实施进度安排").fill("每月8次。")
    page.get_by_label("每月免费服务时数").fill("20")
    page.get_by_label(space.name, exact=False).check()
    page.locator("#id_doc_registration").set_input_files(str(licence))
    page.locator("#id_doc_project_plan").set_input_files(str(plan))
    for box in page.locator("input[name=declarations]").all():
        box.check()
    page.locator("#id_privacy_consent").check()
    page.get_by_role("button", name="提交申请").click()

    assert (
        page.locator("#field-credit_code .errorlist").inner_text().startswith("统一社会信用代码校验位不正确")
    )
    assert page.get_by_label("项目名称").input_value() == "银龄学堂"
    assert page.get_by_text("已选择的文件需要重新选择").is_visible()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_label("统一社会信用代码").fill("91330100716105852F")
    page.locator("#id_doc_registration").set_input_files(str(licence))
    page.locator("#id_doc_project_plan").set_input_files(str(plan))
    page.get_by_role("button", name="提交申请").click()

    page.wait_for_url("**/applications/status/**")
    application = Application.objects.get()
    assert page.locator(".reference").inner_text() == application.reference
    assert page.get_by_text("已提交,社区审核中").is_visible()
    assert application.documents.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
