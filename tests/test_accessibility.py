"""Every public, reviewer and partner page passes axe-core's WCAG 2.1 A/AA rules in real Chromium.

The demo data set (plus a roadshow open for scoring) is built once for the module and every
page is audited on a 375-px phone in one pass (`audit`); each page is then its own test, so a
failure names the page and lists its violations. The audit runs axe-core 4.14.1, vendored
under tests/vendor/axe-core/ (a test asset, never served).
"""

from pathlib import Path

import pytest
from django.core.management import call_command

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PASSWORD = "a11y-测试-2026"

# (page name, path, form to submit empty or None): the form states show errors next to the fields.
PUBLIC_PAGES = [
    ("home", "/", None),
    ("notice_list", "/notices/", None),
    ("notice_detail", "/notices/{notice}/", None),
    ("notice_detail_objection_errors", "/notices/{notice}/", "提交异议"),
    ("objection_status", "/notices/objections/status/", None),
    ("objection_status_not_found", "/notices/objections/status/?reference=YY-0000&phone_last4=0000", None),
    ("call_list", "/calls/", None),
    ("call_detail", "/calls/{call}/", None),
    ("call_apply", "/calls/{call}/apply/", None),
    ("call_apply_errors", "/calls/{call}/apply/", "提交申请"),
    ("application_status_lookup", "/applications/status/", None),
    ("application_status_lookup_errors", "/applications/status/", "查询"),
    ("application_status_private", "/applications/status/{status_token}/", None),
    ("directory", "/partners/", None),
    ("partner_detail", "/partners/{serving}/", None),
    ("feedback_public", "/partners/{serving}/feedback/", None),
    ("feedback_public_errors", "/partners/{serving}/feedback/", "提交评价"),
    ("login", "/accounts/login/", None),
]
PARTNER_PAGES = [
    ("log_list", "/services/logs/", None),
    ("log_create", "/services/logs/new/", None),
    ("log_create_errors", "/services/logs/new/", "提交"),
    ("log_detail", "/services/logs/{log}/", None),
    ("progress", "/services/progress/", None),
    ("partner_feedback", "/services/feedback/", None),
]
REVIEWER_PAGES = ["review_home", "roadshow", "score_declaration", "score_sheet", "score_sheet_errors"]


def _build_data():
    """The demo (every stage has records) and a roadshow whose scoring is open."""
    from partners.domain import application_status_token
    from partners.models import Application, CallStatus, PublicNotice, RecruitmentCall
    from services.models import PartnerAccount, ServiceLog
    from tests.reviews.factories import setup_roadshow

    call_command("load_demo", verbosity=0)
    account = PartnerAccount.objects.select_related("user", "partner").filter(partner__status="active").first()
    account.user.set_password(PASSWORD)
    account.user.save()
    call = RecruitmentCall.objects.get(status=CallStatus.PUBLISHED)
    notice = next(n for n in PublicNotice.objects.order_by("-starts_at") if not n.period_over())
    data = {
        "call": call.pk, "notice": notice.pk, "serving": account.partner.pk,
        "log": ServiceLog.objects.filter(partner=account.partner).first().pk, "partner_user": account.user.username,
        "status_token": application_status_token(Application.objects.filter(call=call).first()),
    }
    # The demo's roadshow is closed: score on a new one.
    roadshow, _staff, (applicant,), members = setup_roadshow(partners=1, experts=1, social=(0, 0, 1))
    reviewer = members["social"][0].user
    reviewer.set_password(PASSWORD)
    reviewer.save()
    criterion = roadshow.rubric.criteria.order_by("position").first()
    return {**data, "roadshow": roadshow.pk, "applicant": applicant.pk, "reviewer": reviewer.username,
            "criterion": (criterion.title, criterion.max_score)}


def _axe(page):
    """The page's language, axe's violations, and what axe could not decide (needs review).

    "Incomplete" results count too: an aria-describedby naming a missing id, or text whose
    contrast cannot be computed, is a defect until a person has looked at it and fixed it.
    """
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return {"lang": page.locator("html").get_attribute("lang"),
            "violations": result["violations"], "incomplete": result["incomplete"]}


def _log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def _audit_pages(page, base, data, pages):
    results = {}
    for name, path, submit in pages:
        response = page.goto(base + path.format(**data))
        assert response.status == 200, (name, response.status)
        if submit:
            with page.expect_navigation():
                page.locator("main").get_by_role("button", name=submit, exact=True).click()
            assert page.locator("main [aria-invalid=true]").count() > 0, name
        results[name] = _axe(page)
    return results


def _audit_public(page, base, data):
    return _audit_pages(page, base, data, PUBLIC_PAGES)


def _audit_partner(page, base, data):
    _log_in(page, base, data["partner_user"])
    return _audit_pages(page, base, data, PARTNER_PAGES)


def _audit_reviewer(page, base, data):
    _log_in(page, base, data["reviewer"])
    results = {}
    page.goto(f"{base}/review/")
    results["review_home"] = _axe(page)
    page.goto(f"{base}/review/{data['roadshow']}/")
    results["roadshow"] = _axe(page)
    page.goto(f"{base}/review/{data['roadshow']}/applicants/{data['applicant']}/")
    results["score_declaration"] = _axe(page)
    page.get_by_label("不存在利益冲突").check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交声明").click()
    results["score_sheet"] = _axe(page)
    title, max_score = data["criterion"]
    page.get_by_label(title).fill(str(max_score + 1))
    with page.expect_navigation():
        page.get_by_role("button", name="提交评分").click()
    assert page.get_by_text("得分不能超过满分").first.is_visible()
    results["score_sheet_errors"] = _axe(page)
    return results


@pytest.fixture(scope="module")
def audit(django_db_setup, django_db_blocker, live_server, browser):
    """{page name: {"lang", "violations", "incomplete"}}, every page audited once against one data set.

    The data is committed (the live server reads it from its own connection) and
    removed afterwards by the transactional teardown of the tests using this fixture;
    if building or auditing fails, it is flushed here.
    """
    def phone():
        return browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN",
                                   device_scale_factor=2, is_mobile=True, has_touch=True)

    with django_db_blocker.unblock():
        try:
            data = _build_data()
            results = {}
            for audit_pages in (_audit_public, _audit_reviewer, _audit_partner):
                context = phone()  # each audience in its own session
                try:
                    results.update(audit_pages(context.new_page(), live_server.url, data))
                finally:
                    context.close()
        except BaseException:
            call_command("flush", interactive=False, verbosity=0)
            raise
    return results


def describe(results):
    """One line per rule and one per offending node, for the failure message."""
    lines = []
    for result in results:
        lines.append(f"{result['id']} ({result['impact']}): {result['help']}")
        for node in result["nodes"]:
            checks = [check["message"] for check in node["any"] + node["all"] + node["none"]]
            lines.append(f"    {' '.join(node['target'])}: {'; '.join(checks)}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("page_name", [name for name, _path, _submit in PUBLIC_PAGES + PARTNER_PAGES]
                         + REVIEWER_PAGES)
def test_page_is_accessible(audit, page_name, transactional_db):
    result = audit[page_name]

    assert result["lang"] == "zh-Hans"
    assert result["violations"] == [], f"{page_name} violations:\n{describe(result['violations'])}"
    assert result["incomplete"] == [], f"{page_name} needs review:\n{describe(result['incomplete'])}"


@pytest.mark.browser
def test_audit_reports_violations(phone_page):
    """The harness can fail: a page with an unlabelled input and grey-on-white text."""
    phone_page.set_content('<html lang="zh-Hans"><head><title>测试</title></head><body><main>'
                           '<h1>标题</h1><p style="color:#bbb;background:#fff">浅灰色文字</p>'
                           '<input type="text"></main></body></html>')

    result = _axe(phone_page)

    assert sorted(v["id"] for v in result["violations"]) == ["color-contrast", "label"]
