"""Renewal reminders on Celery beat — rulebook 五(三)2 协议期满前2个月 (issue 8)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from agreements.domain import (
    renewal_reminder_date,
    renewal_reminders_send,
    term_in_renewal_window,
    terms_awaiting_decision,
)
from agreements.models import Agreement, ReminderKind, RenewalReminder
from agreements.tasks import send_renewal_reminders
from messaging.models import MessageStatus, OutboxMessage
from partners.guards import fact
from partners.models import PartnerStatus
from portal.dates import add_months, latest_months_after, local_midnight, local_today
from portal.models import Role
from services.domain import renewal_decision_record
from services.models import Evaluation
from tests.factories import CommunityFactory, SpaceFactory, community_staff, role_user, street_staff

from .factories import active_partner, trial_partner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("today", "end", "inside"),
    [
        (dt.date(2026, 5, 15), dt.date(2026, 7, 15), True),  # exactly 2 months
        (dt.date(2026, 5, 15), dt.date(2026, 7, 16), False),  # one day more
        (dt.date(2026, 5, 15), dt.date(2026, 7, 14), True),  # one day less
        (dt.date(2026, 12, 31), dt.date(2027, 2, 28), True),  # month end: 31 Dec + 2 months → 28 Feb
        (dt.date(2026, 12, 31), dt.date(2027, 3, 1), False),
    ],
)
def test_renewal_window_boundary(today, end, inside):
    community = CommunityFactory()
    term = Agreement(community=community, start_date=dt.date(2025, 1, 1), end_date=end)

    assert term_in_renewal_window(term, today=today) is inside


def test_renewal_window_uses_street_setting():
    community = CommunityFactory(street__renewal_notice_months=3)
    term = Agreement(community=community, start_date=dt.date(2025, 1, 1), end_date=dt.date(2026, 8, 15))

    assert term_in_renewal_window(term, today=dt.date(2026, 5, 15)) is True


MONTH_END_REMINDERS = [
    # (term ends on a month's last day, first reminder day): two calendar months earlier, clamped.
    *[
        (dt.date(2027, m, e), r)
        for m, e, r in [
            (1, 31, dt.date(2026, 11, 30)),
            (2, 28, dt.date(2026, 12, 28)),
            (3, 31, dt.date(2027, 1, 31)),
            (4, 30, dt.date(2027, 2, 28)),
            (5, 31, dt.date(2027, 3, 31)),
            (6, 30, dt.date(2027, 4, 30)),
            (7, 31, dt.date(2027, 5, 31)),
            (8, 31, dt.date(2027, 6, 30)),
            (9, 30, dt.date(2027, 7, 30)),
            (10, 31, dt.date(2027, 8, 31)),
            (11, 30, dt.date(2027, 9, 30)),
            (12, 31, dt.date(2027, 10, 31)),
        ]
    ],
    *[
        (dt.date(2028, m, e), r)
        for m, e, r in [
            (1, 31, dt.date(2027, 11, 30)),
            (2, 29, dt.date(2027, 12, 29)),
            (3, 31, dt.date(2028, 1, 31)),
            (4, 30, dt.date(2028, 2, 29)),
            (5, 31, dt.date(2028, 3, 31)),
            (6, 30, dt.date(2028, 4, 30)),
            (7, 31, dt.date(2028, 5, 31)),
            (8, 31, dt.date(2028, 6, 30)),
            (9, 30, dt.date(2028, 7, 30)),
            (10, 31, dt.date(2028, 8, 31)),
            (11, 30, dt.date(2028, 9, 30)),
            (12, 31, dt.date(2028, 10, 31)),
        ]
    ],
]


@pytest.mark.parametrize(("end", "reminder"), MONTH_END_REMINDERS)
def test_renewal_window_opens_two_calendar_months_before_month_end(end, reminder):
    term = Agreement(community=CommunityFactory(), start_date=dt.date(2026, 1, 1), end_date=end)

    assert renewal_reminder_date(term) == reminder
    assert term_in_renewal_window(term, today=reminder) is True
    assert term_in_renewal_window(term, today=reminder - dt.timedelta(days=1)) is False


def test_reminder_task_selects_month_end_terms_on_their_reminder_day(people):
    """The SQL bound of the task agrees with the window, for every month end of 2027 and 2028."""
    partner, term = active_partner(end=dt.date(2026, 12, 31), months=12, community=people["community"])
    found = {}
    for end, reminder in MONTH_END_REMINDERS:
        Agreement.objects.filter(pk=term.pk).update(end_date=end)
        found[end] = [
            term in terms_awaiting_decision(today=reminder - dt.timedelta(days=1)),
            term in terms_awaiting_decision(today=reminder),
        ]

    assert found == {end: [False, True] for end, _reminder in MONTH_END_REMINDERS}


@pytest.mark.parametrize(
    ("end", "reminder"),
    [(dt.date(2027, 8, 31), dt.date(2027, 6, 30)), (dt.date(2028, 4, 30), dt.date(2028, 2, 29))],
)
def test_reminder_sent_on_month_end_reminder_day_not_the_day_before(monkeypatch, people, end, reminder):
    partner, term = active_partner(end=end, months=12, community=people["community"], by=people["street"])

    # The clock, not a `today` argument: the partner's renewal_window_open fact reads it too.
    _freeze(monkeypatch, local_midnight(reminder) - dt.timedelta(seconds=1))
    before = renewal_reminders_send()
    _freeze(monkeypatch, local_midnight(reminder))
    sent = renewal_reminders_send()

    partner.refresh_from_db()
    assert before == []
    assert [(r.agreement, r.kind) for r in sent] == [(term, ReminderKind.WINDOW)]
    assert partner.status == PartnerStatus.RENEWAL_DUE


def _freeze(monkeypatch, instant):
    monkeypatch.setattr(timezone, "now", lambda: instant)


def test_renewal_window_fact_counts_days_in_asia_shanghai(monkeypatch):
    # 14 May 16:30 UTC is already 15 May 00:30 in Shanghai: the window has opened there.
    _freeze(monkeypatch, dt.datetime(2026, 5, 14, 16, 30, tzinfo=dt.UTC))
    partner, term = active_partner(end=dt.date(2026, 7, 15), months=12)

    assert local_today() == dt.date(2026, 5, 15)
    assert fact("renewal_window_open", partner) is True
    _freeze(monkeypatch, dt.datetime(2026, 5, 14, 15, 59, tzinfo=dt.UTC))  # 14 May 23:59 in Shanghai
    assert fact("renewal_window_open", partner) is False


def test_renewal_window_fact_opens_on_the_clamped_reminder_day(monkeypatch):
    """31 Aug → 30 Jun (Asia/Shanghai), the same day as the reminders."""
    partner, term = active_partner(end=dt.date(2027, 8, 31), months=12)

    _freeze(monkeypatch, local_midnight(dt.date(2027, 6, 30)) - dt.timedelta(seconds=1))
    before = fact("renewal_window_open", partner)
    _freeze(monkeypatch, local_midnight(dt.date(2027, 6, 30)))
    on_the_day = fact("renewal_window_open", partner)

    assert (before, on_the_day) == (False, True)


@pytest.fixture
def people():
    """Who should and should not hear about a partner in 华阳社区."""
    community = CommunityFactory(name="华阳社区")
    other_community = CommunityFactory(street=community.street, name="崇明社区")
    return {
        "community": community,
        "mine": [
            community_staff(community=community, username="shequ1"),
            community_staff(community=community, username="shequ1b"),
        ],
        "street": street_staff(street=community.street, username="jiedao"),
        "others": [
            community_staff(community=other_community, username="shequ2"),
            street_staff(username="other"),
            role_user(Role.OBSERVER, community=community, username="guanchayuan"),
        ],
    }


def _active_ending(people, days_from_today, **kwargs):
    community = people["community"]
    SpaceFactory(community=community, name="党群服务中心二楼活动室")
    return active_partner(
        end=add_months(local_today(), 0) + dt.timedelta(days=days_from_today),
        months=12,
        community=community,
        application__applicant_name="句容市银龄互助服务中心",
        application__email="yinling@example.cn",
        by=people["street"],
        **kwargs,
    )


def test_reminder_marks_active_partner_renewal_due_and_mails_staff_and_partner(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    partner, term = _active_ending(people, 40)

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_renewal_reminders.delay().get()

    partner.refresh_from_db()
    reminder = RenewalReminder.objects.get()
    assert sent == 1
    assert (reminder.agreement, reminder.kind, partner.status) == (
        term,
        ReminderKind.WINDOW,
        PartnerStatus.RENEWAL_DUE,
    )
    # One outbox message per address (issue 17): each staff member gets their own copy.
    assert [m.to for m in mailoutbox] == [
        ["jiedao@example.cn"],
        ["shequ1@example.cn"],
        ["shequ1b@example.cn"],
        ["yinling@example.cn"],
    ]
    end = f"{term.end_date.year}年{term.end_date.month}月{term.end_date.day}日"
    *staff_mails, partner_mail = mailoutbox
    assert {m.subject for m in staff_mails} == {staff_mails[0].subject}
    assert {m.body for m in staff_mails} == {staff_mails[0].body}
    staff_mail = staff_mails[0]
    assert staff_mail.subject == f"【续签提醒】句容市银龄互助服务中心的三方协议将于{end}期满"
    assert (
        f"睦邻合伙人“句容市银龄互助服务中心”（华阳社区）的三方协议 {term.number} 将于 {end} 期满（还有 40 天）。"
        in staff_mail.body
    )
    assert "使用空间：党群服务中心二楼活动室" in staff_mail.body
    assert "《公益服务记录表》" in staff_mail.body and "续签前评估" in staff_mail.body
    assert partner_mail.subject == f"【续签提醒】您的“睦邻合伙人”三方协议将于{end}期满"
    assert "使用空间：党群服务中心二楼活动室" in partner_mail.body and "下一期的服务计划" in partner_mail.body


def test_reminder_for_trial_is_recorded_without_status_change(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    partner, term = trial_partner(
        end=local_today() + dt.timedelta(days=20),
        months=6,
        community=people["community"],
        by=people["street"],
    )

    with django_capture_on_commit_callbacks(execute=True):
        renewal_reminders_send()

    partner.refresh_from_db()
    assert partner.status == PartnerStatus.TRIAL
    assert list(RenewalReminder.objects.values_list("kind", "partner_status")) == [("window", "trial")]
    assert "本期为试用期，期满须经评估合格后方可续签。" in mailoutbox[0].body


@pytest.mark.parametrize(("extra_days", "reminded"), [(0, True), (1, False), (-1, True)])
def test_reminder_window_boundary_in_task(people, extra_days, reminded):
    # The latest end whose window opens today (on a month's last day that is the last day
    # two months on: 30 Jun reminds the term ending 31 Aug).
    end = latest_months_after(local_today(), 2) + dt.timedelta(days=extra_days)
    partner, term = active_partner(end=end, months=12, community=people["community"], by=people["street"])

    renewal_reminders_send()

    partner.refresh_from_db()
    assert RenewalReminder.objects.filter(agreement=term).exists() is reminded
    assert partner.status == (PartnerStatus.RENEWAL_DUE if reminded else PartnerStatus.ACTIVE)


def test_reminder_sent_once_when_run_twice(people, mailoutbox, django_capture_on_commit_callbacks):
    _active_ending(people, 40)

    with django_capture_on_commit_callbacks(execute=True):
        first = renewal_reminders_send()
    with django_capture_on_commit_callbacks(execute=True):
        second = renewal_reminders_send()

    # Three staff and the partner, each their own e-mail (issue 17), once.
    assert (len(first), second, RenewalReminder.objects.count(), len(mailoutbox)) == (1, [], 1, 4)


def test_second_notice_two_weeks_before_end_without_decision(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    partner, term = _active_ending(people, 14)
    RenewalReminder.objects.create(agreement=term, kind=ReminderKind.WINDOW)

    with django_capture_on_commit_callbacks(execute=True):
        renewal_reminders_send()

    end = f"{term.end_date.year}年{term.end_date.month}月{term.end_date.day}日"
    assert list(term.reminders.values_list("kind", flat=True)) == ["window", "two_weeks"]
    assert mailoutbox[0].subject == f"【再次提醒】句容市银龄互助服务中心的三方协议将于{end}期满，尚无续签决定"


def test_no_second_notice_after_decision(people, mailoutbox):
    partner, term = _active_ending(people, 10)
    RenewalReminder.objects.create(agreement=term, kind=ReminderKind.WINDOW)
    evaluation = Evaluation.objects.create(
        partner=partner, agreement=term, kind="renewal", evaluated_on=local_today(), conclusion="pass"
    )
    renewal_decision_record(
        agreement=term, outcome="exit", evaluation=evaluation, decided_on=local_today(), by=people["street"]
    )

    assert renewal_reminders_send() == []


def test_end_date_without_decision_alerts_staff_only_and_keeps_partner(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    partner, term = _active_ending(people, 0)
    for kind in (ReminderKind.WINDOW, ReminderKind.TWO_WEEKS):
        RenewalReminder.objects.create(agreement=term, kind=kind)

    with django_capture_on_commit_callbacks(execute=True):
        renewal_reminders_send()

    partner.refresh_from_db()
    assert partner.status == PartnerStatus.RENEWAL_DUE  # awaiting a decision, never exited silently
    assert [m.to for m in mailoutbox] == [
        ["jiedao@example.cn"],
        ["shequ1@example.cn"],
        ["shequ1b@example.cn"],
    ]
    for mail in mailoutbox:
        assert "系统不会自动办理退出" in mail.body
        assert mail.subject.startswith("【请及时处理】句容市银龄互助服务中心的三方协议已于")


@pytest.mark.django_db(transaction=True)
def test_reminder_sent_once_when_run_concurrently(people, mailoutbox):
    _active_ending(people, 40)
    mailoutbox.clear()  # set-up mail (the partner's account invitation at signing)
    barrier = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(len(renewal_reminders_send()))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    # Three staff and the partner, each their own e-mail (issue 17), once.
    assert (sorted(results), RenewalReminder.objects.count(), len(mailoutbox)) == ([0, 0, 1], 1, 4)


@pytest.mark.django_db(transaction=True)
def test_beat_task_runs_on_real_worker(people, mailoutbox, celery_worker_thread):
    from config.celery import app

    partner, term = _active_ending(people, 40)
    # The set-up mail (the partner's account invitation at signing) goes out through the same
    # worker: let it land before the outbox is emptied, or it counts as a reminder.
    unsent = OutboxMessage.objects.filter(status__in=[MessageStatus.PENDING, MessageStatus.SENDING])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and unsent.exists():
        time.sleep(0.2)
    mailoutbox.clear()
    entry = app.conf.beat_schedule["send-renewal-reminders"]

    app.send_task(entry["task"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(mailoutbox) < 4:
        time.sleep(0.2)

    partner.refresh_from_db()
    assert entry["task"] == send_renewal_reminders.name
    assert RenewalReminder.objects.filter(agreement=term, kind="window").count() == 1
    assert partner.status == PartnerStatus.RENEWAL_DUE
    assert sorted(m.to[0] for m in mailoutbox) == [
        "jiedao@example.cn",
        "shequ1@example.cn",
        "shequ1b@example.cn",
        "yinling@example.cn",
    ]


def test_partner_reminded_in_trial_becomes_due_once_active(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    from partners.domain import partner_transition

    from .factories import with_fact

    partner, term = trial_partner(
        end=local_today() + dt.timedelta(days=30),
        months=12,
        community=people["community"],
        by=people["street"],
    )
    renewal_reminders_send()
    with_fact(
        "trial_evaluation_passed",
        partner_transition,
        partner=partner,
        transition="pass_trial",
        by=people["street"],
    )

    with django_capture_on_commit_callbacks(execute=True):
        sent = renewal_reminders_send()

    partner.refresh_from_db()
    assert (sent, partner.status, len(mailoutbox)) == ([], PartnerStatus.RENEWAL_DUE, 0)
