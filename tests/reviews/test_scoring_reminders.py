"""The scoring deadline and the reminder the day before it (rulebook 五(二)1, issue 17)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from messaging.domain import message_opt_out
from messaging.models import OutboxMessage
from portal.dates import local_today
from reviews.domain import (
    conflict_declare,
    default_scoring_deadline,
    roadshow_close_scoring,
    roadshow_open_scoring,
    scoring_reminders_send,
)
from reviews.models import Roadshow, RoadshowStatus
from reviews.tasks import send_scoring_reminders

from .conftest import give_score
from .factories import RoadshowFactory, setup_roadshow

pytestmark = pytest.mark.django_db

CODE = "reviews.scoring_closes_tomorrow"
DEADLINE = dt.date(2026, 12, 10)


def _reminded() -> list[str]:
    return sorted(
        OutboxMessage.objects.filter(code=CODE, channel="email").values_list("recipient", flat=True)
    )


def _open_with_deadline(deadline=DEADLINE, **kwargs):
    roadshow, staff, partners, members = setup_roadshow(open_scoring=False, **kwargs)
    roadshow.scoring_deadline = deadline
    roadshow.save(update_fields=["scoring_deadline"])
    roadshow = roadshow_open_scoring(roadshow=roadshow, by=staff)
    return roadshow, staff, partners, [*members["expert"], *members["social"]]


def test_default_deadline_is_three_days_after_the_roadshow_or_after_today():
    roadshow = Roadshow(date=dt.date(2026, 3, 20))

    assert default_scoring_deadline(roadshow, today=dt.date(2026, 3, 19)) == dt.date(2026, 3, 23)
    assert default_scoring_deadline(roadshow, today=dt.date(2026, 3, 20)) == dt.date(2026, 3, 23)
    assert default_scoring_deadline(roadshow, today=dt.date(2026, 3, 21)) == dt.date(2026, 3, 24)


def test_opening_scoring_sets_the_default_deadline_and_keeps_one_staff_set():
    roadshow, *_rest = setup_roadshow()
    assert roadshow.scoring_deadline == max(roadshow.date, local_today()) + dt.timedelta(days=3)

    chosen, *_rest = _open_with_deadline(dt.date(2026, 12, 24))
    chosen.refresh_from_db()
    assert chosen.scoring_deadline == dt.date(2026, 12, 24)


def test_deadline_before_the_roadshow_day_is_refused_and_on_the_day_accepted():
    roadshow = RoadshowFactory(date=dt.date(2026, 3, 20))

    roadshow.scoring_deadline = dt.date(2026, 3, 19)
    with pytest.raises(ValidationError) as refused:
        roadshow.full_clean()
    assert refused.value.message_dict == {"scoring_deadline": ["评分截止日期不能早于路演日期。"]}
    roadshow.scoring_deadline = dt.date(2026, 3, 20)
    roadshow.full_clean()


@pytest.mark.parametrize(
    ("today", "expected"),
    [(dt.date(2026, 12, 8), 0), (dt.date(2026, 12, 9), 6), (dt.date(2026, 12, 10), 0)],
)
def test_reminder_goes_only_the_day_before_the_deadline(today, expected):
    _roadshow, _staff, _partners, members = _open_with_deadline()

    scoring_reminders_send(today=today)

    assert len(_reminded()) == expected
    if expected:
        assert _reminded() == sorted(m.user.email for m in members)


def test_only_reviewers_whose_sheets_are_not_all_submitted_are_reminded():
    _roadshow, _staff, (first, second), members = _open_with_deadline(partners=2)
    done, half_done, conflicted, *rest = members
    give_score(done, first, 80)
    give_score(done, second, 70)
    give_score(half_done, first, 80)  # the second applicant's sheet is still owed
    conflict_declare(member=conflicted, partner=first, has_conflict=True, note="亲属", by=conflicted.user)
    give_score(conflicted, second, 60)  # conflicted on one, submitted the other: owes nothing

    scoring_reminders_send(today=DEADLINE - dt.timedelta(days=1))

    assert _reminded() == sorted(m.user.email for m in [half_done, *rest])
    row = OutboxMessage.objects.filter(code=CODE, recipient=half_done.user.email).get()
    assert "评分明日截止" in row.subject
    assert "您的评分表尚未提交" in row.body


def test_reminder_is_written_once_across_reruns_and_again_for_a_moved_deadline():
    roadshow, *_rest, members = _open_with_deadline()
    eve = DEADLINE - dt.timedelta(days=1)

    first = scoring_reminders_send(today=eve)
    again = scoring_reminders_send(today=eve)
    assert (first, again) == (OutboxMessage.objects.filter(code=CODE).count(), 0)
    assert len(_reminded()) == len(members)

    roadshow.scoring_deadline = DEADLINE + dt.timedelta(days=2)
    roadshow.save(update_fields=["scoring_deadline"])
    scoring_reminders_send(today=eve + dt.timedelta(days=2))
    assert len(_reminded()) == 2 * len(members)


def test_draft_and_closed_roadshows_send_no_reminder():
    draft, *_rest = setup_roadshow(open_scoring=False)
    draft.scoring_deadline = DEADLINE
    draft.save(update_fields=["scoring_deadline"])
    closed, staff, (partner,), members = _open_with_deadline()
    for member in members:
        give_score(member, partner, 80)
    roadshow_close_scoring(roadshow=closed, by=staff)
    closed.refresh_from_db()
    assert (draft.status, closed.status) == (RoadshowStatus.DRAFT, RoadshowStatus.CLOSED)

    assert scoring_reminders_send(today=DEADLINE - dt.timedelta(days=1)) == 0
    assert _reminded() == []


def test_a_reviewer_who_opted_out_gets_no_reminder():
    _roadshow, _staff, _partners, members = _open_with_deadline()
    message_opt_out(address=members[0].user.email)

    scoring_reminders_send(today=DEADLINE - dt.timedelta(days=1))

    row = OutboxMessage.objects.get(code=CODE, recipient=members[0].user.email)
    assert row.status == "cancelled"
    assert OutboxMessage.objects.filter(code=CODE, status="pending").count() == len(members) - 1


def test_beat_runs_the_reminder_task_hourly_in_the_daytime(monkeypatch):
    from config.celery import app

    entry = app.conf.beat_schedule["send-scoring-reminders"]
    assert entry["task"] == send_scoring_reminders.name
    assert sorted(entry["schedule"].hour) == list(range(9, 21))

    _roadshow, *_rest, members = _open_with_deadline(local_today() + dt.timedelta(days=1))
    assert send_scoring_reminders.delay().get() == OutboxMessage.objects.filter(code=CODE).count()
    assert send_scoring_reminders.delay().get() == 0
    assert len(_reminded()) == len(members)


def test_reviewer_page_shows_the_deadline(client):
    _roadshow, _staff, _partners, members = _open_with_deadline()
    roadshow = members[0].panel.roadshow
    client.force_login(members[0].user)

    page = client.get(reverse("reviews:roadshow", args=[roadshow.pk])).content.decode()

    # One date format on every page (issue 16): 2026年12月10日 in Chinese.
    assert "评分截止日期：2026年12月10日（当天结束前提交评分表）" in page


def test_a_run_killed_midway_leaves_nothing_and_the_next_run_sends_all(monkeypatch):
    from reviews.domain import scoring as scoring_domain

    _first, *_rest, first_members = _open_with_deadline()
    _second, *_rest, second_members = _open_with_deadline()
    real = scoring_domain._tell_reviewers
    calls = []

    def dies_on_the_second_roadshow(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise SystemExit("worker killed")  # like a SIGKILL: the run's transaction never commits
        return real(*args, **kwargs)

    monkeypatch.setattr(scoring_domain, "_tell_reviewers", dies_on_the_second_roadshow)
    with pytest.raises(SystemExit):
        scoring_reminders_send(today=DEADLINE - dt.timedelta(days=1))
    assert _reminded() == []

    monkeypatch.setattr(scoring_domain, "_tell_reviewers", real)
    scoring_reminders_send(today=DEADLINE - dt.timedelta(days=1))
    assert _reminded() == sorted(m.user.email for m in [*first_members, *second_members])
