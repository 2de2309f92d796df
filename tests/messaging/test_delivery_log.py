"""The delivery log in the admin, the dossier section, and a provider outage during a request."""

import pytest
from django.urls import reverse

from messaging.domain import Recipient, message_queue, outbox_deliver_due
from messaging.models import OutboxMessage
from portal.dossier import dossier_sections
from tests.factories import CommunityFactory, community_staff, partner_in_state, street_staff

pytestmark = pytest.mark.django_db


def _message(community, *, to="a@example.cn", partner_id=None, cause="test:1"):
    message_queue(
        code="services.logs_due",
        to=[Recipient("email", to)],
        params={"partner": "银龄学堂"},
        cause=cause,
        partner_id=partner_id,
        street_id=community.street_id,
        community_id=community.pk,
    )
    return OutboxMessage.objects.get(recipient=to)


def test_delivery_log_is_scoped_to_the_users_street(client):
    mine, other = CommunityFactory(), CommunityFactory()
    _message(mine, to="mine@example.cn")
    _message(other, to="other@example.cn", cause="test:2")
    client.force_login(street_staff(street=mine.street))

    page = client.get(reverse("admin:messaging_outboxmessage_changelist")).content.decode()

    assert "mine@example.cn" in page and "other@example.cn" not in page
    assert "本月服务记录待提交" in page  # the message's label, not its code


def test_delivery_log_filters_by_status_and_channel(client):
    community = CommunityFactory()
    _message(community, to="waiting@example.cn")
    _message(community, to="gone@example.cn", cause="test:2")
    OutboxMessage.objects.filter(recipient="gone@example.cn").update(status="failed")
    client.force_login(street_staff(street=community.street))
    url = reverse("admin:messaging_outboxmessage_changelist")

    page = client.get(url, {"status__exact": "failed", "channel__exact": "email"}).content.decode()

    assert "gone@example.cn" in page and "waiting@example.cn" not in page


def test_retry_and_cancel_actions(client, settings):
    settings.PORTAL_MESSAGE_CHANNELS = {"email": "dummymail://"}
    community = CommunityFactory()
    failed = _message(community, to="failed@example.cn")
    pending = _message(community, to="pending@example.cn", cause="test:2")
    OutboxMessage.objects.filter(pk=failed.pk).update(status="failed", attempts=8, last_error="timeout")
    client.force_login(street_staff(street=community.street))
    url = reverse("admin:messaging_outboxmessage_changelist")

    client.post(url, {"action": "cancel_messages", "_selected_action": [pending.pk]})
    response = client.post(url, {"action": "retry_messages", "_selected_action": [failed.pk]}, follow=True)

    failed.refresh_from_db()
    pending.refresh_from_db()
    assert "已重新排队 1 条消息。" in response.content.decode()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert (pending.status, pending.last_error) == ("cancelled", "工作人员已取消。")
    outbox_deliver_due()
    failed.refresh_from_db()
    assert failed.status == "sent"


def test_community_staff_cannot_retry_another_communitys_message(client):
    mine, other = CommunityFactory(), CommunityFactory()
    theirs = _message(other, to="other@example.cn")
    OutboxMessage.objects.update(status="failed")
    client.force_login(community_staff(community=mine))

    client.post(
        reverse("admin:messaging_outboxmessage_changelist"),
        {"action": "retry_messages", "_selected_action": [theirs.pk]},
    )

    theirs.refresh_from_db()
    assert theirs.status == "failed"


def test_partner_dossier_lists_its_messages():
    partner = partner_in_state("submitted")
    row = _message(partner.community, partner_id=partner.pk)

    section = next(s for s in dossier_sections(partner) if s.key == "messages")

    assert section.title == "通知消息"
    assert [e.title for e in section.entries][-1] == "本月服务记录待提交（电子邮件，待发送）"
    assert section.entries[-1].url == reverse("admin:messaging_outboxmessage_change", args=[row.pk])


@pytest.mark.parametrize("failure", ["crash", "temporary"])
def test_provider_outage_never_fails_the_request_that_caused_the_message(
    client, settings, django_capture_on_commit_callbacks, failure
):
    """The objection form with every channel down: 302, the objection saved, its messages pending."""
    from notices.models import Objection
    from tests.messaging.conftest import RecordingChannel  # noqa: F401 (registers test-record://)
    from tests.notices.factories import approved_partner, published_notice, setting

    settings.PORTAL_MESSAGE_CHANNELS = {kind: f"test-record://?fail={failure}" for kind in ("email", "sms")}
    settings.PORTAL_SMS_QUIET_HOURS = (0, 0)
    staff = setting()[1]
    notice = published_notice(
        staff=staff, partners=[approved_partner(staff.profile.street.communities.first())]
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("notices:objection_create", args=[notice.pk]),
            {
                "entry": notice.entries.first().pk,
                "grounds": "该机构存在收费行为。",
                "objector_name": "李居民",
                "objector_phone": "13700001111",
                "website": "",
            },
        )

    assert response.status_code == 302
    assert Objection.objects.count() == 1
    rows = OutboxMessage.objects.filter(code__startswith="notices.objection")
    assert {(r.code, r.status, r.attempts) for r in rows} == {
        ("notices.objection_staff", "pending", 1),
        ("notices.objection_received", "pending", 1),
    }
