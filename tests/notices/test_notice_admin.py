"""The notice admin: drafting, publishing, refusals shown as messages."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from notices.models import NoticeStatus, PublicNotice
from partners.domain import partner_transition
from partners.models import PartnerStatus
from tests.notices.factories import approved_partner, draft_notice, setting


@pytest.fixture
def world(db):
    return setting()


def test_notice_admin_publish_moves_listed_partners_into_notice(client, world):
    community, staff = world
    partners = [approved_partner(community), approved_partner(community)]
    notice = draft_notice(staff=staff, partners=partners)
    client.force_login(staff)

    response = client.post(reverse("admin:notices_publicnotice_publish", args=[notice.pk]))

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED
    for partner in partners:
        partner.refresh_from_db()
        assert partner.status == PartnerStatus.IN_NOTICE
        assert partner.transitions.last().data["notice"] == notice.pk


def test_notice_admin_publish_refused_when_applicant_withdrew(client, world):
    community, staff = world
    stays, leaves = approved_partner(community), approved_partner(community)
    notice = draft_notice(staff=staff, partners=[stays, leaves])
    partner_transition(partner=leaves, transition="withdraw", by=staff, note="撤回")
    client.force_login(staff)

    response = client.post(reverse("admin:notices_publicnotice_publish", args=[notice.pk]))

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [f"{leaves.name}：当前状态“已撤回”下不能执行“进入公示”。"]
    notice.refresh_from_db()
    stays.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT
    assert stays.status == PartnerStatus.APPROVED  # nothing half-done


def test_notice_admin_published_notice_is_view_only(client, world):
    community, staff = world
    notice = draft_notice(staff=staff, partners=[approved_partner(community)])
    client.force_login(staff)
    client.post(reverse("admin:notices_publicnotice_publish", args=[notice.pk]))

    page = client.get(reverse("admin:notices_publicnotice_change", args=[notice.pk])).content.decode()
    post = client.post(reverse("admin:notices_publicnotice_change", args=[notice.pk]), {"title": "改"})

    assert 'name="title"' not in page
    assert "查看公开页面" in page
    assert post.status_code == 403
    assert PublicNotice.objects.get().title == notice.title


def test_notice_admin_offers_only_approved_partners(client, world):
    community, staff = world
    approved = approved_partner(community)
    from tests.factories import partner_in_state

    scored = partner_in_state("scored", community=community)
    client.force_login(staff)

    page = client.get(reverse("admin:notices_publicnotice_add")).content.decode()

    assert approved.name in page
    assert scored.name not in page


def test_notice_admin_buttons_post_forms_outside_the_change_form(client, world):
    community, staff = world
    notice = draft_notice(staff=staff, partners=[approved_partner(community)])
    client.force_login(staff)

    page = client.get(reverse("admin:notices_publicnotice_change", args=[notice.pk])).content.decode()

    main_form_end = page.index("</form>", page.index('id="publicnotice_form"'))
    assert page.index('<form id="notice-publish"') > main_form_end
    assert 'form="notice-publish"' in page


def test_notice_admin_objection_assign_and_note(client, world):
    from portal.domain import audit_events_for
    from tests.notices.factories import file_objection, published_notice

    community, staff = world
    notice = published_notice(staff=staff, partners=[approved_partner(community)])
    objection = file_objection(notice)
    client.force_login(staff)

    response = client.post(
        reverse("admin:notices_objection_change", args=[objection.pk]),
        {"assigned_to": staff.pk, "investigation_note": "已约谈申请人。"},
    )

    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.assigned_to, objection.investigation_note) == (staff, "已约谈申请人。")
    event = list(audit_events_for(objection))[-1]
    assert (event.action, event.actor, event.note) == (
        "notices.objection.investigated",
        staff,
        "已约谈申请人。",
    )
