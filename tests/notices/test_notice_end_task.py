"""The beat task that ends notices (rulebook 五(二)3 → 五(三)1)."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from notices.models import NoticeStatus
from notices.tasks import end_due_notices
from partners.models import PartnerStatus, PartnerTransition
from portal.domain import audit_events_for
from tests.notices.factories import approved_partner, past_notice, published_notice, setting


@pytest.fixture
def staff(db):
    return setting()[1]


@pytest.fixture
def community(staff):
    return staff.profile.street.communities.first()


def test_end_task_twice_moves_once(staff, community):
    first, second = approved_partner(community), approved_partner(community)
    notice = past_notice(staff=staff, partners=[first, second])
    running = published_notice(staff=staff, partners=[approved_partner(community)])

    moved_first_run = end_due_notices()
    history_after_first = PartnerTransition.objects.count()
    moved_second_run = end_due_notices()

    for p in (first, second):
        p.refresh_from_db()
        assert p.status == PartnerStatus.SIGNING
        last = p.transitions.last()
        assert (last.transition, last.actor, last.actor_label) == ("end_notice", None, "系统")
    notice.refresh_from_db()
    running.refresh_from_db()
    assert (moved_first_run, moved_second_run) == (2, 0)
    assert PartnerTransition.objects.count() == history_after_first
    assert notice.status == NoticeStatus.ENDED
    assert running.status == NoticeStatus.PUBLISHED
    assert [e.action for e in audit_events_for(notice)] == [
        "notices.notice.created",
        "notices.notice.published",
        "notices.notice.ended",
    ]


def test_end_task_leaves_notice_before_its_end(staff, community):
    partner = approved_partner(community)
    published_notice(
        staff=staff,
        partners=[partner],
        at=timezone.now() - dt.timedelta(days=4, hours=23, minutes=59),
    )

    assert end_due_notices() == 0
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.IN_NOTICE


def test_end_task_skips_withdrawn_applicant(staff, community):
    from partners.domain import partner_transition

    stays, leaves = approved_partner(community), approved_partner(community)
    past_notice(staff=staff, partners=[stays, leaves])
    partner_transition(partner=leaves, transition="withdraw", by=staff, note="申请人书面撤回")

    assert end_due_notices() == 1
    leaves.refresh_from_db()
    assert leaves.status == PartnerStatus.WITHDRAWN


@pytest.mark.celery_worker
def test_end_task_runs_on_real_worker(celery_worker_thread):
    community, staff = setting()
    partner = approved_partner(community)
    past_notice(staff=staff, partners=[partner])

    end_due_notices.delay()

    # No result backend: watch the database until the worker has done its part.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        partner.refresh_from_db()
        if partner.status == PartnerStatus.SIGNING:
            break
        time.sleep(0.2)
    assert partner.status == PartnerStatus.SIGNING
