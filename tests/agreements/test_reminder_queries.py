"""The hourly renewal scan at scale (issue 14): its query count does not grow with the data.

Rulebook 五(三)2 (协议期满前2个月): the scan runs every hour over every street's
terms; with nothing due it must cost the same few queries for 3 streets or
for a whole city.
"""

import datetime as dt
from itertools import count

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.domain import renewal_reminders_send
from agreements.models import Agreement, AgreementKind, AgreementStatus, ReminderKind, RenewalReminder
from messaging.models import StaffGroup
from partners.models import Partner, PartnerStatus, PartnerTransition
from portal.dates import local_today
from portal.models import AuditEvent
from spaces.models import TimeSlot
from tests.factories import (
    CommunityFactory,
    PartnerFactory,
    SpaceFactory,
    StreetFactory,
    community_staff,
    street_staff,
)

pytestmark = pytest.mark.django_db

NUMBERS = count()
NOTHING_DUE_QUERIES = 2  # street policy values, the terms in their windows with work left
# Sending: street values, terms (with the kinds already sent, in the same query), staff
# addresses, the terms' time slots with their spaces, staff groups, then in one transaction
# (no savepoint of its own) one INSERT of all reminders, one of all outbox rows and one of
# all audit records, each a single statement however many rows (issue 17: was 6 per
# reminder; issue 14: 18 for a city, was a savepoint, the reminders' prefetch and 500 rows
# per INSERT; the slots' spaces were one more query). Window reminders to active partners
# add their transition to renewal_due, taken for all of them at once
# (partners.domain.partners_transition_many: the partners locked, the renewal window read
# for all, one UPDATE, one INSERT of their history; was 13 per partner), and the dashboard's
# summary rows of their communities, recomputed once for the whole batch at its end in the
# same transaction (portal.batching.coalesced): their streets read and locked in one query,
# three source reads and one INSERT … ON CONFLICT of every row (was 4 more per community,
# then 8 with a savepoint and the streets read apart from their lock).
SENDING_BASE = 8
TRANSITION_BATCH = 4
SUMMARY_BATCH = 5


def _terms(
    streets: int, per_street: int, *, due: int = 0, due_status=PartnerStatus.ACTIVE
) -> list[Agreement]:
    """`streets` streets (renewal notice 2 or 3 months) with `per_street` terms each.

    Per street: half the terms end in 30 days and were already reminded (their
    partners renewal_due), half end in 200 days (window not open). `due` more
    terms, spread over the streets, end in 30 days and have not been reminded.
    """
    today = local_today()
    communities = []
    for i in range(streets):
        community = CommunityFactory(street=StreetFactory(renewal_notice_months=2 + i % 2))
        community_staff(community=community)
        street_staff(street=community.street)
        communities.append(community)
    rows = []  # (community, partner status, days to the end, reminded)
    for community in communities:
        for j in range(per_street):
            in_window = j % 2 == 0
            rows.append(
                (
                    community,
                    PartnerStatus.RENEWAL_DUE if in_window else PartnerStatus.ACTIVE,
                    30 if in_window else 200,
                    in_window,
                )
            )
    for k in range(due):
        rows.append((communities[k % streets], due_status, 30, False))
    terms = []
    for community, status, days, _reminded in rows:
        partner = PartnerFactory(community=community)
        Partner.objects.filter(pk=partner.pk).update(status=status)  # setup only: the scan reads it
        terms.append(
            Agreement(
                partner=partner,
                community=community,
                kind=AgreementKind.FIRST,
                number=f"BENCH-{next(NUMBERS):06d}",
                start_date=today - dt.timedelta(days=300),
                end_date=today + dt.timedelta(days=days),
                status=AgreementStatus.SIGNED,
            )
        )
    Agreement.objects.bulk_create(terms)
    RenewalReminder.objects.bulk_create(
        RenewalReminder(agreement=term, kind=ReminderKind.WINDOW, partner_status=PartnerStatus.ACTIVE)
        for term, row in zip(terms, rows, strict=True)
        if row[3]
    )
    return terms


@pytest.mark.parametrize(("streets", "per_street"), [(3, 2), (6, 10)])
def test_scan_with_nothing_due_costs_the_same_few_queries(django_assert_num_queries, streets, per_street):
    _terms(streets, per_street)

    with django_assert_num_queries(NOTHING_DUE_QUERIES):
        sent = renewal_reminders_send()

    assert sent == []


@pytest.mark.parametrize(("streets", "per_street"), [(3, 2), (6, 10)])
def test_run_now_for_street_staff_costs_the_same_few_queries(django_assert_num_queries, streets, per_street):
    terms = _terms(streets, per_street)
    staff = street_staff(street=terms[0].community.street)
    staff.profile  # noqa: B018 - the logged-in user's profile is loaded with the request

    with django_assert_num_queries(NOTHING_DUE_QUERIES):
        sent = renewal_reminders_send(by=staff)

    assert sent == []


def _scan_queries(streets, per_street, due, due_status=PartnerStatus.ACTIVE):
    _terms(streets, per_street, due=due, due_status=due_status)
    ContentType.objects.get_for_model(Agreement)  # the audit log's content type, cached per process
    with CaptureQueriesContext(connection) as queries:
        sent = renewal_reminders_send()
    assert len(sent) == due
    return len(queries)


@pytest.mark.parametrize(("streets", "per_street", "due"), [(3, 2, 1), (6, 10, 1), (3, 2, 3), (6, 10, 30)])
def test_scan_moving_active_partners_costs_the_same_whatever_the_number(streets, per_street, due):
    """Window reminders to 1 or 30 active partners, over 3 or 6 streets' communities: the same
    queries, the partners' moves and their communities' summary rows included (issue 14)."""
    queries = _scan_queries(streets, per_street, due)

    assert queries == SENDING_BASE + TRANSITION_BATCH + SUMMARY_BATCH
    history = PartnerTransition.objects.filter(transition="mark_renewal_due")
    assert history.count() == due
    assert set(history.values_list("partner__status", "actor_label")) == {(PartnerStatus.RENEWAL_DUE, "系统")}


@pytest.mark.parametrize(("streets", "per_street", "due"), [(3, 2, 1), (6, 10, 40)])
def test_scan_sending_trial_reminders_costs_the_same_whatever_the_number_due(streets, per_street, due):
    """Trial partners are reminded without a transition: reminders, outbox rows and audit
    records are written in bulk, so 1 or 40 reminders cost the same queries (issue 17)."""
    from messaging.models import OutboxMessage

    queries = _scan_queries(streets, per_street, due, due_status=PartnerStatus.TRIAL)

    assert queries == SENDING_BASE
    # Each reminder: its street office and community staff (2 e-mails), the partner's SMS and e-mail.
    assert OutboxMessage.objects.filter(code="agreements.renewal_staff").count() == 2 * due
    assert OutboxMessage.objects.filter(code="agreements.renewal_partner").count() == 2 * due


def _due_terms_with_slots(due: int) -> list[Agreement]:
    """`due` terms of renewal_due partners over 3 streets (one with a WeCom staff group), each
    with a time slot, ending in 30, 10 or 0 days: one, two or three kinds of reminder due."""
    today = local_today()
    communities = []
    for i in range(3):
        community = CommunityFactory(street=StreetFactory(renewal_notice_months=2 + i % 2))
        community_staff(community=community)
        street_staff(street=community.street)
        communities.append(community)
    StaffGroup.objects.create(street=communities[0].street, name="街道工作群", webhook_key="key-0")
    terms = []
    for k in range(due):
        community = communities[k % 3]
        partner = PartnerFactory(community=community)
        Partner.objects.filter(pk=partner.pk).update(status=PartnerStatus.RENEWAL_DUE)
        term = Agreement.objects.create(
            partner=partner,
            community=community,
            kind=AgreementKind.FIRST,
            number=f"BENCH-{next(NUMBERS):06d}",
            start_date=today - dt.timedelta(days=300),
            end_date=today + dt.timedelta(days=(30, 10, 0)[k % 3]),
            status=AgreementStatus.SIGNED,
        )
        space = SpaceFactory(community=community)
        term.timeslots.add(
            TimeSlot.objects.create(
                space=space, partner=partner, weekday=1, start_time=dt.time(14), end_time=dt.time(16)
            )
        )
        terms.append(term)
    return terms


@pytest.mark.parametrize("due", [2, 12])
def test_scan_sending_to_partners_already_due_costs_the_same_whatever_the_number(due):
    """Issue 14: every kind of reminder, their outbox rows and audit records for 2 or 12 terms
    (and so for a city's 1,500) in the same few queries: one read or one INSERT per kind."""
    _due_terms_with_slots(due)
    ContentType.objects.get_for_model(Agreement)  # the audit log's content type, cached per process

    with CaptureQueriesContext(connection) as queries:
        sent = renewal_reminders_send()

    assert len(queries) == SENDING_BASE
    # Ending in 30 days: the window reminder; in 10: and the second notice; today: and the alert.
    kinds = [ReminderKind.WINDOW, ReminderKind.TWO_WEEKS, ReminderKind.END_DATE]
    expected = sum(len(kinds[: k % 3 + 1]) for k in range(due))
    assert len(sent) == RenewalReminder.objects.count() == expected
    assert AuditEvent.objects.filter(action__startswith="agreements.reminder.").count() == expected
    # No second run sends anything again.
    assert renewal_reminders_send() == []
