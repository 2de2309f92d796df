"""The two phone pages (and the evaluators' pages) pass axe-core on a 375-px phone, in every state."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, partner_in_state
from tests.test_accessibility import PASSWORD, _axe, describe

from .factories import make_questionnaire, make_satisfaction, xuhui_street

pytestmark = pytest.mark.browser


def _audit(page, name, results):
    results[name] = _axe(page)


def _submit_empty(page, button):
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=button, exact=True).click()
    assert page.title().startswith("错误：")
    assert page.locator("main [aria-invalid=true]").count() > 0


@pytest.fixture
def phone(browser):
    """A 375-px phone in Chinese; axe-core is injected as an inline script, which the CSP rightly refuses."""
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        locale="zh-CN",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    yield context.new_page()
    context.close()


def test_survey_pages_are_accessible_on_a_phone(live_server, phone, transactional_db):
    street = xuhui_street()
    questionnaire = make_questionnaire(street, intro="请选出您最需要的服务。")
    partner = partner_in_state("active", community=street.communities.get(name="南门社区"))
    quiet = partner_in_state("active", community=xuhui_street().communities.first())  # no evaluation
    evaluator = UserFactory(username="pinggu-a11y")
    evaluator.set_password(PASSWORD)
    evaluator.save()
    survey = make_satisfaction(street, evaluators=[evaluator])
    base, page, results = live_server.url, phone, {}

    questionnaire_url = base + reverse("surveys:questionnaire_public", args=[questionnaire.pk])
    page.goto(questionnaire_url)
    _audit(page, "questionnaire", results)
    _submit_empty(page, "提交问卷")
    _audit(page, "questionnaire_errors", results)
    page.get_by_label("您所在的社区").select_option(label="南门社区")
    page.get_by_label("为老服务").check()
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="提交问卷").click()
    assert "?thanks=1" in page.url
    _audit(page, "questionnaire_thanks", results)

    satisfaction_url = base + reverse("surveys:satisfaction_public", args=[partner.pk])
    page.goto(satisfaction_url)
    _audit(page, "satisfaction", results)
    _submit_empty(page, "提交评价")
    _audit(page, "satisfaction_errors", results)
    page.get_by_label("5分（非常满意）").check()
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="提交评价").click()
    assert "?thanks=1" in page.url
    _audit(page, "satisfaction_thanks", results)
    page.goto(base + reverse("surveys:satisfaction_public", args=[quiet.pk]))
    _audit(page, "satisfaction_none_open", results)

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(evaluator.username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    assert page.url.endswith("/surveys/evaluate/")
    _audit(page, "evaluator_home", results)
    page.goto(base + reverse("surveys:evaluator_score", args=[survey.pk, partner.pk]))
    _audit(page, "evaluator_score", results)
    _submit_empty(page, "保存评分")
    _audit(page, "evaluator_score_errors", results)

    for name, result in results.items():
        assert (result["lang"], result["page_width"]) == ("zh-Hans", 375), name
        assert result["violations"] == [], f"{name} violations:\n{describe(result['violations'])}"
        assert result["incomplete"] == [], f"{name} needs review:\n{describe(result['incomplete'])}"
