"""The dossier at city scale: the PDF by the worker, logs summarised by month, the XLSX appendix."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import Agreement
from services.models import LogStatus, ServiceLog
from tests.factories import street_staff
from tests.utils import built_by_worker, pdf_text

from .factories import serving_partner

pytestmark = pytest.mark.django_db


def _logs(partner, space, n, *, start=dt.date(2026, 1, 5), status=LogStatus.VERIFIED, title="日志"):
    agreement = Agreement.objects.filter(partner=partner).first()
    ServiceLog.objects.bulk_create(
        ServiceLog(
            partner=partner,
            street_id=partner.community.street_id,
            agreement=agreement,
            space=space,
            date=start + dt.timedelta(days=i % 50),
            start_time=dt.time(9),
            end_time=dt.time(11),
            hours=Decimal("2"),
            category="elderly",
            title=f"{title}{i:04d}",
            description="课程",
            residents_served=10,
            status=status,
        )
        for i in range(n)
    )


@pytest.fixture
def partner_with_logs():
    partner, _agreement, space = serving_partner("active")
    # 30 verified logs on 5 Jan – 3 Feb 2026 (27 in January, 3 in February), 2 rejected in January
    _logs(partner, space, 30)
    _logs(partner, space, 2, status=LogStatus.REJECTED, title="驳回")
    staff = street_staff(street=partner.community.street)
    return partner, space, staff


def test_pdf_request_queues_rendering_then_serves_the_stored_file(
    client, partner_with_logs, django_capture_on_commit_callbacks
):
    partner, _space, staff = partner_with_logs
    client.force_login(staff)
    url = reverse("services:dossier_pdf", args=[partner.pk])

    with django_capture_on_commit_callbacks(execute=False) as queued:
        pending = client.get(url)
    assert pending.status_code == 202
    assert "项目档案生成中" in pending.content.decode() and "已排队" in pending.content.decode()
    assert 'http-equiv="refresh"' in pending.content.decode()
    assert len(queued) == 1
    with django_capture_on_commit_callbacks(execute=False) as again:  # a refresh does not queue twice
        assert client.get(url).status_code == 202
    assert again == []

    queued[0]()  # the worker (Celery eager in tests)
    with django_capture_on_commit_callbacks(execute=False) as none:
        response = client.get(url)
    assert none == []
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "项目档案" in text and partner.name in text
    # the monthly summary rows (verified only), not each log
    assert "2026年01月" in text and "已核实 27 次活动，服务 54.00 小时、270 人次" in text
    assert "2026年02月" in text and "已核实 3 次活动，服务 6.00 小时、30 人次" in text
    assert "共 32 条记录，其中已核实 30 条" in text
    assert "日志0000" not in text and "驳回0000" not in text


def test_stored_pdf_is_reused_until_the_dossier_changes(
    client, partner_with_logs, django_capture_on_commit_callbacks
):
    partner, space, staff = partner_with_logs
    client.force_login(staff)
    url = reverse("services:dossier_pdf", args=[partner.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    assert client.get(url).status_code == 200

    _logs(partner, space, 1, start=dt.date(2026, 3, 2))  # a new verified log in March
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.get(url).status_code == 202
    assert len(queued) == 1
    queued[0]()
    text = pdf_text(b"".join(client.get(url).streaming_content))
    assert "2026年03月" in text and "已核实 1 次活动，服务 2.00 小时、10 人次" in text


def test_xlsx_appendix_lists_every_log_and_is_in_the_zip(
    client, partner_with_logs, django_capture_on_commit_callbacks
):
    partner, _space, staff = partner_with_logs
    client.force_login(staff)

    url = reverse("services:dossier_logs_xlsx", args=[partner.pk])
    data = built_by_worker(client, url, django_capture_on_commit_callbacks)
    header, *rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert header[0] == "日期" and len(rows) == 32
    assert sorted(r[6] for r in rows) == sorted(
        [f"日志{i:04d}" for i in range(30)] + ["驳回0000", "驳回0001"]
    )

    url = reverse("services:dossier_zip", args=[partner.pk])
    archive = zipfile.ZipFile(io.BytesIO(built_by_worker(client, url, django_capture_on_commit_callbacks)))
    appendix = next(n for n in archive.namelist() if n.endswith("/公益服务记录明细.xlsx"))
    assert len(list(load_workbook(io.BytesIO(archive.read(appendix))).active.iter_rows())) == 33
    assert "2026年01月" in pdf_text(archive.read(f"项目档案-{partner.name}.pdf"))


def test_html_dossier_paginates_logs_at_fifty(client, partner_with_logs):
    partner, space, staff = partner_with_logs
    _logs(partner, space, 18, start=dt.date(2026, 3, 1), title="三月")  # 50 in all
    client.force_login(staff)
    url = reverse("services:dossier", args=[partner.pk])
    html = client.get(url).content.decode()
    assert "共 50 条，第 1/1 页。" in html and "三月0017" in html and "下一页" not in html

    _logs(partner, space, 1, start=dt.date(2026, 4, 1), title="四月")  # 51: a second page
    html = client.get(url).content.decode()
    assert "共 51 条，第 1/2 页。" in html and "四月0000" not in html and "下一页" in html
    html = client.get(url + "?logs_page=2").content.decode()
    assert "四月0000" in html and "日志0000" not in html

    full = client.get(reverse("services:dossier_logs", args=[partner.pk]) + "?page=2").content.decode()
    assert "四月0000" in full and "共 51 条，第 2/2 页。" in full


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_html_dossier_query_count_does_not_grow_with_logs(client):
    partner, _agreement, space = serving_partner("active")
    _logs(partner, space, 3)
    client.force_login(street_staff(street=partner.community.street))
    url = reverse("services:dossier", args=[partner.pk])
    client.get(url)  # warm the session
    with_three = _queries(client, url)
    _logs(partner, space, 27, start=dt.date(2026, 3, 1))  # 30 logs over three months
    assert _queries(client, url) == with_three


def test_zip_request_shows_the_pending_page_then_serves_the_file_rebuilt_when_a_log_changes(
    client, partner_with_logs, django_capture_on_commit_callbacks
):
    partner, space, staff = partner_with_logs
    client.force_login(staff)
    url = reverse("services:dossier_zip", args=[partner.pk])

    with django_capture_on_commit_callbacks(execute=False) as queued:
        pending = client.get(url)
    assert pending.status_code == 202
    assert "项目档案 ZIP 归档" in pending.content.decode() and "已排队" in pending.content.decode()
    assert len(queued) == 1
    queued[0]()  # the worker builds it
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    first = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert f"项目档案-{partner.name}.pdf" in first.namelist()

    # A log's description is only in the XLSX appendix, not the dossier PDF: the ZIP is still rebuilt.
    ServiceLog.objects.filter(partner=partner, title="日志0000").update(description="改过的内容")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(url).streaming_content)))
    appendix = next(n for n in archive.namelist() if n.endswith("/公益服务记录明细.xlsx"))
    values = [
        c
        for row in load_workbook(io.BytesIO(archive.read(appendix))).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "改过的内容" in values


def test_months_of_the_log_sheet_are_read_once_each_not_once_per_log(client):
    """The months the log sheet covers come from the database one row a month (the
    busiest partner of a city has 5,000 logs), not one row a log."""
    partner, _agreement, space = serving_partner("active")
    _logs(partner, space, 30)  # 5 Jan – 3 Feb 2026: two months
    client.force_login(street_staff(street=partner.community.street))
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("services:dossier", args=[partner.pk])).content.decode()
    months = [q["sql"] for q in captured if q["sql"].startswith("SELECT DISTINCT DATE_TRUNC")]
    assert len(months) == 1
    assert '"services_servicelog"."id"' not in months[0]
    assert "2026年01月" in html and "2026年02月" in html
