"""Status lookup, the private link, withdrawal and requested documents (issue 5)."""

import re

import pytest

from calls.domain import application_request_documents, application_status_token
from calls.models import DocumentRequest
from messaging.domain import outbox_deliver_due
from partners.models import PartnerStatus, PartnerTransition
from portal.domain import audit_events_for
from tests.factories import community_staff, walk_partner

from .factories import pdf_file, png_file, submitted_application

pytestmark = pytest.mark.django_db

LOOKUP = "/applications/status/"


@pytest.fixture
def application():
    return submitted_application()


def status_url(application):
    return f"{LOOKUP}{application_status_token(application)}/"


def test_status_lookup_by_reference_and_last4(client, application):
    response = client.post(LOOKUP, {"reference": application.reference.lower(), "mobile_last4": "5678"})
    assert response.status_code == 302
    assert response["Location"] == status_url(application)
    html = client.get(response["Location"]).content.decode()
    assert "已提交，社区审核中" in html
    assert "社区核对无误后将报送街道党建工作办公室" in html
    assert application.project_title in html
    assert "138****5678" in html
    assert "13812345678" not in html
    assert application.credit_code not in html


@pytest.mark.parametrize(
    ("reference", "last4"),
    [
        (None, "5679"),  # right reference, wrong digits
        ("MLHH-2026-999999", "5678"),  # right digits, no such reference
    ],
)
def test_status_lookup_wrong_reveals_nothing(client, application, reference, last4):
    response = client.post(LOOKUP, {"reference": reference or application.reference, "mobile_last4": last4})
    assert response.status_code == 400
    html = response.content.decode()
    assert "没有找到相符的申请。请核对申请编号和手机号后4位后重试。" in html
    for secret in [
        application.applicant_name,
        application.project_title,
        "138****5678",
        application.community.name,
    ]:
        assert secret not in html


def test_status_lookup_both_wrong_answers_look_identical(client, application):
    a = client.post(LOOKUP, {"reference": application.reference, "mobile_last4": "0000"}).content
    b = client.post(LOOKUP, {"reference": "MLHH-2026-999999", "mobile_last4": "0000"}).content
    strip = lambda html: re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"|value="MLHH-[^"]+"', b"", html)  # noqa: E731
    assert strip(a) == strip(b)


def test_status_lookup_bad_last4_format(client, application):
    response = client.post(LOOKUP, {"reference": application.reference, "mobile_last4": "56"})
    assert response.context["form"].errors["mobile_last4"] == ["请填写4位数字。"]


def test_status_lookup_rate_limited(client, application):
    # One address, many references (the per-reference limit is tested below).
    codes = [
        client.post(
            LOOKUP, {"reference": f"MLHH-2026-{900000 + i}", "mobile_last4": "0000"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        for i in range(21)
    ]
    assert codes == [400] * 20 + [429]


def test_status_lookup_limited_per_reference_across_addresses(client, application, settings):
    """Issue 18 (6): 40 addresses with one guess each no longer reach one reference's page."""
    assert settings.STATUS_LOOKUP_REFERENCE_RATE == "10/h"
    codes = [
        client.post(
            LOOKUP,
            {"reference": application.reference.lower(), "mobile_last4": f"{i:04d}"},
            REMOTE_ADDR=f"10.8.0.{i}",
        ).status_code
        for i in range(10)
    ]
    eleventh = client.post(
        LOOKUP, {"reference": f" {application.reference} ", "mobile_last4": "5678"}, REMOTE_ADDR="10.8.1.1"
    )

    assert codes == [400] * 10
    assert eleventh.status_code == 429
    assert "该申请编号的查询次数过多，请一小时后再试。" in eleventh.content.decode()
    assert "Location" not in eleventh


def test_status_lookup_per_reference_limit_leaves_other_references_alone(client, application):
    for i in range(11):
        client.post(
            LOOKUP, {"reference": "MLHH-2026-999999", "mobile_last4": f"{i:04d}"}, REMOTE_ADDR=f"10.7.0.{i}"
        )

    response = client.post(
        LOOKUP, {"reference": application.reference, "mobile_last4": "5678"}, REMOTE_ADDR="10.7.1.1"
    )

    assert response.status_code == 302


def test_status_private_link_tampered_not_found(client, application):
    token = application_status_token(application)
    assert client.get(f"{LOOKUP}{token[:-2]}xx/").status_code == 404


def test_status_page_shows_later_stage_and_next_step(client, application):
    walk_partner(application.partner, "shortlisted")
    html = client.get(status_url(application)).content.decode()
    assert "已入围" in html and "请准备路演" in html


def test_status_withdraw_by_applicant(client, application):
    url = status_url(application)
    response = client.post(f"{url}withdraw/", {"confirm": "on", "note": "场地时间不合适"})
    assert response.status_code == 302
    application.partner.refresh_from_db()
    assert application.partner.status == PartnerStatus.WITHDRAWN
    row = PartnerTransition.objects.get(partner=application.partner)
    assert (row.transition, row.actor, row.actor_label, row.note) == (
        "withdraw",
        None,
        "申请人",
        "场地时间不合适",
    )
    html = client.get(url).content.decode()
    assert "您的申请已撤回。" in html and "确认撤回" not in html


def test_status_withdraw_needs_confirmation(client, application):
    response = client.post(f"{status_url(application)}withdraw/", {})
    assert response.status_code == 400
    assert "请勾选确认后再撤回。" in response.content.decode()
    application.partner.refresh_from_db()
    assert application.partner.status == PartnerStatus.SUBMITTED


def test_status_withdraw_after_signing_refused(client, application):
    walk_partner(application.partner, "trial")
    assert "确认撤回" not in client.get(status_url(application)).content.decode()
    response = client.post(f"{status_url(application)}withdraw/", {"confirm": "on"}, follow=True)
    assert "当前状态“试用期”下不能执行“撤回申请”。" in response.content.decode()
    application.partner.refresh_from_db()
    assert application.partner.status == PartnerStatus.TRIAL


def test_status_pdf_download(client, application):
    from tests.utils import pdf_text

    response = client.get(f"{status_url(application)}pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert application.applicant_name in text and application.project_title in text


def test_request_documents_mails_link_and_applicant_uploads(
    client, application, django_capture_on_commit_callbacks, mailoutbox
):
    staff = community_staff(community=application.community)
    # The fixture's submission queued its receipt in the outbox (its commit hook never ran here):
    # deliver it first, so the outbox below holds only what the request sends.
    outbox_deliver_due()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = application_request_documents(
            application=application, kind="team", message="请补充团队成员资质证明。", by=staff
        )
    assert [m.subject for m in mailoutbox] == [f"请补充申请材料：{application.reference}"]
    upload_url = re.search(r"http://[^/]+(/applications/upload/[^/\s]+/)", mailoutbox[0].body).group(1)
    assert "请补充团队成员资质证明。" in client.get(upload_url).content.decode()
    assert "请补充团队成员资质证明。" in client.get(status_url(application)).content.decode()

    # A PNG named .pdf is still a PNG, an allowed type: the content decides, not the name.
    assert (
        client.post(upload_url, {"files": [pdf_file("资质.pdf"), png_file("photo.pdf")]}).status_code == 302
    )
    request.refresh_from_db()
    assert request.fulfilled_at is not None
    assert sorted(application.documents.filter(kind="team").values_list("original_name", flat=True)) == [
        "photo.pdf",
        "资质.pdf",
    ]
    assert client.post(upload_url, {"files": [pdf_file()]}).status_code == 400  # already supplied
    assert [e.action for e in audit_events_for(application)] == [
        "calls.application.submitted",
        "calls.application.documents_requested",
        "calls.application.documents_supplied",
    ]


def test_request_documents_upload_refuses_disguised_file(client, application):
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff = community_staff(community=application.community)
    request = application_request_documents(application=application, kind="other", message="补充", by=staff)
    from calls.domain import document_request_token

    url = f"/applications/upload/{document_request_token(request)}/"
    response = client.post(url, {"files": [SimpleUploadedFile("x.pdf", b"MZ" + b"\0" * 100)]})
    assert response.status_code == 400
    assert "文件“x.pdf”的实际内容不是允许的类型" in response.content.decode()
    assert DocumentRequest.objects.get().fulfilled_at is None


def test_request_documents_other_community_staff_refused(application):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        application_request_documents(application=application, kind="team", message="x", by=community_staff())
    assert DocumentRequest.objects.count() == 0
