"""The daily admin pages pass an axe-core audit in real Chromium (issue 16), like the public pages.

A community worker's day: the admin home, and the list and a record of applications, partners,
service logs, objections and agreements, plus the statistics dashboard and the inspection pack's
page, on a 1366-px laptop screen, as the demo's street staff member. The same rules as
tests/test_accessibility.py (WCAG 2.0/2.1 A and AA and axe's best practices), and the same
vendored axe-core.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from agreements.models import Agreement
from calls.models import Application
from notices.models import Objection
from partners.models import Partner
from portal.rules import scope_queryset
from services.models import ServiceLog
from tests.test_accessibility import AUDIT_JS, AXE, CONTRAST, PASSWORD, WCAG_TAGS, describe

STAFF = "jiedao"

# (page name, admin path, model whose first record the change page shows)
ADMIN_PAGES = [
    ("admin_home", "/admin/", None),
    ("application_list", "/admin/calls/application/", None),
    ("application_change", "/admin/calls/application/{}/change/", Application),
    ("partner_list", "/admin/partners/partner/", None),
    ("partner_change", "/admin/partners/partner/{}/change/", Partner),
    ("log_list", "/admin/services/servicelog/", None),
    ("log_change", "/admin/services/servicelog/{}/change/", ServiceLog),
    ("objection_list", "/admin/notices/objection/", None),
    ("objection_change", "/admin/notices/objection/{}/change/", Objection),
    ("agreement_list", "/admin/agreements/agreement/", None),
    ("agreement_change", "/admin/agreements/agreement/{}/change/", Agreement),
    ("log_export", "/admin/services/servicelog/export/", None),
    ("dashboard", "/services/dashboard/", None),
    ("inspection_pack", "/services/inspection/", None),
]


def _paths():
    user = get_user_model().objects.get(username=STAFF)
    user.set_password(PASSWORD)
    user.save()
    paths = {}
    for name, path, model in ADMIN_PAGES:
        if model is None:
            paths[name] = path
            continue
        record = _first_in_scope(model, user)
        paths[name] = path.format(record.pk) if record else None
    return paths


def _first_in_scope(model, user):
    community_path = {
        Application: "community",
        Partner: "community",
        ServiceLog: "partner__community",
        Objection: "entry__partner__community",
        Agreement: "community",
    }[model]
    queryset = scope_queryset(user, model.objects.order_by("pk"), community_path)
    if model is Application:
        queryset = queryset.exclude(partner__status="submitted")  # the street sees forwarded ones
    return queryset.first()


@pytest.fixture(scope="module")
def admin_audit(demo_database, django_db_blocker, live_server, browser, desk_audit):
    # desk_audit first: the first transactional test empties the demo database at its teardown.
    with django_db_blocker.unblock():
        try:
            paths = _paths()
            # axe-core is injected as an inline script, which the CSP rightly blocks: bypass it for the audit only.
            context = browser.new_context(
                viewport={"width": 1366, "height": 768}, locale="zh-CN", bypass_csp=True
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("用户名").fill(STAFF)
            page.get_by_label("密码").fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="登录").click()
            results = {}
            for name, path in paths.items():
                if path is None:
                    results[name] = None
                    continue
                response = page.goto(live_server.url + path)
                assert response.status == 200, (name, response.status)
                page.add_script_tag(path=str(AXE))
                outcome = page.evaluate(AUDIT_JS, {"tags": WCAG_TAGS, "contrastRules": CONTRAST})
                results[name] = {
                    "lang": page.locator("html").get_attribute("lang"),
                    "violations": outcome["violations"],
                    "page_width": page.evaluate("document.documentElement.scrollWidth"),
                }
            context.close()
        except BaseException:
            call_command("flush", interactive=False, verbosity=0)
            raise
    return results


@pytest.mark.browser
@pytest.mark.parametrize("page_name", [name for name, _path, _model in ADMIN_PAGES])
def test_admin_page_is_accessible(admin_audit, page_name, transactional_db):
    result = admin_audit[page_name]

    assert result is not None, f"the demo has no {page_name} record in the street's scope"
    assert result["lang"].lower() == "zh-hans"  # BCP 47 tags are case-insensitive
    assert result["violations"] == [], describe(result["violations"])
    assert result["page_width"] <= 1366


@pytest.fixture(scope="module")
def desk_audit(demo_database, django_db_blocker, live_server, browser):
    """The desk (the admin's home) on a 375-px phone, in Chinese and in English (issue 16)."""
    with django_db_blocker.unblock():
        try:
            _paths()  # sets the staff member's password
            context = browser.new_context(
                viewport={"width": 375, "height": 740}, locale="en-US", bypass_csp=True
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("用户名").fill(STAFF)
            page.get_by_label("密码").fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="登录").click()
            results = {}
            for language in ("zh-hans", "en"):
                if language == "en":
                    with page.expect_navigation():
                        page.get_by_role("button", name="English").click()
                response = page.goto(f"{live_server.url}/admin/")
                assert response.status == 200, (language, response.status)
                page.add_script_tag(path=str(AXE))
                outcome = page.evaluate(AUDIT_JS, {"tags": WCAG_TAGS, "contrastRules": CONTRAST})
                results[language] = {
                    "lang": page.locator("html").get_attribute("lang"),
                    "rows": page.locator("#desk tbody tr").count(),
                    "violations": outcome["violations"],
                    "page_width": page.evaluate("document.documentElement.scrollWidth"),
                }
            context.close()
        except BaseException:
            call_command("flush", interactive=False, verbosity=0)
            raise
    return results


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_desk_is_accessible_on_a_phone(desk_audit, language, transactional_db):
    result = desk_audit[language]

    assert result["lang"].lower() == language  # an English browser still gets Chinese until English is chosen
    assert result["rows"] >= 1, "the demo's street staff member has something waiting"
    assert result["violations"] == [], describe(result["violations"])
    assert result["page_width"] <= 375
