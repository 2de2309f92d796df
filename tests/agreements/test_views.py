"""Supplements, the staff PDF page, scans, the dossier section and API errors (issue 8)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.domain import agreement_document_render, agreement_supplement_create
from agreements.models import AgreementKind, AgreementStatus, Party
from partners.models import PartnerStatus
from portal.dates import local_today
from portal.dossier import dossier_sections
from tests.factories import community_staff, partner_in_state
from tests.utils import pdf_text

from .factories import draft_agreement, sign_all, trial_partner, with_fact
from .test_signing import PDF_BYTES, _sign

pytestmark = pytest.mark.django_db


def test_supplement_to_signed_term_is_signed_without_moving_partner():
    partner, term = trial_partner(start=dt.date(2026, 3, 1), months=12)
    staff = community_staff(community=partner.community)

    supplement = agreement_supplement_create(
        agreement=term,
        effective_from=dt.date(2026, 9, 1),
        services_description="自2026年9月起每周增加一次周六上午课程。",
        by=staff,
    )
    sign_all(supplement, by=staff)

    partner.refresh_from_db()
    assert (supplement.kind, supplement.number, supplement.end_date) == (
        AgreementKind.SUPPLEMENTARY,
        f"{term.number}-B1",
        term.end_date,
    )
    assert (supplement.status, partner.status) == (AgreementStatus.SIGNED, PartnerStatus.TRIAL)
    with agreement_document_render(agreement=supplement).file.open("rb") as pdf:
        flat = pdf_text(pdf.read()).replace("\n", "").replace(" ", "")
    assert "三方协议（补充协议）" in flat and f"对三方协议{term.number}的补充" in flat


def test_supplement_outside_term_refused():
    partner, term = trial_partner(start=dt.date(2026, 3, 1), months=12)

    with pytest.raises(ValidationError) as refused:
        agreement_supplement_create(
            agreement=term,
            effective_from=dt.date(2027, 3, 1),
            services_description="变更",
            by=community_staff(community=partner.community),
        )

    assert refused.value.message_dict == {
        "effective_from": ["补充协议的生效日期应在原协议期限（2026-03-01 至 2027-02-28）之内。"]
    }


def test_pdf_page_says_generating_then_serves_pdf(client, django_capture_on_commit_callbacks):
    partner = partner_in_state("signing", application__applicant_name="句容市银龄互助服务中心")
    agreement = draft_agreement(partner, start=dt.date(2026, 3, 1))
    client.force_login(community_staff(community=partner.community))

    with django_capture_on_commit_callbacks(execute=True) as queued:
        first = client.get(f"/staff/agreements/{agreement.pk}/pdf/")
    second = client.get(f"/staff/agreements/{agreement.pk}/pdf/")

    assert (first.status_code, len(queued)) == (202, 1)
    assert "PDF 正在生成，页面将在几秒后自动刷新" in first.content.decode()
    assert (second.status_code, second["Content-Type"]) == (200, "application/pdf")
    assert "句容市银龄互助服务中心" in pdf_text(b"".join(second.streaming_content))


def test_signature_scan_served_only_in_scope(client):
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner)
    staff = community_staff(community=partner.community)
    signature = _sign(
        agreement,
        Party.STATION,
        staff,
        scan=SimpleUploadedFile("签字页.pdf", PDF_BYTES, content_type="application/pdf"),
    )

    client.force_login(staff)
    mine = client.get(f"/staff/agreements/signatures/{signature.pk}/scan/")
    client.force_login(community_staff())
    other = client.get(f"/staff/agreements/signatures/{signature.pk}/scan/")

    assert (mine.status_code, b"".join(mine.streaming_content)) == (200, PDF_BYTES)
    assert other.status_code == 404


def test_dossier_section_lists_agreements_and_signatures():
    partner, term = trial_partner(start=dt.date(2026, 3, 1), months=12)

    section = next(s for s in dossier_sections(partner) if s.key == "agreements")

    titles = [entry.title for entry in section.entries]
    assert section.title == "协议签订与续签"
    assert titles[:4] == [f"三方协议 {term.number}", "签署：街道社工站", "签署：社区", "签署：睦邻合伙人"]
    assert "每月服务居民人次 120.0" in section.entries[0].detail


def test_api_signature_refusal_is_400_with_message(client):
    partner = partner_in_state("signing")
    agreement = draft_agreement(partner, targets=[])
    client.force_login(community_staff(community=partner.community))

    response = with_fact(
        "notice_period_over",
        client.post,
        "/api/agreement-signatures/",
        {
            "agreement": agreement.pk,
            "party": "station",
            "signatory": "吴静",
            "signed_on": local_today().isoformat(),
        },
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"detail": ["协议尚未填写公益服务量化指标（办法六（一）2），不能签署。"]},
    )
