"""立即结束公示: the beat task's step run by street staff when the worker is down (issue 13)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from notices.models import NoticeStatus
from partners.models import PartnerStatus, PartnerTransition
from portal.domain import audit_events_for
from tests.factories import community_staff
from tests.notices.factories import approved_partner, past_notice, published_notice, setting


@pytest.fixture
def world(db):
    return setting()


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_end_now_ends_notice_as_the_staff_member(client, world):
    community, staff = world
    partners = [approved_partner(community) for _ in range(3)]
    notice = past_notice(staff=staff, partners=partners)
    client.force_login(staff)
    page = client.get(reverse("admin:notices_publicnotice_change", args=[notice.pk])).content.decode()

    response = client.post(reverse("admin:notices_publicnotice_end_now", args=[notice.pk]))

    assert "立即结束公示" in page
    assert response.status_code == 302
    assert _messages(response) == ["已结束 1 个公示，3 名申请人进入待签约。"]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ENDED
    for partner in partners:
        partner.refresh_from_db()
        last = partner.transitions.last()
        assert (partner.status, last.transition, last.actor, last.actor_label) == (
            PartnerStatus.SIGNING,
            "end_notice",
            staff,
            "",
        )
    ended = audit_events_for(notice).get(action="notices.notice.ended")
    assert ended.actor == staff
    assert ended.data == {"signing": [p.pk for p in partners]}


def test_end_now_twice_changes_nothing_the_second_time(client, world):
    community, staff = world
    notice = past_notice(staff=staff, partners=[approved_partner(community)])
    client.force_login(staff)
    url = reverse("admin:notices_publicnotice_end_now", args=[notice.pk])
    client.post(url, follow=True)  # the first run's message is shown and consumed
    transitions, events = PartnerTransition.objects.count(), audit_events_for(notice).count()

    response = client.post(url)

    assert _messages(response) == ["没有需要结束的公示：该公示未到期或已经结束。"]
    assert (PartnerTransition.objects.count(), audit_events_for(notice).count()) == (transitions, events)
    page = client.get(reverse("admin:notices_publicnotice_change", args=[notice.pk])).content.decode()
    assert "立即结束公示" not in page


def test_end_now_not_offered_and_refused_before_the_end(client, world):
    community, staff = world
    partner = approved_partner(community)
    notice = published_notice(staff=staff, partners=[partner])
    client.force_login(staff)

    page = client.get(reverse("admin:notices_publicnotice_change", args=[notice.pk])).content.decode()
    response = client.post(reverse("admin:notices_publicnotice_end_now", args=[notice.pk]))

    assert "立即结束公示" not in page
    assert _messages(response) == ["没有需要结束的公示：该公示未到期或已经结束。"]
    partner.refresh_from_db()
    notice.refresh_from_db()
    assert (notice.status, partner.status) == (NoticeStatus.PUBLISHED, PartnerStatus.IN_NOTICE)


def test_end_now_get_has_no_side_effect(client, world):
    community, staff = world
    notice = past_notice(staff=staff, partners=[approved_partner(community)])
    client.force_login(staff)

    response = client.get(reverse("admin:notices_publicnotice_end_now", args=[notice.pk]))

    notice.refresh_from_db()
    assert response.status_code == 302
    assert notice.status == NoticeStatus.PUBLISHED


@pytest.mark.parametrize("who", ["community_staff", "other_street"])
def test_end_now_forbidden_outside_the_street(client, world, who):
    community, staff = world
    partner = approved_partner(community)
    notice = past_notice(staff=staff, partners=[partner])
    user = community_staff(community=community) if who == "community_staff" else setting()[1]
    client.force_login(user)

    response = client.post(reverse("admin:notices_publicnotice_end_now", args=[notice.pk]))

    assert response.status_code == 403
    notice.refresh_from_db()
    partner.refresh_from_db()
    assert (notice.status, partner.status) == (NoticeStatus.PUBLISHED, PartnerStatus.IN_NOTICE)
