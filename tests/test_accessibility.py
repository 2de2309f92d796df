"""Every public, reviewer, partner and observer page passes an axe-core audit in real Chromium.

The rules: WCAG 2.0/2.1 A and AA, plus axe's best practices (heading order, one h1, landmarks,
which the issue's "headings" asks for). The demo data set (plus a roadshow open for scoring)
is built once for the module and every page, in its empty, error and success states, is
audited on a 375-px phone in one pass (`audit`); each page is then its own test, so a failure
names the page and lists its violations. axe-core 4.14.1 is vendored under
tests/vendor/axe-core/ (a test asset, never served).
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.defaults import server_error
from playwright.sync_api import expect

from calls.domain import (
    application_draft_start,
    application_request_documents,
    application_status_token,
    document_request_token,
)
from calls.models import Application, CallStatus, DocumentKind, RecruitmentCall
from notices.models import Objection, PublicNotice
from partners.domain import partner_transition
from reports.models import MonthlyReport
from reviews.models import Roadshow, ScoreSheet
from services.demo_second_street import demo_second_street_partners
from services.models import PartnerAccount, ServiceLog
from tests.calls.factories import submitted_application
from tests.factories import RecruitmentCallFactory
from tests.notices.factories import approved_partner, published_notice, setting
from tests.reviews.factories import setup_roadshow

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PASSWORD = "a11y-测试-2026"

# (page name, path, form to submit empty or None): the form states show errors next to the fields.
PUBLIC_PAGES = [
    ("home", "/", None),
    ("not_found", "/notices/999999/", None),
    ("notice_list", "/notices/", None),
    ("notice_detail", "/notices/{notice}/", None),
    ("objection_form", "/notices/{notice}/objections/", None),
    ("objection_form_errors", "/notices/{notice}/objections/", "提交异议"),
    ("objection_form_ended", "/notices/{past_notice}/objections/", None),
    ("notice_detail_ended", "/notices/{past_notice}/", None),
    ("objection_status", "/notices/objections/status/", None),
    ("objection_status_not_found", "/notices/objections/status/?reference=YY-0000&phone_last4=0000", None),
    ("call_list", "/calls/", None),
    ("call_detail", "/calls/{call}/", None),
    ("call_apply", "/calls/{call}/apply/", None),
    ("call_apply_errors", "/calls/{call}/apply/", "下一步"),
    # The application in steps (issue 19), on a draft holding the first step.
    ("apply_project", "/applications/drafts/{draft}/project/", None),
    ("apply_project_errors", "/applications/drafts/{draft}/project/", "下一步"),
    ("apply_place", "/applications/drafts/{draft}/place/", None),
    ("apply_place_errors", "/applications/drafts/{draft}/place/", "下一步"),
    ("apply_documents", "/applications/drafts/{draft}/documents/", None),
    ("apply_documents_errors", "/applications/drafts/{draft}/documents/", "下一步"),
    ("apply_confirm", "/applications/drafts/{draft}/confirm/", None),
    ("apply_confirm_errors", "/applications/drafts/{draft}/confirm/", "提交申请"),
    ("draft_resume", "/applications/drafts/", None),
    ("draft_resume_errors", "/applications/drafts/", "继续填写"),
    ("application_status_lookup", "/applications/status/", None),
    ("application_status_lookup_errors", "/applications/status/", "查询"),
    ("application_status_private", "/applications/status/{status_token}/", None),
    # The steps of a path that ended (issue 19): the step it stopped at and the reason.
    ("application_status_ended", "/applications/status/{ended_token}/", None),
    ("application_document_upload", "/applications/upload/{upload_token}/", None),
    ("application_document_upload_errors", "/applications/upload/{upload_token}/", "上传"),
    ("directory", "/partners/", None),
    # The filter forms: a street chosen (its communities offered) and an invalid value reported.
    ("directory_filtered", "/partners/?street={street}&category=elderly", None),
    ("directory_filter_errors", "/partners/?street={street}&category=astrology", None),
    ("notice_list_filter_errors", "/notices/?status=soon&q=名单", None),
    ("call_list_filtered", "/calls/?status=open&street={street}", None),
    ("partner_detail", "/partners/{serving}/", None),
    # A partner of 华阳街道 (the 晋江 preset): its fund totals disclosed (issue 20).
    ("partner_detail_funds", "/partners/{funded}/", None),
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
# A partner of 华阳街道 (the 晋江 preset): monthly reports, self-evaluation, fund ledger (issue 20).
REPORTS_PAGES = [
    ("reports_index", "/reports/", None),
    ("reports_monthly", "/reports/monthly/{report}/", None),
    ("reports_self_evaluation", "/reports/self-evaluation/new/", None),
    ("reports_self_evaluation_errors", "/reports/self-evaluation/new/", "提交"),
    ("reports_fund_entry", "/reports/funds/new/", None),
    ("reports_fund_entry_errors", "/reports/funds/new/", "提交"),
]
OBSERVER_PAGES = [
    ("observation_list", "/services/observations/", None),
    ("observation_create", "/services/observations/new/", None),
    ("observation_create_errors", "/services/observations/new/", "保存"),
]
# Pages reached by a flow (a form filled in and sent): audited in the _audit_* functions.
REVIEWER_PAGES = [
    "review_home",
    "roadshow",
    "score_declaration",
    "score_sheet",
    "score_sheet_errors",
    "score_sheet_saved",
    "score_sheet_confirm",
    "results",
    "score_sheet_locked",
    "forbidden",
]
FLOW_PAGES = ["objection_filed", "objection_status_found", "feedback_public_thanks"]
ACCOUNT_PAGES = [
    "login_errors",
    "password_reset",
    "password_reset_done",
    "set_password",
    "set_password_errors",
    "set_password_complete",
]
EXPECTED_STATUS = {"not_found": 404, "forbidden": 403}


def _build_data():
    """On the demo (every stage has records; `demo_database`), a roadshow whose scoring is open."""
    demo_roadshow = Roadshow.objects.get(street__name="崇明街道")  # 华阳街道 has its own (issue 20)
    demo_sheet = (
        ScoreSheet.objects.filter(member__panel__roadshow=demo_roadshow)
        .select_related("member__user")
        .first()
    )
    for user in [get_user_model().objects.get(username="guanchayuan"), demo_sheet.member.user]:
        user.set_password(PASSWORD)
        user.save()
    account = (
        PartnerAccount.objects.select_related("user", "partner").filter(partner__status="active").first()
    )
    account.user.set_password(PASSWORD)
    account.user.save()
    funded = (
        PartnerAccount.objects.select_related("user")
        .filter(partner__in=demo_second_street_partners(), partner__fund_entries__isnull=False)
        .distinct()
        .get()
    )
    funded.user.set_password(PASSWORD)
    funded.user.save()
    call = RecruitmentCall.objects.get(status=CallStatus.PUBLISHED)
    notices = list(PublicNotice.objects.order_by("-starts_at"))
    data = {
        "invitation_path": _invitation_path(PartnerAccount.objects.exclude(pk=account.pk).first().user),
        "call": call.pk,
        "street": call.street_id,
        "notice": next(n.pk for n in notices if not n.period_over()),
        "past_notice": next(n.pk for n in notices if n.period_over()),
        "observer": "guanchayuan",
        "demo_roadshow": demo_roadshow.pk,
        "demo_reviewer": demo_sheet.member.user.username,
        "demo_applicant": demo_sheet.partner_id,
        "serving": account.partner.pk,
        "log": ServiceLog.objects.filter(partner=account.partner).first().pk,
        "partner_user": account.user.username,
        "funded": funded.partner_id,
        "report": MonthlyReport.objects.filter(partner_id=funded.partner_id).order_by("-month").first().pk,
        "reports_user": funded.user.username,
        "status_token": application_status_token(Application.objects.filter(call=call).first()),
        "draft": application_draft_start(
            call=call,
            data={
                "kind": "social_organization",
                "applicant_name": "句容市邻里互助服务中心",
                "credit_code": "91330100716105852F",
                "contact_name": "王小明",
                "mobile": "13812345678",
                "address": "句容市华阳北路18号",
            },
            step="applicant",
            phone="13812345678",
        ).token,
    }
    # The demo's roadshow is closed: score on a new one.
    roadshow, staff, (applicant,), members = setup_roadshow(partners=1, experts=1, social=(0, 0, 1))
    reviewer = members["social"][0].user
    reviewer.set_password(PASSWORD)
    reviewer.save()
    criterion = roadshow.rubric.criteria.order_by("position").first()
    document_request = application_request_documents(
        application=applicant.application,
        kind=DocumentKind.TEAM,
        message="请补充团队成员的资质证明。",
        by=staff,
    )
    withdrawn = submitted_application()
    partner_transition(partner=withdrawn.partner, transition="withdraw", as_applicant=True, note="")
    return {
        **data,
        "ended_token": application_status_token(withdrawn),
        "upload_token": document_request_token(document_request),
        "roadshow": roadshow.pk,
        "applicant": applicant.pk,
        "reviewer": reviewer.username,
        "criterion": (criterion.title, criterion.max_score),
    }


# Colour contrast is checked in a second pass with the horizontally scrolling table wrappers
# unclipped: axe cannot see the background of cells scrolled out of view, and clipping does not
# change colours. Everything else (the scroll region's keyboard access too) is checked as laid out.
# In 适老化 mode the contrast pass also runs axe's enhanced rule (WCAG AAA 1.4.6, at least 7:1).
AUDIT_JS = """async ({tags, contrastRules}) => {
  const layout = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          rules: {'color-contrast': {enabled: false}}});
  const wraps = [...document.querySelectorAll('.table-wrap')];
  wraps.forEach(wrap => { wrap.style.overflow = 'visible'; });
  const contrast = await axe.run(document, {runOnly: {type: 'rule', values: contrastRules}});
  wraps.forEach(wrap => { wrap.style.overflow = ''; });
  return {violations: layout.violations.concat(contrast.violations),
          incomplete: layout.incomplete.concat(contrast.incomplete)};
}"""


def _invitation_path(user):
    """The set-password link a new partner account is invited with (services.domain.partner_account_invite)."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


CONTRAST = ["color-contrast"]
ELDER_CONTRAST = ["color-contrast", "color-contrast-enhanced"]


def _axe(page, contrast=CONTRAST):
    """The page's language and width, axe's violations, and what axe could not decide (needs review).

    "Incomplete" results count too: an aria-describedby naming a missing id, or text whose
    contrast cannot be computed, is a defect until a person has looked at it and fixed it.
    """
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(AUDIT_JS, {"tags": WCAG_TAGS, "contrastRules": contrast})
    return {
        "lang": page.locator("html").get_attribute("lang"),
        "violations": result["violations"],
        "incomplete": result["incomplete"],
        # WCAG 1.4.10 reflow: nothing but data tables (which scroll in their region) is wider.
        "page_width": page.evaluate("document.documentElement.scrollWidth"),
    }


def _log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def _audit_pages(page, base, data, pages, *, prefix="", contrast=CONTRAST):
    results = {}
    for name, path, submit in pages:
        response = page.goto(base + path.format(**data))
        assert response.status == EXPECTED_STATUS.get(name, 200), (prefix + name, response.status)
        name = prefix + name
        if submit:
            with page.expect_navigation():
                page.locator("main").get_by_role("button", name=submit, exact=True).click()
            # The title tells a screen reader at once that the form came back with errors.
            assert page.title().startswith("错误："), name
            assert page.locator("main [aria-invalid=true]").count() > 0, name
        results[name] = _axe(page, contrast)
    return results


def _audit_elder(page, base, data):
    """Every public page in 适老化 mode (the cookie the header's toggle sets), with AAA contrast."""
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": base}])
    results = _audit_pages(page, base, data, PUBLIC_PAGES, prefix="elder:", contrast=ELDER_CONTRAST)
    page.goto(f"{base}/calls/")
    assert page.get_by_role("button", name="适老模式").get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    return results


def _audit_public(page, base, data):
    results = _audit_pages(page, base, data, PUBLIC_PAGES)
    # A resident files an objection, then looks up its conclusion with the reference.
    page.goto(f"{base}/notices/{data['notice']}/")
    page.get_by_role("link", name="填写异议").click()
    page.get_by_label("对哪一位申请人提出异议").select_option(index=1)
    page.get_by_label("异议事实与理由").fill("该机构在其他小区开展活动时收取费用。")
    page.get_by_label("您的姓名").fill("李居民")
    page.get_by_label("联系电话").fill("13700001111")
    with page.expect_navigation():
        page.get_by_role("button", name="提交异议").click()
    results["objection_filed"] = _axe(page)
    reference = Objection.objects.latest("pk").reference
    page.goto(f"{base}/notices/objections/status/?reference={reference}&phone_last4=1111")
    expect(page.get_by_text(reference).first).to_be_visible()
    results["objection_status_found"] = _axe(page)
    # A resident rates a partner's service.
    page.goto(f"{base}/partners/{data['serving']}/feedback/")
    page.get_by_label("4").check()
    page.get_by_label("意见或建议").fill("希望周末也开放。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    results["feedback_public_thanks"] = _axe(page)
    return results


def _audit_account(page, base, data):
    """Signing in, and the invitation link a new partner sets a password with."""
    results = {}
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(data["partner_user"])
    page.get_by_label("密码").fill("wrong-password")
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    assert page.title().startswith("错误：")
    results["login_errors"] = _axe(page)
    page.goto(f"{base}/accounts/password_reset/")
    results["password_reset"] = _axe(page)
    page.locator("input[type=email]").fill("nobody@example.cn")
    with page.expect_navigation():
        page.get_by_role("button", name="发送链接").click()
    results["password_reset_done"] = _axe(page)
    page.goto(base + data["invitation_path"])
    page.wait_for_url("**/set-password/")
    results["set_password"] = _axe(page)
    first, second = page.locator("input[type=password]").all()
    first.fill("a-new-password-2026")
    second.fill("a-different-password-2026")  # mismatch
    with page.expect_navigation():
        page.get_by_role("button", name="设置密码").click()
    assert page.title().startswith("错误：")
    results["set_password_errors"] = _axe(page)
    first, second = page.locator("input[type=password]").all()
    first.fill("a-new-password-2026")
    second.fill("a-new-password-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="设置密码").click()
    results["set_password_complete"] = _axe(page)
    return results


def _audit_observer(page, base, data):
    _log_in(page, base, data["observer"])
    return _audit_pages(page, base, data, OBSERVER_PAGES)


def _audit_partner(page, base, data):
    _log_in(page, base, data["partner_user"])
    return _audit_pages(page, base, data, PARTNER_PAGES)


def _audit_reports(page, base, data):
    _log_in(page, base, data["reports_user"])
    return _audit_pages(page, base, data, REPORTS_PAGES)


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
    expect(page.get_by_text("得分不能超过满分").first).to_be_visible()
    assert page.title().startswith("错误：")
    results["score_sheet_errors"] = _axe(page)
    page.get_by_label(title).fill(str(max_score))
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    results["score_sheet_saved"] = _axe(page)
    # 提交 first shows the scores and the weighted total (issue 19); nothing is locked yet.
    for score in page.locator("input.score-input").all():
        score.fill("1")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_role("button", name="确认提交")).to_be_visible()
    results["score_sheet_confirm"] = _axe(page)
    return results


def _audit_demo_reviewer(page, base, data):
    """A panel member of the demo's closed roadshow: the results and a locked score sheet."""
    _log_in(page, base, data["demo_reviewer"])
    return _audit_pages(
        page,
        base,
        data,
        [
            ("results", "/review/{demo_roadshow}/results/", None),
            ("score_sheet_locked", "/review/{demo_roadshow}/applicants/{demo_applicant}/", None),
            ("forbidden", "/review/{roadshow}/results/", None),
        ],
    )


@pytest.fixture(scope="module")
def audit(demo_database, django_db_blocker, live_server, browser):
    """{page name: {"lang", "violations", "incomplete", "page_width"}}: every page audited once, one data set.

    The data is committed (the live server reads it from its own connection) and
    removed afterwards by the transactional teardown of the tests using this fixture;
    if building or auditing fails, it is flushed here.
    """

    def phone():  # the phone of tests/conftest.py's phone_page, which is per test
        return browser.new_context(
            viewport={"width": 375, "height": 740},
            locale="zh-CN",
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            # axe-core is injected as an inline script, which the site's CSP rightly refuses.
            bypass_csp=True,
        )

    with django_db_blocker.unblock():
        try:
            data = _build_data()
            results = {}
            for audit_pages in (
                _audit_public,
                _audit_elder,
                _audit_account,
                _audit_reviewer,
                _audit_demo_reviewer,
                _audit_partner,
                _audit_reports,
                _audit_observer,
            ):
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
@pytest.mark.parametrize(
    "page_name",
    [name for name, _path, _submit in PUBLIC_PAGES + PARTNER_PAGES + REPORTS_PAGES + OBSERVER_PAGES]
    + FLOW_PAGES
    + ACCOUNT_PAGES
    + REVIEWER_PAGES,
)
def test_page_is_accessible(audit, page_name, transactional_db):
    _assert_accessible(audit, page_name)


@pytest.mark.browser
@pytest.mark.parametrize("page_name", [name for name, _path, _submit in PUBLIC_PAGES])
def test_public_page_is_accessible_in_elder_mode(audit, page_name, transactional_db):
    """适老化: large text, 7:1 contrast (axe's color-contrast-enhanced) on a 375-px phone."""
    _assert_accessible(audit, f"elder:{page_name}")


def _assert_accessible(audit, page_name):
    result = audit[page_name]

    assert (result["lang"], result["page_width"]) == ("zh-Hans", 375)
    assert result["violations"] == [], f"{page_name} violations:\n{describe(result['violations'])}"
    assert result["incomplete"] == [], f"{page_name} needs review:\n{describe(result['incomplete'])}"


@pytest.mark.browser
def test_keyboard_users_skip_to_the_content_and_see_where_they_are(live_server, phone_page):
    """WCAG 2.4.1 and 2.4.7: the first Tab shows the skip link; every focused element is outlined."""
    call = RecruitmentCallFactory()
    page = phone_page
    page.goto(f"{live_server.url}/calls/{call.pk}/apply/")

    page.keyboard.press("Tab")
    skip = page.evaluate("""() => { const el = document.activeElement, box = el.getBoundingClientRect();
                                    return [el.textContent, box.left >= 0 && box.top >= 0]; }""")
    page.keyboard.press("Enter")
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate("""() => { const el = document.activeElement, style = getComputedStyle(el);
            return [el.closest('main') !== null, style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0]; }""")
        )

    assert skip == ["跳到正文", True]
    # The form's step (issue 19) has fewer fields than the old one-page form: focus may go on
    # into the footer after the step's own controls; every focused element is outlined.
    in_main = [inside for inside, _outlined in focused]
    assert in_main[:6] == [True] * 6 and in_main == sorted(in_main, reverse=True)
    assert [outlined for _inside, outlined in focused] == [True] * 12


@pytest.mark.django_db
def test_personal_fields_identify_their_purpose(client):
    """WCAG 1.3.5: the browser can fill in the applicant's and the objector's own details."""
    community, staff = setting()
    notice = published_notice(staff=staff, partners=[approved_partner(community)])
    call = RecruitmentCallFactory(street=community.street)

    apply_form = Inputs.of(client.get(f"/calls/{call.pk}/apply/"))
    objection_form = Inputs.of(client.get(f"/notices/{notice.pk}/objections/"))

    assert [apply_form[name].get("autocomplete") for name in ("contact_name", "mobile", "email")] == [
        "name",
        "tel",
        "email",
    ]
    assert [objection_form[name].get("autocomplete") for name in ("objector_name", "objector_phone")] == [
        "name",
        "tel",
    ]


@pytest.mark.django_db
def test_application_errors_are_summarised_with_links_to_the_fields(client):
    call = RecruitmentCallFactory()

    response = client.post(f"/calls/{call.pk}/apply/", {"applicant_name": "句容市邻里互助服务中心"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>错误：项目申请表" in html
    assert '<a href="#field-mobile">手机号：请填写手机号码。</a>' in html
    assert 'id="field-mobile"' in html
    assert 'href="#field-applicant_name"' not in html  # filled in: no error


class Inputs(HTMLParser):
    """{input name: attributes} of a page."""

    @classmethod
    def of(cls, response):
        parser = cls()
        parser.inputs = {}
        parser.feed(response.content.decode())
        return parser.inputs

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and "name" in attrs:
            self.inputs[attrs["name"]] = attrs


def test_server_error_page_stands_alone(rf):
    response = server_error(rf.get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="zh-Hans">' in html
    assert "<h1>系统暂时出错</h1>" in html


@pytest.mark.browser
def test_audit_reports_violations(phone_page):
    """The harness can fail: a page with an unlabelled input and grey-on-white text."""
    phone_page.set_content(
        '<html lang="zh-Hans"><head><title>测试</title></head><body><main>'
        '<h1>标题</h1><p style="color:#bbb;background:#fff">浅灰色文字</p>'
        '<input type="text"></main></body></html>'
    )

    result = _axe(phone_page)

    assert sorted(v["id"] for v in result["violations"]) == ["color-contrast", "label"]
