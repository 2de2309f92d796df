"""The partner's dossier (项目档案): every registered section, history, PDF and ZIP."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import Agreement
from calls.models import ApplicationDocument
from portal import dossier as registry
from portal.choices import ExitReason
from services import domain
from services.models import Conclusion, LogFileKind, LogoLicence, LogStatus, ServiceLog
from tests.calls.factories import pdf_file
from tests.factories import community_staff, street_staff
from tests.utils import built_by_worker, pdf_text

from .factories import log_data, observer_user, partner_user, png_upload, serving_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def lived_partner():
    """A partner walked to trial, serving, evaluated, commended, then exited."""
    (
        partner,
        _agreement,
        space,
    ) = serving_partner("trial", start=dt.date(2025, 10, 16), end=dt.date(2026, 4, 15))
    # the trial ends 15 Apr, so the evaluation of 31 Mar falls in its last month
    staff = street_staff(street=partner.community.street)
    user = partner_user(partner)
    LogoLicence.objects.create(partner=partner, granted_on=dt.date(2026, 1, 1))
    log = domain.servicelog_create(
        partner=partner,
        data=log_data(space),
        by=user,
        today=dt.date(2026, 3, 20),
        files={LogFileKind.PHOTO: [png_upload("活动.png")]},
    )
    domain.servicelog_review(log=log, decision=LogStatus.VERIFIED, by=staff)
    domain.observation_record(
        partner=partner,
        date=dt.date(2026, 3, 10),
        seen="秩序良好",
        punctuality=5,
        quality=5,
        safety=4,
        attitude=5,
        photos=[png_upload("现场.png")],
        by=observer_user(partner.community),
    )
    feedback = domain.feedback_submit(partner=partner, rating=5, comment="老师耐心", contact="13900001111")
    domain.feedback_moderate(feedback=feedback, approve=True, by=staff)
    evaluation = domain.evaluation_record(
        partner=partner,
        kind="trial",
        evaluated_on=dt.date(2026, 3, 31),
        conclusion=Conclusion.PASS,
        remarks="表现良好",
        by=staff,
    )
    domain.recognition_record(
        partner=partner,
        kind="commendation",
        date=dt.date(2026, 4, 1),
        title="优秀睦邻合伙人",
        evaluation=evaluation,
        by=staff,
    )
    domain.partner_exit(
        partner=partner,
        reason=ExitReason.REQUESTED,
        note="搬迁",
        handover_note="钥匙已交还",
        exit_date=dt.date(2026, 5, 1),
        by=staff,
    )
    return partner, staff


def test_dossier_page_lists_every_registered_section_and_history(client, lived_partner):
    partner, staff = lived_partner
    client.force_login(staff)
    response = client.get(reverse("services:dossier", args=[partner.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    sections = registry.dossier_sections(partner)
    assert {"service_logs", "observations_feedback", "evaluations", "exit"} <= {s.key for s in sections}
    for section in sections:  # every app's registered section that has something to say
        assert f'id="dossier-{section.key}"' in html and section.title in html
    for text in [
        "智能手机课（已核实）",
        "观察员",
        "居民意见箱汇总",
        "试用期满评估：合格",
        "表扬宣传：优秀睦邻合伙人",
        "退出：主动申请退出",
        "钥匙已交还",
        "状态记录",
        "试用期 → 正式运行",
        "正式运行 → 已退出",
    ]:
        assert text in html
    assert "13900001111" not in html


def test_dossier_pdf_and_zip_hold_the_record_and_files(
    client, lived_partner, django_capture_on_commit_callbacks
):
    partner, staff = lived_partner
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):  # the worker renders it (eager in tests)
        assert client.get(reverse("services:dossier_pdf", args=[partner.pk])).status_code == 202
    pdf = client.get(reverse("services:dossier_pdf", args=[partner.pk]))
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "项目档案" in text and "退出：主动申请退出" in text and "试用期满评估：合格" in text

    names = _zip(client, partner, django_capture_on_commit_callbacks).namelist()
    assert names[0] == f"项目档案-{partner.name}.pdf"
    folders = _folders(partner)
    photos = sorted(n.split("/")[0] for n in names if n.endswith(".png"))
    assert photos == [folders["service_logs"], folders["observations_feedback"]]


def _zip(client, partner, capture_on_commit):
    url = reverse("services:dossier_zip", args=[partner.pk])
    return zipfile.ZipFile(io.BytesIO(built_by_worker(client, url, capture_on_commit)))


def _folders(partner):
    return {s.key: f"{n:02d}{s.title}" for n, s in enumerate(registry.dossier_sections(partner), start=1)}


def test_dossier_zip_names_files_by_what_they_are_in_stage_folders(
    client, lived_partner, django_capture_on_commit_callbacks
):
    partner, staff = lived_partner
    application = partner.application
    for name in ("营业执照.pdf", "营业执照副本.PDF"):
        ApplicationDocument.objects.create(
            application=application, kind="registration", file=pdf_file("x.pdf"), original_name=name
        )
    agreement = Agreement.objects.get(partner=partner)
    log_date = ServiceLog.objects.get(partner=partner).date
    sheet = f"公益服务记录表-{log_date:%Y%m}.pdf"
    folders = _folders(partner)
    client.force_login(staff)

    archive = _zip(client, partner, django_capture_on_commit_callbacks)
    names = archive.namelist()

    assert names[0] == f"项目档案-{partner.name}.pdf" and names[-1] == "目录.xlsx"
    assert {
        f"{folders['application']}/项目申请表-{application.reference}.pdf",
        f"{folders['application']}/登记证书、营业执照、身份证.pdf",
        f"{folders['application']}/登记证书、营业执照、身份证（2）.pdf",
        f"{folders['agreements']}/三方协议-{agreement.number}.pdf",
        f"{folders['service_logs']}/{log_date:%Y-%m-%d}-照片.png",
        f"{folders['service_logs']}/{sheet}",
        f"{folders['observations_feedback']}/观察照片-2026-03-10.png",
    } <= set(names)
    assert [n for n in names if re.search(r"[0-9a-f]{10}", n)] == []  # no stored hash names
    assert [n.split("/")[0][:2] for n in names if "/" in n] == sorted(
        n.split("/")[0][:2] for n in names if "/" in n
    )  # folders in the dossier's order
    agreement_text = pdf_text(archive.read(f"{folders['agreements']}/三方协议-{agreement.number}.pdf"))
    assert agreement.number in agreement_text
    assert application.reference in pdf_text(
        archive.read(f"{folders['application']}/项目申请表-{application.reference}.pdf")
    )
    assert "公益服务记录表" in pdf_text(archive.read(f"{folders['service_logs']}/{sheet}"))


def test_dossier_zip_index_lists_every_file_with_date_and_source(
    client, lived_partner, django_capture_on_commit_callbacks, settings
):
    partner, staff = lived_partner
    client.force_login(staff)
    settings.PORTAL_BASE_URL = "http://testserver"  # the worker links records from the site's address

    archive = _zip(client, partner, django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(archive.read("目录.xlsx"))).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]

    assert header == ["序号", "文件夹", "文件名", "标题", "日期", "来源记录", "记录链接"]
    listed = [f"{folder}/{name}" if folder else name for _n, folder, name, *_rest in rows]
    assert listed == [n for n in archive.namelist() if n != "目录.xlsx"]
    assert all(row[4] for row in rows)  # every file dated
    application_row = next(r for r in rows if r[2].startswith("项目申请表-"))
    assert application_row[5] == f"申请 {partner.application.reference}"
    assert application_row[6] == "http://testserver" + reverse(
        "admin:calls_application_change", args=[partner.application.pk]
    )
    agreement = Agreement.objects.get(partner=partner)
    assert (
        next(r for r in rows if r[2] == f"三方协议-{agreement.number}.pdf")[5] == f"协议 {agreement.number}"
    )


def test_dossier_refused_to_other_community_and_partner(client, lived_partner):
    partner, _staff = lived_partner
    client.force_login(community_staff())
    assert client.get(reverse("services:dossier", args=[partner.pk])).status_code == 404
    client.force_login(partner.account.user)
    assert client.get(reverse("services:dossier_zip", args=[partner.pk])).status_code == 404
