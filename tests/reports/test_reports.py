"""晋江 reporting (issue 20 part 2): monthly reports, self-evaluations, fund ledger, archive checklist."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.demo import demo_pdf
from messaging.models import OutboxMessage
from portal.domain import street_programmes_apply
from portal.dossier import dossier_sections
from portal.exceptions import ActionRefused
from portal.features import Programme
from reports import domain
from reports.models import FundEntry, FundKind, MonthlyReport, ReportSettings, ReportStatus, SelfEvaluation
from services.domain import servicelog_review
from services.models import LogStatus
from tests.factories import CommunityFactory, StreetFactory, community_staff, street_staff
from tests.services.factories import make_log, partner_user, serving_partner, target

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


def setup_partner(street=None, community=None, **settings):
    community = community or CommunityFactory(street=street or StreetFactory())
    ReportSettings.objects.update_or_create(
        street=community.street,
        defaults={"enabled": True, "fund_ledger": True, "fund_disclosure": True, **settings},
    )
    partner, agreement, space = serving_partner(
        "active", community=community, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    target(agreement, "hours", 4)
    target(agreement, "residents", 20)
    return partner, agreement, space


@pytest.fixture
def serving():
    partner, agreement, space = setup_partner()
    return partner, agreement, space, partner_user(partner), community_staff(partner.community)


def pdf(name="receipt.pdf"):
    return SimpleUploadedFile(name, demo_pdf("Receipt"), content_type="application/pdf")


# --- Monthly reports -----------------------------------------------------------------


def test_report_is_compiled_from_verified_logs_only(serving):
    partner, agreement, space, user, _staff = serving
    make_log(partner, agreement, space, date=dt.date(2026, 3, 7), residents=10)
    make_log(partner, agreement, space, date=dt.date(2026, 3, 14), residents=12)
    make_log(partner, agreement, space, date=dt.date(2026, 3, 21), residents=30, status=LogStatus.SUBMITTED)
    make_log(partner, agreement, space, date=dt.date(2026, 3, 28), residents=40, status=LogStatus.REJECTED)
    make_log(partner, agreement, space, date=dt.date(2026, 4, 4), residents=50)  # another month

    report = domain.monthly_report_compile(partner=partner, month=dt.date(2026, 3, 15), by=user)

    assert report.month == MARCH
    assert report.due_on == dt.date(2026, 4, 20)
    assert (report.figures["hours"], report.figures["sessions"], report.figures["residents"]) == ("4", 2, 22)
    rows = {row["label"]: row for row in report.figures["targets"]}
    assert rows["免费公益服务时数"]["actual"] == "4" and rows["免费公益服务时数"]["met"] is True
    assert rows["服务居民人次"]["met"] is True  # 22 ≥ 20
    # Compiling again updates the same report, never a second one.
    assert domain.monthly_report_compile(partner=partner, month=MARCH, by=user).pk == report.pk
    assert MonthlyReport.objects.count() == 1


def test_confirm_is_refused_while_the_month_has_unverified_logs_naming_them(serving):
    partner, agreement, space, user, staff = serving
    make_log(partner, agreement, space, date=dt.date(2026, 3, 7))
    open_log = make_log(
        partner, agreement, space, date=dt.date(2026, 3, 21), status=LogStatus.SUBMITTED, title="四点半课堂"
    )
    report = domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    report = domain.monthly_report_submit(report=report, narrative="本月完成计划。", by=user)

    with pytest.raises(ActionRefused) as refused:
        domain.monthly_report_confirm(report=report, by=staff)
    assert "2026-03-21“四点半课堂”（待核实）" in str(refused.value)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.figures["sessions"] == 1

    servicelog_review(log=open_log, decision=LogStatus.VERIFIED, by=staff)
    report = domain.monthly_report_confirm(report=report, by=staff)
    assert report.status == ReportStatus.CONFIRMED
    assert report.figures["sessions"] == 2  # the figures are taken again when confirmed
    assert report.confirmed_by == staff


def test_submit_needs_a_narrative_and_keeps_the_draft(serving):
    partner, _agreement, _space, user, _staff = serving
    report = domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    with pytest.raises(ValidationError) as error:
        domain.monthly_report_submit(report=report, narrative="  ", by=user)
    assert "narrative" in error.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_future_month_or_one_outside_the_term_cannot_be_compiled(serving):
    partner, *_rest, user, _staff = serving
    with pytest.raises(ValidationError):
        domain.monthly_report_compile(partner=partner, month=dt.date(2099, 1, 1), by=user)
    with pytest.raises(ActionRefused) as refused:
        domain.monthly_report_compile(partner=partner, month=dt.date(2025, 12, 1), by=user)
    assert "2025年12月不在已签署的协议期内" in str(refused.value)
    assert domain.monthly_report_compile(
        partner=partner, month=dt.date(2026, 1, 1), by=user
    ).pk  # its first month
    assert MonthlyReport.objects.count() == 1


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(dt.date(2026, 4, 19), False), (dt.date(2026, 4, 20), False), (dt.date(2026, 4, 21), True)],
)
def test_due_on_the_20th_of_the_next_month_overdue_on_the_21st(serving, today, overdue):
    partner, *_rest, user, staff = serving
    report = domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    domain.monthly_report_submit(report=report, narrative="本月完成计划。", by=user)

    assert list(domain.overdue_reports(staff, today=today)) == ([report] if overdue else [])
    assert report.is_overdue(today) is overdue


def test_a_confirmed_report_is_never_overdue_and_the_day_is_the_streets(serving):
    partner, *_rest, user, staff = serving
    ReportSettings.objects.filter(street=partner.community.street).update(confirm_by_day=10)
    report = domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    assert report.due_on == dt.date(2026, 4, 10)
    domain.monthly_report_submit(report=report, narrative="本月完成计划。", by=user)
    assert list(domain.overdue_reports(staff, today=dt.date(2026, 4, 11))) == [report]
    domain.monthly_report_confirm(report=report, by=staff)
    assert list(domain.overdue_reports(staff, today=dt.date(2026, 5, 30))) == []


def test_overdue_list_is_scoped_to_the_users_communities(serving):
    partner, *_rest, user, staff = serving
    domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    other_community = community_staff(CommunityFactory(street=partner.community.street))
    other_street = street_staff(street=StreetFactory())
    late = dt.date(2026, 5, 1)
    assert domain.overdue_reports(staff, today=late).count() == 1
    assert domain.overdue_reports(street_staff(street=partner.community.street), today=late).count() == 1
    assert domain.overdue_reports(other_community, today=late).count() == 0
    assert domain.overdue_reports(other_street, today=late).count() == 0


def test_return_needs_a_reason_tells_the_partner_and_it_submits_again(serving):
    partner, *_rest, user, staff = serving
    report = domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    report = domain.monthly_report_submit(report=report, narrative="本月完成计划。", by=user)
    with pytest.raises(ValidationError):
        domain.monthly_report_return(report=report, reason="", by=staff)

    report = domain.monthly_report_return(report=report, reason="请补充活动照片说明。", by=staff)

    assert report.status == ReportStatus.RETURNED
    assert OutboxMessage.objects.filter(code="reports.monthly_returned").exists()
    report = domain.monthly_report_submit(report=report, narrative="已补充。", by=user)
    assert report.status == ReportStatus.SUBMITTED


def test_only_the_partner_or_staff_in_scope_may_submit_or_confirm(serving):
    partner, *_rest, user, staff = serving
    report = domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    stranger = partner_user(setup_partner()[0])
    with pytest.raises(PermissionError if False else Exception) as refused:
        domain.monthly_report_submit(report=report, narrative="x", by=stranger)
    assert refused.type.__name__ == "PermissionDenied"
    report = domain.monthly_report_submit(report=report, narrative="本月完成计划。", by=user)
    with pytest.raises(Exception) as refused:
        domain.monthly_report_confirm(report=report, by=user)  # a partner cannot confirm its own report
    assert refused.type.__name__ == "PermissionDenied"


def test_reminder_on_the_streets_day_compiles_and_reminds_once(serving):
    partner, agreement, space, _user, _staff = serving
    make_log(partner, agreement, space, date=dt.date(2026, 3, 7))

    assert domain.monthly_reports_remind(today=dt.date(2026, 4, 4)) == 0
    assert domain.monthly_reports_remind(today=dt.date(2026, 4, 5)) == 1
    assert domain.monthly_reports_remind(today=dt.date(2026, 4, 5)) == 1  # the outbox key: nothing twice

    assert MonthlyReport.objects.get(partner=partner).month == MARCH
    due = OutboxMessage.objects.filter(code="reports.monthly_due")
    assert due.exists()
    assert due.count() == due.values("channel", "recipient").distinct().count()


# --- Self-evaluations ------------------------------------------------------------------


def test_self_evaluation_against_the_agreements_targets(serving):
    partner, agreement, space, user, staff = serving
    make_log(partner, agreement, space, date=dt.date(2026, 2, 7))
    today = dt.date(2026, 6, 30)
    with pytest.raises(ValidationError) as error:
        domain.self_evaluation_submit(partner=partner, kind="final", content="完成。", by=user, today=today)
    assert "method" in error.value.message_dict

    evaluation = domain.self_evaluation_submit(
        partner=partner, kind="midterm", content="按计划推进。", by=user, today=today
    )
    assert evaluation.agreement == agreement
    assert {row["label"] for row in evaluation.figures} == {"每月免费公益服务时数", "每月服务居民人次"}
    with pytest.raises(ActionRefused):
        domain.self_evaluation_submit(
            partner=partner, kind="midterm", content="再交一次。", by=user, today=today
        )
    with pytest.raises(ValidationError):
        domain.self_evaluation_decide(evaluation=evaluation, accept=False, reason="", by=staff)

    evaluation = domain.self_evaluation_decide(
        evaluation=evaluation, accept=False, reason="请对照指标说明。", by=staff
    )
    assert OutboxMessage.objects.filter(code="reports.self_evaluation_returned").exists()
    evaluation = domain.self_evaluation_submit(
        partner=partner, kind="midterm", content="对照指标：时数达标。", by=user, today=today
    )
    evaluation = domain.self_evaluation_decide(evaluation=evaluation, accept=True, by=staff)
    assert evaluation.status == "accepted"
    assert SelfEvaluation.objects.count() == 1


# --- Fund ledger -------------------------------------------------------------------------


def fund(partner, user, kind, amount, receipt=None, day=dt.date(2026, 3, 1)):
    return domain.fund_entry_record(
        partner=partner,
        data={
            "date": day,
            "kind": kind,
            "amount": Decimal(amount),
            "counterparty": "市财政局",
            "description": "补助",
        },
        receipt=receipt,
        by=user,
    )


def test_fund_ledger_balance_and_its_boundaries(serving):
    partner, *_rest, user, _staff = serving
    fund(partner, user, FundKind.SUBSIDY, "50000")
    fund(partner, user, FundKind.DONATION, "3000")
    fund(partner, user, FundKind.EXPENSE, "8600", receipt=pdf())

    totals = domain.fund_totals(partner)
    assert (totals.income, totals.expense, totals.balance) == (
        Decimal("53000"),
        Decimal("8600"),
        Decimal("44400"),
    )

    with pytest.raises(ValidationError) as error:
        fund(partner, user, FundKind.EXPENSE, "44400.01", receipt=pdf())
    assert "44400.00" in str(error.value.message_dict["amount"])
    with pytest.raises(ValidationError) as error:
        fund(partner, user, FundKind.EXPENSE, "100")
    assert "receipt" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        fund(partner, user, FundKind.DONATION, "0")
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        fund(partner, user, FundKind.DONATION, "10", day=dt.date(2099, 1, 1))
    assert "date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        fund(partner, user, FundKind.EXPENSE, "10", receipt=SimpleUploadedFile("r.pdf", b"not a pdf at all"))
    assert "receipt" in error.value.message_dict
    assert FundEntry.objects.count() == 3  # nothing half-saved

    fund(partner, user, FundKind.EXPENSE, "44400", receipt=pdf())  # exactly the balance
    assert domain.fund_totals(partner).balance == 0


def test_fund_totals_on_the_public_page_follow_entries_and_the_switch(
    serving, client, django_capture_on_commit_callbacks
):
    partner, *_rest, user, _staff = serving
    url = reverse("services:partner_detail", args=[partner.pk])
    with django_capture_on_commit_callbacks(execute=True):
        fund(partner, user, FundKind.SUBSIDY, "50000")
    assert "50,000.00" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the cached page is invalidated after commit
        fund(partner, user, FundKind.EXPENSE, "1000", receipt=pdf())
    page = client.get(url).content.decode()
    assert "49,000.00" in page and "资金使用情况公开" in page

    settings_row = ReportSettings.objects.get(street=partner.community.street)
    settings_row.fund_disclosure = False
    with django_capture_on_commit_callbacks(execute=True):
        settings_row.save()
    assert "资金使用情况公开" not in client.get(url).content.decode()


# --- Archive checklist -------------------------------------------------------------------


def test_checklist_shows_missing_items_until_they_are_in_the_dossier(serving):
    partner, *_rest, user, staff = serving
    items = {item.number: item for item in domain.archive_checklist(partner)}
    assert [number for number, item in items.items() if not item.present] == [
        "①",
        "②",
        "③",
        "④",
        "⑤",
        "⑥",
        "⑦",
        "⑧",
    ]
    assert "中期自评报告、结项自评报告" in items["⑦"].detail

    fund(partner, user, FundKind.SUBSIDY, "50000")
    today = dt.date(2026, 6, 30)
    for kind, method in (("midterm", ""), ("final", "“三张清单”工作法")):
        evaluation = domain.self_evaluation_submit(
            partner=partner, kind=kind, content="完成。", method=method, by=user, today=today
        )
        domain.self_evaluation_decide(evaluation=evaluation, accept=True, by=staff)

    items = {item.number: item for item in domain.archive_checklist(partner)}
    assert items["⑤"].present and items["⑦"].present and items["⑧"].present
    assert not items["⑥"].present
    section = next(s for s in dossier_sections(partner) if s.key == "archive_checklist")
    assert [e.title[0] for e in section.entries] == list("①②③④⑤⑥⑦⑧")
    assert section.entries[5].detail.startswith("缺少")


# --- Off: 404, hidden, records kept ---------------------------------------------------------


def test_a_street_that_turns_it_off_gets_404_and_keeps_its_records(serving, client):
    partner, *_rest, user, staff = serving
    domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    fund(partner, user, FundKind.SUBSIDY, "50000")
    client.force_login(user)
    assert client.get(reverse("reports:index")).status_code == 200
    menu_link = f'<a href="{reverse("reports:index")}">月度报告与资金明细</a>'
    assert menu_link in client.get(reverse("services:log_list")).content.decode()  # the partner's menu
    client.force_login(staff)
    assert client.get(reverse("admin:reports_monthlyreport_changelist")).status_code == 200

    street_programmes_apply(street=partner.community.street, programmes=[Programme.CHONGMING], by=None)

    client.force_login(user)
    assert client.get(reverse("reports:index")).status_code == 404
    assert reverse("reports:index") not in client.get(reverse("services:log_list")).content.decode()
    assert client.get(reverse("reports:fund_entry_new")).status_code == 404
    client.force_login(staff)
    assert client.get(reverse("admin:reports_monthlyreport_changelist")).status_code == 403
    with pytest.raises(ActionRefused):
        domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    assert MonthlyReport.objects.filter(partner=partner).count() == 1
    assert FundEntry.objects.filter(partner=partner).count() == 1
    assert not {"reports", "funds", "archive_checklist"} & {s.key for s in dossier_sections(partner)}
    assert (
        "资金使用情况公开"
        not in client.get(reverse("services:partner_detail", args=[partner.pk])).content.decode()
    )

    street_programmes_apply(street=partner.community.street, programmes=[Programme.JINJIANG], by=None)
    assert {"reports", "funds", "archive_checklist"} <= {s.key for s in dossier_sections(partner)}


def test_partner_pages_submit_a_report_and_record_a_fund_entry(serving, client):
    partner, agreement, space, user, _staff = serving
    make_log(partner, agreement, space, date=dt.date(2026, 3, 7))
    report = domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    client.force_login(user)
    url = reverse("reports:report_submit", args=[report.pk])
    page = client.post(url, {"narrative": ""})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert client.post(url, {"narrative": "本月完成计划。"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    url = reverse("reports:fund_entry_new")
    data = {
        "date": "2026-03-02",
        "kind": "expense",
        "amount": "100",
        "counterparty": "商行",
        "description": "材料",
    }
    page = client.post(url, data)
    assert "支出须上传票据。" in page.content.decode()
    assert client.post(url, {**data, "kind": "subsidy"}).status_code == 302
    assert domain.fund_totals(partner).income == Decimal("100")


# --- Admin --------------------------------------------------------------------------------


def test_admin_confirms_and_counts_overdue_reports(serving, client):
    partner, *_rest, user, staff = serving
    report = domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    domain.monthly_report_submit(report=report, narrative="本月完成计划。", by=user)
    client.force_login(staff)
    url = reverse("admin:reports_monthlyreport_changelist")
    page = client.get(url + "?overdue=yes").content.decode()
    assert "逾期未确认的月度报告：1 份。" in page
    client.post(url, {"action": "confirm", "_selected_action": [report.pk], "reason": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED


def test_admin_list_of_another_streets_staff_does_not_show_the_report(serving, client):
    partner, *_rest, user, _staff = serving
    domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    other = StreetFactory()
    ReportSettings.objects.create(street=other, enabled=True)
    client.force_login(street_staff(street=other))
    page = client.get(reverse("admin:reports_monthlyreport_changelist")).content.decode()
    assert partner.name not in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "changelist", ["reports_monthlyreport", "reports_fundentry", "reports_selfevaluation"]
)
def test_changelist_query_count_does_not_grow_with_rows(client, changelist):
    url = reverse(f"admin:{changelist}_changelist")
    counts = []
    for rows in (1, 3):
        street = StreetFactory()
        for _ in range(rows):
            partner, *_rest = setup_partner(community=CommunityFactory(street=street))
            user = partner_user(partner)
            domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
            fund(partner, user, FundKind.SUBSIDY, "100")
            domain.self_evaluation_submit(
                partner=partner, kind="midterm", content="完成。", by=user, today=dt.date(2026, 6, 1)
            )
        client.force_login(street_staff(street=street))
        _queries(client, url)  # warm per-process caches
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]


# --- The staff desk ----------------------------------------------------------------------


def _desk(user) -> dict:
    from portal.desk import desk_items

    return {str(item.label): (item.count, item.due) for item in desk_items(user)}


def test_the_desk_lists_reports_to_confirm_and_overdue_ones_with_their_due_day(serving):
    partner, *_rest, user, staff = serving
    report = domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    assert "待确认的月度报告" not in _desk(staff)
    domain.monthly_report_submit(report=report, narrative="本月完成计划。", by=user)

    desk = _desk(staff)
    assert desk["待确认的月度报告"] == (1, dt.date(2026, 4, 20))
    assert desk["逾期未确认的月度报告"] == (1, dt.date(2026, 4, 20))  # today is past April 2026
    assert "待确认的月度报告" not in _desk(community_staff(CommunityFactory(street=partner.community.street)))

    domain.monthly_report_confirm(report=report, by=staff)
    assert "待确认的月度报告" not in _desk(staff)
    assert "逾期未确认的月度报告" not in _desk(staff)


def test_the_desk_has_no_report_items_where_the_street_turned_the_piece_off(serving):
    partner, *_rest, user, staff = serving
    report = domain.monthly_report_compile(partner=partner, month=MARCH, by=user)
    domain.monthly_report_submit(report=report, narrative="本月完成计划。", by=user)
    street_programmes_apply(street=partner.community.street, programmes=[], by=None)

    assert "待确认的月度报告" not in _desk(staff)
    assert MonthlyReport.objects.filter(pk=report.pk).exists()
