"""The partner's dossier (项目档案): every registered section, history, PDF and ZIP."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from portal import dossier as registry
from portal.choices import ExitReason
from services import domain
from services.models import Conclusion, LogFileKind, LogoLicence, LogStatus
from tests.factories import community_staff, street_staff
from tests.utils import pdf_text

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
        "智能手机课(已核实)",
        "观察员",
        "居民意见箱汇总",
        "试用期满评估:合格",
        "表扬宣传:优秀睦邻合伙人",
        "退出:主动申请退出",
        "钥匙已交还",
        "状态记录",
        "试用期 → 正式运行",
        "正式运行 → 已退出",
    ]:
        assert text in html
    assert "13900001111" not in html


def test_dossier_pdf_and_zip_hold_the_record_and_files(client, lived_partner):
    partner, staff = lived_partner
    client.force_login(staff)
    pdf = client.get(reverse("services:dossier_pdf", args=[partner.pk]))
    text = pdf_text(pdf.content)
    assert "项目档案" in text and "退出:主动申请退出" in text and "试用期满评估:合格" in text

    response = client.get(reverse("services:dossier_zip", args=[partner.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names[0] == f"项目档案-{partner.name}.pdf"
    assert sorted(n.split("/")[0] for n in names[1:]) == ["observations_feedback", "service_logs"]
    assert all(n.endswith(".png") for n in names[1:])


def test_dossier_refused_to_other_community_and_partner(client, lived_partner):
    partner, _staff = lived_partner
    client.force_login(community_staff())
    assert client.get(reverse("services:dossier", args=[partner.pk])).status_code == 404
    client.force_login(partner.account.user)
    assert client.get(reverse("services:dossier_zip", args=[partner.pk])).status_code == 404
