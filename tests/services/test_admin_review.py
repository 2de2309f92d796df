"""Verify, return or reject a service log where it is, and moderate a suggestion on its page (issue 16)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from services.models import Feedback, FeedbackStatus, LogStatus
from tests.factories import community_staff, street_staff

from .factories import make_log, partner_user, serving_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending():
    partner, agreement, space = serving_partner("trial")
    log = make_log(partner, agreement, space, date=dt.date(2026, 2, 2), status=LogStatus.SUBMITTED)
    return log, community_staff(community=partner.community)


def review(client, log, decision, note=""):
    return client.post(
        reverse("admin:services_servicelog_review", args=[log.pk]),
        {"decision": decision, "note": note},
        follow=True,
    )


def test_log_page_offers_the_three_decisions_as_large_buttons(client, pending):
    log, staff = pending
    client.force_login(staff)

    page = client.get(reverse("admin:services_servicelog_change", args=[log.pk])).content.decode()

    for value, text in [("verified", "核实"), ("queried", "退回补正"), ("rejected", "不予认定")]:
        assert f'name="decision" value="{value}" class="big-button' in page
        assert f">{text}</button>" in page


def test_verify_on_the_log_page(client, pending):
    log, staff = pending
    client.force_login(staff)

    response = review(client, log, "verified")

    log.refresh_from_db()
    assert (log.status, log.reviewed_by) == (LogStatus.VERIFIED, staff)
    assert "已将“2026-02-02 智能手机课”标记为“已核实”。" in response.content.decode()
    assert 'value="verified"' not in response.content.decode()  # nothing left to decide


def test_return_needs_a_reason_and_keeps_what_was_typed(client, pending):
    log, staff = pending
    client.force_login(staff)

    response = review(client, log, "queried", note="   ")

    log.refresh_from_db()
    assert log.status == LogStatus.SUBMITTED
    page = response.content.decode()
    assert "退回补充或不予认定时请填写意见。" in page
    assert 'value="queried"' in page  # the buttons are still there


def test_return_with_a_reason_tells_the_partner(client, pending, django_capture_on_commit_callbacks):
    log, staff = pending
    account = partner_user(log.partner)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        review(client, log, "queried", note="缺少签到表")

    log.refresh_from_db()
    assert (log.status, log.review_note) == (LogStatus.QUERIED, "缺少签到表")
    assert [m.to for m in mail.outbox] == [[account.email]]
    assert "缺少签到表" in mail.outbox[0].body


def test_reject_on_the_log_page(client, pending):
    log, staff = pending
    client.force_login(staff)

    review(client, log, "rejected", note="活动与协议内容无关")

    log.refresh_from_db()
    assert log.status == LogStatus.REJECTED


def test_review_of_another_communitys_log_is_not_found(client, pending):
    log, _staff = pending
    client.force_login(community_staff())

    response = client.post(
        reverse("admin:services_servicelog_review", args=[log.pk]), {"decision": "verified"}
    )

    assert response.status_code == 404
    log.refresh_from_db()
    assert log.status == LogStatus.SUBMITTED


def test_a_decided_log_is_refused_with_a_message(client, pending):
    log, staff = pending
    client.force_login(staff)
    review(client, log, "verified")

    response = review(client, log, "rejected", note="重复")

    assert "该记录已处理（已核实），不能再次核实。" in response.content.decode()
    log.refresh_from_db()
    assert log.status == LogStatus.VERIFIED


def test_bulk_return_asks_the_reason_once(client, pending):
    log, staff = pending
    other = make_log(
        log.partner, log.agreement, log.space, date=dt.date(2026, 2, 3), status=LogStatus.SUBMITTED
    )
    client.force_login(staff)
    url = reverse("admin:services_servicelog_changelist")

    response = client.post(
        url, {"action": "query", "_selected_action": [log.pk, other.pk], "note": ""}, follow=True
    )

    page = response.content.decode()
    assert page.count("退回补充或不予认定时请填写意见。") == 1
    client.post(url, {"action": "query", "_selected_action": [log.pk, other.pk], "note": "照片不清晰"})
    log.refresh_from_db()
    other.refresh_from_db()
    assert [log.status, other.status] == [LogStatus.QUERIED, LogStatus.QUERIED]
    assert [log.review_note, other.review_note] == ["照片不清晰", "照片不清晰"]


def test_bulk_verify_needs_no_reason(client, pending):
    log, staff = pending
    client.force_login(staff)

    client.post(
        reverse("admin:services_servicelog_changelist"), {"action": "verify", "_selected_action": [log.pk]}
    )

    log.refresh_from_db()
    assert log.status == LogStatus.VERIFIED


def test_suggestion_approved_or_hidden_on_its_page(client):
    partner, _agreement, _space = serving_partner("trial")
    shown = Feedback.objects.create(partner=partner, rating=5, comment="老师很耐心")
    hidden = Feedback.objects.create(partner=partner, rating=1, comment="含手机号13800000000")
    staff = street_staff(street=partner.community.street)
    client.force_login(staff)

    page = client.get(reverse("admin:services_feedback_change", args=[shown.pk])).content.decode()
    assert 'value="approve" class="big-button big-button-primary">公开显示</button>' in page
    client.post(reverse("admin:services_feedback_moderate", args=[shown.pk]), {"decision": "approve"})
    client.post(reverse("admin:services_feedback_moderate", args=[hidden.pk]), {"decision": "hide"})

    shown.refresh_from_db()
    hidden.refresh_from_db()
    assert [shown.status, hidden.status] == [FeedbackStatus.APPROVED, FeedbackStatus.REJECTED]
    page = client.get(reverse("admin:services_feedback_change", args=[shown.pk])).content.decode()
    assert 'value="approve"' not in page
