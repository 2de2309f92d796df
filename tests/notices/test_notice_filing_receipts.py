"""Filing receipts (备案签收): recipients acknowledge or return the street's filing (rulebook 五(二)3)."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from notices.domain import (
    filing_receipt_acknowledge,
    filing_receipt_return,
    filing_recipients_default,
    notice_file,
)
from notices.models import FilingReceipt, FilingReceiptStatus, FilingRecipient
from notices.tasks import end_due_notices
from portal.dates import cn_date
from portal.domain import audit_events_for
from portal.dossier import dossier_sections
from portal.exceptions import ActionRefused
from tests.factories import DistrictFactory, UserFactory, district_staff, street_staff
from tests.notices.factories import approved_partner, past_notice, setting
from tests.utils import pdf_text

RULEBOOK_THREE = ["市委组织部", "市纪委监委", "市委社会工作部"]


@pytest.fixture
def world(db):
    """An ended notice of one street, its three recipients each with one clerk, and the partner."""
    community, staff = setting()
    partner = approved_partner(community, applicant_name="句容市银龄互助服务中心")
    notice = past_notice(staff=staff, partners=[partner])
    end_due_notices()
    clerks = {}
    for recipient in filing_recipients_default(staff.profile.street):
        clerk = UserFactory(first_name=f"{recipient.name}经办人")
        recipient.members.add(clerk)
        clerks[recipient.name] = clerk
    return {"staff": staff, "notice": notice, "partner": partner, "clerks": clerks}


def _receipt(notice, name, status=None):
    receipts = FilingReceipt.objects.filter(notice=notice, recipient__name=name).order_by("-sent_at", "-id")
    if status:
        receipts = receipts.filter(status=status)
    return receipts.first()


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_recipients_default_to_the_rulebook_three_once(db):
    _community, staff = setting()
    street = staff.profile.street

    first = filing_recipients_default(street)
    FilingRecipient.objects.filter(street=street, name="市委社会工作部").update(active=False)
    second = filing_recipients_default(street)

    assert [r.name for r in first] == RULEBOOK_THREE
    assert [r.name for r in second] == RULEBOOK_THREE[:2]
    assert FilingRecipient.objects.filter(street=street).count() == 3


def test_sending_the_filing_creates_one_audited_receipt_per_recipient(world):
    notice, staff = world["notice"], world["staff"]

    text = pdf_text(notice_file(notice=notice, by=staff)).replace("\n", "")

    receipts = list(FilingReceipt.objects.filter(notice=notice).order_by("recipient__position"))
    assert [(r.recipient.name, r.status, r.sent_by) for r in receipts] == [
        (name, FilingReceiptStatus.SENT, staff) for name in RULEBOOK_THREE
    ]
    notice.refresh_from_db()
    assert {r.report.name for r in receipts} == {notice.filing_report.name}
    assert {r.sent_at for r in receipts} == {notice.filed_at}
    assert "市委组织部、市纪委监委、市委社会工作部" in text
    assert [[e.action for e in audit_events_for(r)] for r in receipts] == [["notices.filing.sent"]] * 3
    assert [e.action for e in audit_events_for(notice)][-1] == "notices.notice.filed"


def test_clerk_sees_incoming_filing_reads_the_pdf_and_acknowledges_once(client, world):
    notice, staff = world["notice"], world["staff"]
    notice_file(notice=notice, by=staff)
    clerk = world["clerks"]["市委组织部"]
    receipt = _receipt(notice, "市委组织部")
    client.force_login(clerk)

    inbox = client.get(reverse("notices:filing_inbox")).content.decode()
    pdf = client.get(reverse("notices:filing_receipt_report", args=[receipt.pk]))
    before = timezone.now()
    done = client.post(reverse("notices:filing_receipt", args=[receipt.pk]), {"action": "acknowledge"})
    again = client.post(
        reverse("notices:filing_receipt", args=[receipt.pk]), {"action": "acknowledge"}, follow=True
    )

    assert notice.title in inbox and "市委组织部" in inbox and "查看并签收" in inbox
    assert "市纪委监委" not in inbox  # another organisation's copy of the same filing
    assert "公示结果备案报告" in pdf_text(b"".join(pdf.streaming_content))
    assert done.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == FilingReceiptStatus.ACKNOWLEDGED
    assert before <= receipt.acknowledged_at <= timezone.now()
    assert receipt.answered_by == clerk
    when = timezone.localtime(receipt.acknowledged_at).strftime("%Y-%m-%d %H:%M")
    assert _messages(again) == ["已签收，签收时间已记录。", f"该备案已于 {when} 签收，不能再次办理。"]
    assert FilingReceipt.objects.get(pk=receipt.pk).acknowledged_at == receipt.acknowledged_at
    assert [e.action for e in audit_events_for(receipt)] == [
        "notices.filing.sent",
        "notices.filing.acknowledged",
    ]
    page = again.content.decode()
    assert "已签收" in page and 'value="acknowledge"' not in page


def test_return_needs_a_remark_and_keeps_the_filing_open_without_one(client, world):
    notice, staff = world["notice"], world["staff"]
    notice_file(notice=notice, by=staff)
    receipt = _receipt(notice, "市纪委监委")
    client.force_login(world["clerks"]["市纪委监委"])
    url = reverse("notices:filing_receipt", args=[receipt.pk])

    blank = client.post(url, {"action": "return", "remark": "   "})
    receipt.refresh_from_db()
    status_after_blank = receipt.status
    returned = client.post(url, {"action": "return", "remark": "最终名单缺少综合评分，请补正。"})

    assert blank.status_code == 400
    assert "请填写退回意见，说明需要街道补正的内容。" in blank.content.decode()
    assert status_after_blank == FilingReceiptStatus.SENT
    assert returned.status_code == 302
    receipt.refresh_from_db()
    assert (receipt.status, receipt.remark) == (
        FilingReceiptStatus.RETURNED,
        "最终名单缺少综合评分，请补正。",
    )
    assert receipt.returned_at is not None and receipt.acknowledged_at is None


def test_return_remark_required_in_the_domain_too(world):
    notice_file(notice=world["notice"], by=world["staff"])
    receipt = _receipt(world["notice"], "市委组织部")

    with pytest.raises(Exception) as error:
        filing_receipt_return(receipt=receipt, remark="", by=world["clerks"]["市委组织部"])

    assert error.value.message_dict == {"remark": ["请填写退回意见，说明需要街道补正的内容。"]}
    assert FilingReceipt.objects.get(pk=receipt.pk).status == FilingReceiptStatus.SENT


def test_returned_filing_is_sent_again_only_to_the_recipient_that_returned_it(world):
    notice, staff, clerks = world["notice"], world["staff"], world["clerks"]
    notice_file(notice=notice, by=staff)

    with pytest.raises(ActionRefused) as nothing_returned:
        notice_file(notice=notice, by=staff)
    filing_receipt_acknowledge(receipt=_receipt(notice, "市委组织部"), by=clerks["市委组织部"])
    filing_receipt_return(
        receipt=_receipt(notice, "市纪委监委"), remark="请补盖公章。", by=clerks["市纪委监委"]
    )
    notice_file(notice=notice, by=staff)

    assert nothing_returned.value.messages == ["各接收单位均已收到本公示的备案且未退回，无需重新报送。"]
    rows = list(
        FilingReceipt.objects.filter(notice=notice)
        .order_by("recipient__position", "sent_at")
        .values_list("recipient__name", "status")
    )
    assert rows == [
        ("市委组织部", "acknowledged"),
        ("市纪委监委", "returned"),
        ("市纪委监委", "sent"),
        ("市委社会工作部", "sent"),
    ]
    with pytest.raises(ActionRefused):
        notice_file(notice=notice, by=staff)


def test_another_organisations_clerk_gets_404_and_an_outsider_403(client, world):
    notice_file(notice=world["notice"], by=world["staff"])
    receipt = _receipt(world["notice"], "市委组织部")
    other_street_clerk = UserFactory()
    _c, other_staff = setting()
    filing_recipients_default(other_staff.profile.street)[0].members.add(other_street_clerk)
    urls = [
        reverse("notices:filing_receipt", args=[receipt.pk]),
        reverse("notices:filing_receipt_report", args=[receipt.pk]),
    ]

    client.force_login(world["clerks"]["市纪委监委"])
    same_street_other_org = [client.get(u).status_code for u in urls]
    post = client.post(urls[0], {"action": "acknowledge"})
    client.force_login(other_street_clerk)
    other_street = [client.get(u).status_code for u in urls]
    inbox = client.get(reverse("notices:filing_inbox")).content.decode()
    client.force_login(UserFactory())
    outsider = client.get(reverse("notices:filing_inbox")).status_code
    client.force_login(world["staff"])
    street_staff_acting = client.post(urls[0], {"action": "acknowledge"}).status_code
    client.logout()
    anonymous = client.get(reverse("notices:filing_inbox"))

    assert same_street_other_org == [404, 404]
    assert post.status_code == 404
    assert other_street == [404, 404]
    assert world["notice"].title not in inbox
    assert outsider == 403
    assert street_staff_acting == 403
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert FilingReceipt.objects.get(pk=receipt.pk).status == FilingReceiptStatus.SENT


def test_clerk_lands_on_the_filings_received_after_login(client, world):
    client.force_login(world["clerks"]["市委组织部"])

    response = client.get(reverse("after-login"))

    assert (response.status_code, response["Location"]) == (302, "/filings/")


def test_street_staff_see_each_recipients_status_on_the_notice_and_in_the_filters(client, world):
    notice, staff, clerks = world["notice"], world["staff"], world["clerks"]
    notice_file(notice=notice, by=staff)
    filing_receipt_acknowledge(receipt=_receipt(notice, "市委组织部"), by=clerks["市委组织部"])
    filing_receipt_return(
        receipt=_receipt(notice, "市纪委监委"), remark="请补盖公章。", by=clerks["市纪委监委"]
    )
    client.force_login(staff)
    changelist = reverse("admin:notices_publicnotice_changelist")

    change = client.get(reverse("admin:notices_publicnotice_change", args=[notice.pk])).content.decode()
    listing = client.get(changelist).content.decode()
    returned = client.get(changelist, {"filing": "returned"}).content.decode()
    acknowledged = client.get(changelist, {"filing": "acknowledged"}).content.decode()
    receipts = client.get(reverse("admin:notices_filingreceipt_changelist"), {"status": "returned"})

    table = change.split('id="filing-receipts"')[1].split("</table>")[0]
    assert "市委组织部</td><td>已签收" in table
    assert "市纪委监委</td><td>已退回" in table and "请补盖公章。" in table
    assert "市委社会工作部</td><td>已报送" in table
    assert "市委组织部：已签收、市纪委监委：已退回、市委社会工作部：已报送" in listing
    assert notice.title in returned
    assert notice.title not in acknowledged
    assert receipts.status_code == 200 and "请补盖公章。" in receipts.content.decode()


def test_another_streets_staff_see_no_receipts(client, world):
    notice_file(notice=world["notice"], by=world["staff"])
    client.force_login(street_staff())

    response = client.get(reverse("admin:notices_filingreceipt_changelist"))

    assert response.status_code == 200
    assert world["notice"].title not in response.content.decode()
    assert response.context["cl"].result_count == 0


def test_dossier_shows_each_recipients_status(world):
    notice, staff, clerks = world["notice"], world["staff"], world["clerks"]
    notice_file(notice=notice, by=staff)
    acknowledged = filing_receipt_acknowledge(receipt=_receipt(notice, "市委组织部"), by=clerks["市委组织部"])
    returned = filing_receipt_return(
        receipt=_receipt(notice, "市纪委监委"), remark="请补盖公章。", by=clerks["市纪委监委"]
    )

    section = next(s for s in dossier_sections(world["partner"]) if s.key == "notice")
    filing = next(e for e in section.entries if e.title == "公示结果备案")

    day = cn_date
    assert filing.detail == (
        f"市委组织部：已签收（{day(acknowledged.acknowledged_at)}）；"
        f"市纪委监委：已退回（{day(returned.returned_at)}），退回意见：请补盖公章。；"
        "市委社会工作部：已报送"
    )


def test_api_notice_detail_shows_receipts_and_a_second_send_is_409(client, world):
    notice, staff = world["notice"], world["staff"]
    api = APIClient()
    api.force_authenticate(staff)

    first = api.post(f"/api/public-notices/{notice.pk}/file/")
    second = api.post(f"/api/public-notices/{notice.pk}/file/")
    detail = api.get(f"/api/public-notices/{notice.pk}/").json()

    assert first.status_code == 200
    assert (second.status_code, second.json()) == (
        409,
        {"detail": ["各接收单位均已收到本公示的备案且未退回，无需重新报送。"]},
    )
    assert [(r["recipient"], r["status"]) for r in detail["filing_receipts"]] == [
        (name, "sent") for name in RULEBOOK_THREE
    ]


def test_sending_with_every_recipient_switched_off_is_refused(world):
    FilingRecipient.objects.update(active=False)

    with pytest.raises(Exception) as error:
        notice_file(notice=world["notice"], by=world["staff"])

    assert error.value.messages == ["本街道没有设置报送的备案接收单位，请先在“备案接收单位”中设置。"]
    assert not FilingReceipt.objects.exists()
    assert world["notice"].filed_at is None


def test_acknowledged_time_is_the_systems(world):
    notice_file(notice=world["notice"], by=world["staff"])
    moment = timezone.now() + dt.timedelta(hours=3)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        receipt = filing_receipt_acknowledge(
            receipt=_receipt(world["notice"], "市委组织部"), by=world["clerks"]["市委组织部"]
        )

    assert receipt.acknowledged_at == moment


def test_district_staff_read_the_receipts_of_their_streets_only(client, world):
    district = DistrictFactory()
    street = world["staff"].profile.street
    street.district = district
    street.save(update_fields=["district"])
    notice_file(notice=world["notice"], by=world["staff"])
    url = reverse("admin:notices_filingreceipt_changelist")

    client.force_login(district_staff(district=district))
    own = client.get(url)
    client.force_login(district_staff(district=DistrictFactory()))
    other = client.get(url)

    assert own.status_code == 200 and own.context["cl"].result_count == 3
    assert other.status_code == 200 and other.context["cl"].result_count == 0
