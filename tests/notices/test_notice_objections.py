"""Objections (异议): filed by anyone during the period, investigated by the street."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from messaging.domain import outbox_deliver_due
from notices.domain import objection_conclude, objection_file, objection_investigate, objection_lookup
from notices.models import Objection, ObjectionStatus
from notices.tasks import end_due_notices
from partners.models import PartnerStatus
from portal.domain import audit_events_for
from tests.factories import community_staff
from tests.notices.factories import (
    approved_partner,
    file_objection,
    past_notice,
    published_notice,
    setting,
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
    b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def staff(db):
    return setting()[1]


@pytest.fixture
def community(staff):
    return staff.profile.street.communities.first()


@pytest.fixture
def notice(staff, community):
    return published_notice(staff=staff, partners=[approved_partner(community), approved_partner(community)])


def _post(client, notice, **overrides):
    entry = notice.entries.first()
    data = {
        "entry": entry.pk,
        "grounds": "该机构去年在其他社区的活动中存在收费行为。",
        "objector_name": "李居民",
        "objector_phone": "13700001111",
        "website": "",
    }
    data.update(overrides)
    return client.post(reverse("notices:objection_create", args=[notice.pk]), data)


def test_objection_public_form_files_and_gives_reference(client, notice):
    response = _post(client, notice, evidence=SimpleUploadedFile("收据.png", PNG, content_type="image/png"))

    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.status == ObjectionStatus.OPEN
    assert (objection.objector_name, objection.objector_phone) == ("李居民", "13700001111")
    assert objection.evidence_name == "收据.png"
    assert objection.evidence.storage.base_url is None  # private storage, no public URL
    page = client.get(response["Location"]).content.decode()
    assert objection.reference in page
    assert re.fullmatch(r"YY\d{8}-[A-Z2-9]{6}", objection.reference)
    assert [e.action for e in audit_events_for(objection)] == ["notices.objection.filed"]


def test_objection_public_form_errors_next_to_fields_and_input_kept(client, notice):
    response = _post(client, notice, objector_phone="12345", grounds="")

    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写11位手机号或带区号的座机号码。" in html
    assert "该字段是必填项。" in html
    assert 'value="李居民"' in html
    assert Objection.objects.count() == 0


def test_objection_evidence_of_wrong_type_refused(client, notice):
    response = _post(client, notice, evidence=SimpleUploadedFile("a.pdf", b"MZ\x90\x00not a pdf"))

    assert response.status_code == 400
    assert "的实际内容不是允许的类型" in response.content.decode()
    assert Objection.objects.count() == 0


def test_objection_honeypot_keeps_nothing(client, notice):
    response = _post(client, notice, website="http://spam.example")

    assert response.status_code == 302
    assert Objection.objects.count() == 0


def test_objection_rate_limited_after_ten(client, notice):
    # Eleven different objections (identical ones are one double submit, tested below).
    statuses = [_post(client, notice, grounds=f"第{i}条异议：存在收费行为。").status_code for i in range(11)]

    assert statuses == [302] * 10 + [429]
    assert Objection.objects.count() == 10


def test_objection_double_submit_keeps_one_row_and_shows_the_same_reference(client, notice):
    """Issue 18 (9): the same objection posted twice (a double click) is filed once."""
    first = _post(client, notice, evidence=SimpleUploadedFile("收据.png", PNG, content_type="image/png"))
    second = _post(client, notice, evidence=SimpleUploadedFile("收据.png", PNG, content_type="image/png"))

    assert (first.status_code, second.status_code) == (302, 302)
    objection = Objection.objects.get()
    for response in (first, second):
        assert objection.reference in client.get(response["Location"]).content.decode()
    assert [e.action for e in audit_events_for(objection)] == ["notices.objection.filed"]
    folder = Path(objection.evidence.storage.path("notices/objection"))
    assert [f.name for f in folder.iterdir()] == [Path(objection.evidence.name).name]


@pytest.mark.parametrize(("age", "rows"), [(599, 1), (600, 1), (601, 2)])
def test_objection_identical_after_the_window_is_a_new_objection(notice, settings, age, rows):
    assert settings.DUPLICATE_SUBMISSION_SECONDS == 600
    first = file_objection(notice)
    now = timezone.now()
    Objection.objects.filter(pk=first.pk).update(created_at=now - dt.timedelta(seconds=age))

    objection_file(
        notice=notice,
        entry=first.entry,
        grounds=first.grounds,
        objector_name=first.objector_name,
        objector_phone=first.objector_phone,
        now=now,
    )

    assert Objection.objects.count() == rows


def test_objection_differing_in_anything_is_a_new_objection(notice):
    file_objection(notice)
    file_objection(notice, grounds="另一条理由。")
    file_objection(notice, objector_phone="13700002222")
    file_objection(notice, entry=notice.entries.last())

    assert Objection.objects.count() == 4


def test_notice_page_leads_to_the_objection_form_during_the_period(client, notice):
    detail = client.get(reverse("notices:notice_detail", args=[notice.pk])).content.decode()

    response = client.get(reverse("notices:objection_create", args=[notice.pk]))
    html = response.content.decode()

    assert f'<a class="button" href="/notices/{notice.pk}/objections/">填写异议</a>' in detail
    assert "<form" not in detail.split('id="objection-heading"')[1].split("</section>")[0]
    assert response.status_code == 200
    assert "<title>提出异议：" in html and notice.title in html
    assert "对哪一位申请人提出异议" in html and "提交异议" in html
    assert notice.objection_contact in html
    for entry in notice.entries.all():
        assert f'<option value="{entry.pk}">' in html


def test_objection_form_after_the_period_says_so_without_a_form(client, staff, community):
    notice = past_notice(staff=staff, partners=[approved_partner(community)])

    detail = client.get(reverse("notices:notice_detail", args=[notice.pk])).content.decode()
    response = client.get(reverse("notices:objection_create", args=[notice.pk]))
    html = response.content.decode()

    assert "填写异议" not in detail
    assert response.status_code == 200
    assert "公示期已结束或尚未开始，不能提出异议。" in html
    assert "提交异议" not in html and '<form method="post" action="/notices/' not in html


def test_objection_after_period_refused(client, staff, community):
    notice = past_notice(staff=staff, partners=[approved_partner(community)])

    response = _post(client, notice)

    assert response.status_code == 400
    assert "公示期已结束或尚未开始，不能提出异议。" in response.content.decode()
    assert Objection.objects.count() == 0
    with pytest.raises(ValidationError):
        file_objection(notice)


def test_objection_dismissed_partner_goes_on_to_signing(staff, community):
    partner = approved_partner(community)
    notice = past_notice(staff=staff, partners=[partner])
    objection = objection_file(
        notice=notice,
        entry=notice.entries.get(),
        grounds="有疑问",
        objector_name="李居民",
        objector_phone="13700001111",
        now=notice.starts_at + dt.timedelta(days=1),
    )

    end_due_notices()
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.IN_NOTICE  # the open objection blocks ending

    objection_investigate(objection=objection, by=staff, assigned_to=staff, note="已电话联系异议人。")
    objection_conclude(
        objection=objection, upheld=False, conclusion="经核实，所述收费为材料费，符合规定。", by=staff
    )

    partner.refresh_from_db()
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED
    assert partner.status == PartnerStatus.SIGNING
    assert [e.action for e in audit_events_for(objection)] == [
        "notices.objection.filed",
        "notices.objection.investigated",
        "notices.objection.dismissed",
    ]


def test_objection_upheld_rejects_applicant_with_history(staff, community):
    partner, other = approved_partner(community), approved_partner(community)
    notice = published_notice(staff=staff, partners=[partner, other])
    objection = file_objection(notice, entry=notice.entries.get(partner=partner))

    objection_conclude(
        objection=objection, upheld=True, conclusion="经核实存在违规收费，异议成立。", by=staff
    )

    partner.refresh_from_db()
    other.refresh_from_db()
    assert partner.status == PartnerStatus.REJECTED
    assert other.status == PartnerStatus.IN_NOTICE
    last = partner.transitions.last()
    assert (last.transition, last.from_state, last.to_state, last.actor) == (
        "reject_after_objection",
        "in_notice",
        "rejected",
        staff,
    )
    assert objection.reference in last.note


def test_objection_conclusion_needs_text_and_street_staff(staff, community, notice):
    objection = file_objection(notice)
    clerk = community_staff(community=community)

    with pytest.raises(ValidationError):
        objection_conclude(objection=objection, upheld=False, conclusion=" ", by=staff)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        objection_conclude(objection=objection, upheld=True, conclusion="成立", by=clerk)
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


def test_objection_lookup_needs_reference_and_phone_last4(client, staff, notice):
    objection = file_objection(notice)
    objection_conclude(objection=objection, upheld=False, conclusion="经核实，异议所述情况不属实。", by=staff)
    url = reverse("notices:objection_status")

    found = client.get(
        url, {"reference": objection.reference.lower(), "phone_last4": "1111"}
    ).content.decode()
    wrong = client.get(url, {"reference": objection.reference, "phone_last4": "2222"}).content.decode()

    assert "经核实，异议所述情况不属实。" in found
    assert "异议不成立" in found
    assert "13700001111" not in found and "李居民" not in found
    assert "经核实，异议所述情况不属实。" not in wrong
    assert "没有找到相符的记录" in wrong
    assert objection_lookup(reference=objection.reference, phone_last4="") is None


def test_objection_admin_conclude_button_upholds(client, staff, community, notice):
    objection = file_objection(notice)
    client.force_login(staff)

    response = client.post(
        reverse("admin:notices_objection_conclude", args=[objection.pk]),
        {"outcome": "upheld", "conclusion": "异议成立。"},
    )

    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    assert objection.entry.partner.status == PartnerStatus.REJECTED


def test_objection_filed_mails_street_staff_without_objector_data(
    client, staff, notice, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import street_staff

    colleague = street_staff(street=notice.street)
    elsewhere = street_staff()  # another street: not told
    # The set-up publication queued its notices to the applicants (its commit hook never ran
    # here): deliver them first, so the outbox below holds only what the objection sends.
    outbox_deliver_due()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _post(client, notice)

    objection = Objection.objects.get()
    street_emails = sorted(p.user.email for p in notice.street.profiles.filter(role="street_staff"))
    # One outbox message per address (issue 17): each staff member gets their own e-mail.
    assert len(mailoutbox) == len(street_emails)
    assert sorted(address for mail in mailoutbox for address in mail.to) == street_emails
    assert all(len(mail.to) == 1 for mail in mailoutbox)
    assert {staff.email, colleague.email} <= {mail.to[0] for mail in mailoutbox}
    assert elsewhere.email not in {mail.to[0] for mail in mailoutbox}
    for mail in mailoutbox:
        assert mail.subject == f"【公示异议】新的异议待调查：{objection.reference}"
        assert objection.entry.applicant_name in mail.body
        assert f"/admin/notices/objection/{objection.pk}/change/" in mail.body
        assert "13700001111" not in mail.body and "李居民" not in mail.body
