"""The inspection pack (检查台账, issue 16): one ZIP of a period, built by the worker, scoped."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from notices.domain import notice_file
from tests.factories import CommunityFactory, street_staff
from tests.notices.factories import approved_partner, past_notice
from tests.services.factories import make_log, partner_user, serving_partner

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-12-31"}


@pytest.fixture
def street_user():
    return street_staff(first_name="李", username="lijiedao")


@pytest.fixture
def small_street(street_user):
    community = CommunityFactory(street=street_user.profile.street, name="东村社区")
    partner, agreement, space = serving_partner(community=community)
    make_log(partner, agreement, space, date=dt.date(2026, 3, 10), title="智能手机课")
    notice = past_notice(staff=street_user, partners=[approved_partner(community)])
    notice_file(notice=notice, by=street_user)
    return partner, notice


def build_pack(client, user, django_capture_on_commit_callbacks, data=PERIOD):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("services:inspection_pack"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "下载" in page.content.decode()
    download = client.get(response["Location"] + "?download=1")
    assert ".zip" in download["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))


def xlsx(archive, name):
    workbook = load_workbook(io.BytesIO(archive.read(name)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_pack_lists_the_summary_filing_logs_and_every_dossier(
    client, street_user, small_street, django_capture_on_commit_callbacks
):
    partner, notice = small_street

    archive = build_pack(client, street_user, django_capture_on_commit_callbacks)

    names = archive.namelist()
    assert names == [
        "01汇总表.xlsx",
        f"03备案/公示结果备案报告-{notice.title}-{notice.pk}.pdf",
        "04服务记录表.xlsx",
        f"05项目档案/项目档案-{partner.name}-{partner.reference}.zip",
    ]
    assert archive.read(names[1]).startswith(b"%PDF")
    logs = xlsx(archive, "04服务记录表.xlsx")
    assert logs[0][0] == "公益服务记录表台账（筛选：无；日期：2026年1月1日至2026年12月31日）"
    assert [row[logs[1].index("活动名称")] for row in logs[2:]] == ["智能手机课"]
    summary = xlsx(archive, "01汇总表.xlsx")
    assert partner.reference in [row[0] for row in summary[1:]]
    dossier = zipfile.ZipFile(io.BytesIO(archive.read(names[3])))
    assert any(name.endswith("目录.xlsx") for name in dossier.namelist())


def test_pack_of_another_street_holds_none_of_these_records(
    client, small_street, django_capture_on_commit_callbacks
):
    archive = build_pack(client, street_staff(), django_capture_on_commit_callbacks)

    assert archive.namelist() == ["01汇总表.xlsx", "04服务记录表.xlsx"]
    assert len(xlsx(archive, "01汇总表.xlsx")) == 1  # the header only
    assert len(xlsx(archive, "04服务记录表.xlsx")) == 2  # the title and the header


def test_pack_period_ending_the_day_before_the_log_leaves_it_out(
    client, street_user, small_street, django_capture_on_commit_callbacks
):
    archive = build_pack(
        client, street_user, django_capture_on_commit_callbacks, {"start": "2026-01-01", "end": "2026-03-09"}
    )

    assert len(xlsx(archive, "04服务记录表.xlsx")) == 2


def test_pack_period_ending_on_the_log_day_includes_it(
    client, street_user, small_street, django_capture_on_commit_callbacks
):
    archive = build_pack(
        client, street_user, django_capture_on_commit_callbacks, {"start": "2026-03-10", "end": "2026-03-10"}
    )

    assert len(xlsx(archive, "04服务记录表.xlsx")) == 3


def test_pack_is_refused_to_a_partner_account(client, small_street):
    partner, _notice = small_street
    client.force_login(partner_user(partner))

    assert client.post(reverse("services:inspection_pack"), PERIOD).status_code == 403


def test_pack_period_end_before_start_is_explained(client, street_user):
    client.force_login(street_user)

    response = client.post(reverse("services:inspection_pack"), {"start": "2026-03-10", "end": "2026-03-09"})

    assert response.status_code == 200
    assert "截止日期不能早于起始日期。" in response.content.decode()


def test_pack_job_is_its_starters_alone(client, street_user, django_capture_on_commit_callbacks):
    client.force_login(street_user)
    with django_capture_on_commit_callbacks(execute=True):
        location = client.post(reverse("services:inspection_pack"), PERIOD)["Location"]
    client.force_login(street_staff())

    assert client.get(location).status_code == 404
    assert client.get(location + "?download=1").status_code == 404
