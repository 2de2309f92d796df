"""Run-now buttons of the agreements app: 立即生成 PDF and 立即检查到期 (issue 13)."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from agreements.models import AgreementDocument, ReminderKind, RenewalReminder
from partners.models import PartnerStatus
from portal.dates import local_today
from portal.domain import audit_events_for
from tests.factories import CommunityFactory, community_staff, partner_in_state, street_staff
from tests.utils import pdf_text

from .factories import active_partner, draft_agreement

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- 立即生成 PDF ---------------------------------------------------------------


@pytest.fixture
def agreement():
    partner = partner_in_state("signing", application__applicant_name="句容市银龄互助服务中心")
    return draft_agreement(partner, start=dt.date(2026, 3, 1), months=12)


def test_render_pdf_now_renders_the_current_version(client, agreement):
    client.force_login(street_staff(street=agreement.community.street))
    page = client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk])).content.decode()

    response = client.post(reverse("admin:agreements_agreement_render_pdf", args=[agreement.pk]))

    assert "立即生成 PDF" in page
    assert _messages(response) == ["已生成协议文本（PDF）。"]
    document = AgreementDocument.objects.get(agreement=agreement)
    with document.file.open("rb") as pdf:
        assert "句容市银龄互助服务中心" in pdf_text(pdf.read()).replace("\n", "")
    page = client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk])).content.decode()
    assert "立即生成 PDF" not in page


def test_render_pdf_now_twice_renders_once(client, agreement):
    client.force_login(street_staff(street=agreement.community.street))
    url = reverse("admin:agreements_agreement_render_pdf", args=[agreement.pk])
    client.post(url, follow=True)  # the first run's message is shown and consumed

    response = client.post(url)

    assert _messages(response) == ["协议文本（PDF）已是最新版本，无需重新生成。"]
    assert AgreementDocument.objects.filter(agreement=agreement).count() == 1


def test_render_pdf_now_get_renders_nothing(client, agreement):
    client.force_login(street_staff(street=agreement.community.street))

    client.get(reverse("admin:agreements_agreement_render_pdf", args=[agreement.pk]))

    assert not AgreementDocument.objects.exists()


@pytest.mark.parametrize("who", ["other_community", "other_street"])
def test_render_pdf_now_forbidden_outside_scope(client, agreement, who):
    if who == "other_community":
        user = community_staff(community=CommunityFactory(street=agreement.community.street))
    else:
        user = street_staff()
    client.force_login(user)

    response = client.post(reverse("admin:agreements_agreement_render_pdf", args=[agreement.pk]))

    assert response.status_code == 403
    assert not AgreementDocument.objects.exists()


# --- 立即检查到期 -----------------------------------------------------------------


@pytest.fixture
def due_term():
    community = CommunityFactory()
    staff = street_staff(street=community.street)
    partner, term = active_partner(
        end=local_today() + dt.timedelta(days=40),
        months=12,
        community=community,
        application__email="yinling@example.cn",
        by=staff,
    )
    return staff, partner, term


def test_reminders_run_now_marks_renewal_due_as_the_staff_member(
    client, due_term, mailoutbox, django_capture_on_commit_callbacks
):
    staff, partner, term = due_term
    client.force_login(staff)
    changelist = reverse("admin:agreements_renewalreminder_changelist")
    page = client.get(changelist).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:agreements_renewalreminder_run_now"))

    assert "有 1 份协议已到续签提醒时间" in page and "立即检查到期" in page
    assert _messages(response) == ["已发送 1 条续签提醒，1 名合伙人进入续签期。"]
    partner.refresh_from_db()
    last = partner.transitions.last()
    assert (partner.status, last.transition, last.actor) == (
        PartnerStatus.RENEWAL_DUE,
        "mark_renewal_due",
        staff,
    )
    assert RenewalReminder.objects.get().kind == ReminderKind.WINDOW
    assert audit_events_for(term).get(action="agreements.reminder.window").actor == staff
    assert len(mailoutbox) == 2
    assert "立即检查到期" not in client.get(changelist).content.decode()


def test_reminders_run_now_twice_sends_once(client, due_term, mailoutbox, django_capture_on_commit_callbacks):
    staff, partner, term = due_term
    client.force_login(staff)
    url = reverse("admin:agreements_renewalreminder_run_now")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, follow=True)  # the first run's message is shown and consumed

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert _messages(response) == ["没有到期需要提醒的协议。"]
    assert RenewalReminder.objects.count() == 1
    assert partner.transitions.filter(transition="mark_renewal_due").count() == 1
    assert len(mailoutbox) == 2


def test_reminders_run_now_acts_only_on_the_staff_members_street(client, due_term):
    staff, partner, term = due_term
    client.force_login(street_staff())

    page = client.get(reverse("admin:agreements_renewalreminder_changelist")).content.decode()
    response = client.post(reverse("admin:agreements_renewalreminder_run_now"))

    partner.refresh_from_db()
    assert "立即检查到期" not in page
    assert _messages(response) == ["没有到期需要提醒的协议。"]
    assert (partner.status, RenewalReminder.objects.count()) == (PartnerStatus.ACTIVE, 0)


def test_reminders_run_now_forbidden_to_community_staff(client, due_term):
    staff, partner, term = due_term
    client.force_login(community_staff(community=term.community))

    page = client.get(reverse("admin:agreements_renewalreminder_changelist")).content.decode()
    response = client.post(reverse("admin:agreements_renewalreminder_run_now"))

    assert "立即检查到期" not in page
    assert response.status_code == 403
    assert RenewalReminder.objects.count() == 0
