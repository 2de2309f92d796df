"""The desk beyond the stage apps (issue 16): filings to acknowledge, providers of any app,
the menu's last group for the apps it does not know, its query count, both languages."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

import portal.admin_site
import portal.desk
from notices.domain import filing_receipt_acknowledge, filing_recipients_default, notice_file
from notices.models import FilingReceipt
from notices.tasks import end_due_notices
from portal.admin_site import flow_app_list
from portal.desk import DeskItem, desk_items, desk_provider
from services.models import LogStatus
from tests.factories import UserFactory, community_staff, street_staff
from tests.notices.factories import approved_partner, past_notice, setting
from tests.services.factories import make_log, serving_partner

pytestmark = pytest.mark.django_db

FILINGS = "待签收的备案"


def labels(user):
    return {item.label: item for item in desk_items(user)}


@pytest.fixture
def filed():
    """A notice of one street filed with the rulebook's three offices, each with one clerk."""
    community, staff = setting()
    notice = past_notice(staff=staff, partners=[approved_partner(community)])
    end_due_notices()
    clerks = {}
    for recipient in filing_recipients_default(staff.profile.street):
        clerk = UserFactory(first_name=f"{recipient.name}经办人")
        recipient.members.add(clerk)
        clerks[recipient.name] = clerk
    notice_file(notice=notice, by=staff)
    return {"notice": notice, "staff": staff, "clerks": clerks}


def test_filings_to_acknowledge_wait_on_the_receiving_offices_clerk_only(filed):
    clerk = filed["clerks"]["市委组织部"]
    receipt = FilingReceipt.objects.get(recipient__members=clerk)

    item = labels(clerk)[FILINGS]

    assert item.count == 1
    assert item.due == timezone.localtime(receipt.sent_at).date()
    assert item.url == f"{reverse('notices:filing_inbox')}?status=sent"
    assert FILINGS not in labels(filed["staff"])  # the street sent it; it waits on the offices
    assert FILINGS not in labels(UserFactory())

    filing_receipt_acknowledge(receipt=receipt, by=clerk)

    assert FILINGS not in labels(clerk)
    assert labels(filed["clerks"]["市纪委监委"])[FILINGS].count == 1


def test_filings_link_lands_on_the_clerks_filings_to_acknowledge(client, filed):
    clerk = filed["clerks"]["市委组织部"]
    client.force_login(clerk)

    page = client.get(labels(clerk)[FILINGS].url).content.decode()

    assert filed["notice"].title in page


def test_an_app_above_services_adds_its_own_items(monkeypatch):
    """A programme app (here a stand-in for `reports`) registers from its own module."""
    monkeypatch.setattr(portal.desk, "_providers", list(portal.desk._providers))
    staff = community_staff()
    due = dt.date(2026, 1, 5)

    def monthly_reports_overdue(user):
        return [DeskItem(label="逾期未交的月报", count=2, url="/admin/reports/monthlyreport/", due=due)]

    monthly_reports_overdue.__module__ = "reports.desk"
    desk_provider(order=90)(monthly_reports_overdue)
    desk_provider(order=90)(monthly_reports_overdue)  # imported twice: listed once

    items = [i for i in desk_items(staff) if i.label == "逾期未交的月报"]
    assert [(i.count, i.due, i.order) for i in items] == [(2, due, 90)]


def _model(name, app_label):
    return {"object_name": name, "name": name, "admin_url": f"/admin/{app_label}/{name.lower()}/"}


def test_menu_puts_models_of_apps_it_does_not_know_in_a_last_group(monkeypatch):
    monkeypatch.setattr(portal.admin_site, "_is_project_app", lambda label: label in {"surveys", "timebank"})
    app_list = [
        {"app_label": "auth", "name": "认证和授权", "models": [_model("Group", "auth")]},
        {"app_label": "portal", "name": "组织与账号", "models": [_model("Street", "portal")]},
        {"app_label": "services", "name": "服务与监管", "models": [_model("ServiceLog", "services")]},
        {"app_label": "surveys", "name": "问卷", "models": [_model("Survey", "surveys")]},
        {"app_label": "timebank", "name": "时间银行", "models": [_model("Deposit", "timebank")]},
    ]

    sections = flow_app_list(app_list)

    names = [str(s["name"]) for s in sections]
    assert names == ["服务", "认证和授权", "组织与账号", "其他方案功能"]
    assert [m["object_name"] for m in sections[-1]["models"]] == ["Survey", "Deposit"]


def _desk_page(client, django_assert_num_queries, queries):
    with django_assert_num_queries(queries):
        return client.get(reverse("admin:index")).content.decode()


# The admin home of a community worker: session, user, profile (and its community), the
# worker-status check, the desk's reads (one aggregate per kind of item, whatever the number
# of records) and the admin's app list, with one read of which programme pieces (issue 20)
# the streets in the worker's scope run (portal.features.scope_runs, for every piece at once),
# and the 晋江 reports' two reads (reports.desk: monthly reports, self-evaluations).
DESK_PAGE_QUERIES = 24


@pytest.mark.parametrize("count", [1, 6])
def test_desk_page_query_count_is_pinned(client, django_assert_num_queries, count):
    partner, agreement, space = serving_partner("trial")
    for day in range(1, count + 1):
        make_log(partner, agreement, space, date=dt.date(2026, 2, day), status=LogStatus.SUBMITTED)
    staff = community_staff(community=partner.community)
    client.force_login(staff)

    page = _desk_page(client, django_assert_num_queries, DESK_PAGE_QUERIES)

    assert (
        f'<td class="desk-count"><a href="{labels(staff)["待核实的服务记录"].url}">{count}</a></td>' in page
    )


def test_desk_in_chinese_by_default_and_in_english_when_chosen(client):
    partner, agreement, space = serving_partner("trial")
    make_log(partner, agreement, space, date=dt.date(2026, 2, 2), status=LogStatus.SUBMITTED)
    client.force_login(community_staff(community=partner.community))

    chinese = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("admin:index")).content.decode()

    assert "待核实的服务记录" in chinese and "2026年2月2日" in chinese
    assert "Service logs to verify" in english and "2 February 2026" in english
    assert "待核实的服务记录" not in english


def test_the_street_sees_the_documents_of_forwarded_applications_only():
    from calls.domain import application_forward, application_request_documents
    from tests.calls.factories import ID_NUMBER, call_with_space, submitted_application

    call, space = call_with_space()
    worker = community_staff(community=space.community)
    street = street_staff(street=call.street)
    kept = submitted_application(call, space)
    forwarded = submitted_application(
        call, space, applicant_name="王晓燕", kind="individual_or_team", credit_code="", id_number=ID_NUMBER
    )
    application_forward(application=forwarded, by=worker)
    for application in (kept, forwarded):
        application_request_documents(
            application=application, kind="registration", message="请补充。", by=worker
        )

    waiting = "已通知补充材料、申请人尚未补交的申请"
    assert labels(worker)[waiting].count == 2
    assert labels(street)[waiting].count == 1
