"""Ledgers (台账, issue 16): every staff list exports XLSX (default) or CSV with a title row."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal import ledgers
from services.models import LogStatus, ServiceLog
from tests.factories import CommunityFactory, partner_in_state, street_staff
from tests.services.factories import make_log, serving_partner

pytestmark = pytest.mark.django_db

# (admin URL name, a header the ledger must carry, the list's name in the title)
LEDGERS = [
    ("admin:calls_recruitmentcall_export", "标题", "招募公告"),
    ("admin:calls_application_export", "申请编号", "项目申请"),
    ("admin:reviews_vettingcheck_export", "睦邻合伙人", "联审联查记录"),
    ("admin:reviews_scoresheet_export", "评审人", "评分表"),
    ("admin:reviews_decision_export", "会议日期", "党工委决定"),
    ("admin:notices_publicnotice_export", "公示开始时间", "公示"),
    ("admin:notices_objection_export", "被异议的申请人", "异议"),
    ("admin:agreements_agreement_export", "协议编号", "三方协议"),
    ("admin:agreements_servicetarget_export", "指标", "公益服务量化指标"),
    ("admin:services_servicelog_export", "服务时数", "公益服务记录表"),
    ("admin:services_observation_export", "观察员", "观察记录"),
    ("admin:services_feedback_export", "满意度评分", "居民意见箱"),
    ("admin:services_evaluation_export", "结论", "评估"),
    ("admin:services_partnerexit_export", "退出情形", "退出记录"),
]


def export(client, url_name, *, fmt="0", query="", **data):
    return client.post(reverse(url_name) + query, {"format": fmt, "resource": "0", **data})


def sheet_rows(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def street_user():
    return street_staff(first_name="李", last_name="", username="lijiedao")


@pytest.mark.parametrize(("url_name", "header", "name"), LEDGERS)
def test_ledger_exports_xlsx_with_title_row_and_chinese_headers(client, street_user, url_name, header, name):
    client.force_login(street_user)

    response = export(client, url_name)

    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response)
    assert rows[0][0].startswith(f"{name}台账（筛选：无；日期")
    assert header in rows[1]
    assert "id" not in rows[1]


@pytest.mark.parametrize(("url_name", "header", "name"), LEDGERS)
def test_ledger_export_page_offers_xlsx_first_and_no_blank_choice(
    client, street_user, url_name, header, name
):
    client.force_login(street_user)

    page = client.get(reverse(url_name)).content.decode()

    assert '<option value="0" selected>xlsx</option>' in page
    assert ">---<" not in page


def _logs(community, *, count=2, date=dt.date(2026, 3, 10)):
    partner, agreement, space = serving_partner(community=community)
    return partner, [
        make_log(partner, agreement, space, date=date + dt.timedelta(days=i)) for i in range(count)
    ]


def test_log_ledger_is_scoped_to_the_users_street(client, street_user):
    mine = CommunityFactory(street=street_user.profile.street, name="东村社区")
    other = CommunityFactory(name="西村社区")
    partner, _ = _logs(mine)
    _logs(other, count=3)
    client.force_login(street_user)

    rows = sheet_rows(export(client, "admin:services_servicelog_export"))

    assert len(rows) == 2 + 2
    names = {row[rows[1].index("睦邻合伙人")] for row in rows[2:]}
    assert names == {partner.name}


def test_other_streets_staff_get_none_of_the_rows(client, street_user):
    community = CommunityFactory(street=street_user.profile.street)
    _logs(community)
    partner_in_state("vetting", community=community)
    client.force_login(street_staff())

    for url_name in ("admin:services_servicelog_export", "admin:calls_application_export"):
        rows = sheet_rows(export(client, url_name))
        assert len(rows) == 2  # the title and the header, nothing else


def test_log_ledger_shows_labels_names_and_whole_numbers(client, street_user):
    community = CommunityFactory(street=street_user.profile.street)
    _partner, logs = _logs(community, count=1)
    ServiceLog.objects.filter(pk=logs[0].pk).update(reviewed_by=street_user)
    client.force_login(street_user)

    rows = sheet_rows(export(client, "admin:services_servicelog_export"))
    row = dict(zip(rows[1], rows[2], strict=True))

    assert row["核实状态"] == "已核实"
    assert row["服务类别"] == "为老服务"
    assert row["服务时数"] == 2
    assert row["核实人"] == "李"
    assert row["服务日期"] == dt.datetime(2026, 3, 10)


def test_title_names_the_filters_and_the_date_range(client, street_user):
    community = CommunityFactory(street=street_user.profile.street)
    _logs(community, count=3, date=dt.date(2026, 3, 9))  # 9, 10, 11 March
    client.force_login(street_user)

    response = export(
        client,
        "admin:services_servicelog_export",
        query=f"?status__exact={LogStatus.VERIFIED}",
        start="2026-03-10",
        end="2026-03-11",
    )
    rows = sheet_rows(response)

    assert (
        rows[0][0]
        == "公益服务记录表台账（筛选：核实状态：已核实；日期（服务日期）：2026年3月10日至2026年3月11日）"
    )
    assert [row[0] for row in rows[2:]] == [dt.datetime(2026, 3, 11), dt.datetime(2026, 3, 10)]


def test_date_range_one_day_exactly_on_the_boundary(client, street_user):
    community = CommunityFactory(street=street_user.profile.street)
    _logs(community, count=3, date=dt.date(2026, 3, 9))
    client.force_login(street_user)

    rows = sheet_rows(
        export(client, "admin:services_servicelog_export", start="2026-03-11", end="2026-03-11")
    )

    assert [row[0] for row in rows[2:]] == [dt.datetime(2026, 3, 11)]


def test_end_before_start_is_refused_with_a_chinese_message(client, street_user):
    client.force_login(street_user)

    response = export(client, "admin:services_servicelog_export", start="2026-03-11", end="2026-03-10")

    assert response.status_code == 200
    assert "截止日期不能早于起始日期。" in response.content.decode()


def test_csv_ledger_has_the_title_line_and_headers(client, street_user):
    community = CommunityFactory(street=street_user.profile.street)
    application = partner_in_state("vetting", community=community).application
    client.force_login(street_user)

    response = export(client, "admin:calls_application_export", fmt="1")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0].startswith("项目申请台账（筛选：无；")
    assert rows[1][:2] == ["申请编号", "申请主体名称/姓名"]
    assert rows[2][:2] == [application.reference, application.applicant_name]
    assert rows[2][rows[1].index("申请主体类型")] == "社会组织"
    assert rows[2][rows[1].index("状态")] == "联审联查中"


def test_big_ledger_goes_to_the_worker_with_a_progress_page(
    client, street_user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(ledgers, "LEDGER_WORKER_ABOVE", 2)
    community = CommunityFactory(street=street_user.profile.street)
    _logs(community, count=3)
    client.force_login(street_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "admin:services_servicelog_export")
    assert response.status_code == 302
    page = client.get(response["Location"])
    download = client.get(response["Location"] + "?download=1")

    assert page.status_code == 200
    assert "下载" in page.content.decode()
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0].startswith("公益服务记录表台账（筛选：无；")
    assert len(rows) == 2 + 3
    client.force_login(street_staff())
    assert client.get(response["Location"]).status_code == 404


def test_ledger_exactly_at_the_worker_limit_is_written_in_the_request(client, street_user, monkeypatch):
    monkeypatch.setattr(ledgers, "LEDGER_WORKER_ABOVE", 3)
    community = CommunityFactory(street=street_user.profile.street)
    _logs(community, count=3)
    client.force_login(street_user)

    response = export(client, "admin:services_servicelog_export")

    assert response.status_code == 200
    assert len(sheet_rows(response)) == 2 + 3
