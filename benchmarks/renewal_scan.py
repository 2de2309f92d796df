"""Hourly renewal scan (五(三)2): time and queries with many terms, nothing due and some due."""

import datetime as dt
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

STREETS = 50
TERMS = 2_000
DUE = 20


def _build(terms: int, due: int):
    """`terms` signed terms over STREETS streets, bulk-created (a quarter in window, already reminded)."""
    from agreements.models import Agreement, AgreementKind, AgreementStatus, ReminderKind, RenewalReminder
    from partners.models import Partner, PartnerStatus
    from portal.dates import local_today
    from portal.models import Community, Street

    today = local_today()
    streets = Street.objects.bulk_create(
        Street(name=f"基准街道{i}", renewal_notice_months=2 + (i % 3 == 0)) for i in range(STREETS)
    )
    communities = Community.objects.bulk_create(
        Community(street=streets[i % STREETS], name=f"基准社区{i}") for i in range(STREETS * 4)
    )
    plan = []  # (community, status, days to the end, reminded)
    for i in range(terms):
        in_window = i % 4 == 0
        plan.append(
            (
                communities[i % len(communities)],
                PartnerStatus.RENEWAL_DUE if in_window else PartnerStatus.ACTIVE,
                30 if in_window else 100 + i % 600,
                in_window,
            )
        )
    partners = Partner.objects.bulk_create(Partner(community=c, status=s) for c, s, _, _ in plan)
    # The due ones get their application (the reminder mails its address), built by the factory.
    from tests.factories import PartnerFactory

    for i in range(due):
        community = communities[i % len(communities)]
        partner = PartnerFactory(community=community)
        Partner.objects.filter(pk=partner.pk).update(status=PartnerStatus.ACTIVE)
        partners.append(partner)
        plan.append((community, PartnerStatus.ACTIVE, 30, False))
    agreements = Agreement.objects.bulk_create(
        Agreement(
            partner=p,
            community=c,
            kind=AgreementKind.FIRST,
            number=f"BENCH-{i:06d}",
            start_date=today - dt.timedelta(days=300),
            end_date=today + dt.timedelta(days=days),
            status=AgreementStatus.SIGNED,
        )
        for i, (p, (c, _, days, _)) in enumerate(zip(partners, plan, strict=True))
    )
    RenewalReminder.objects.bulk_create(
        RenewalReminder(agreement=a, kind=ReminderKind.WINDOW, partner_status=PartnerStatus.ACTIVE)
        for a, row in zip(agreements, plan, strict=True)
        if row[3]
    )


def _scan():
    from agreements.domain import renewal_reminders_send

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        sent = renewal_reminders_send()
    return time.perf_counter() - start, len(queries), len(sent)


def run():
    from django.db import transaction

    results = []
    with transaction.atomic():
        start = time.perf_counter()
        _build(TERMS, DUE)
        results.append((f"build {TERMS + DUE} terms (bulk_create)", time.perf_counter() - start, "s"))
        elapsed, queries, sent = _scan()
        results += [
            (f"scan, {DUE} due: reminders sent", sent, "reminders"),
            (f"scan, {DUE} due: time", 1000 * elapsed, "ms"),
            (f"scan, {DUE} due: queries", queries, "queries"),
        ]
        for run_number in (1, 2):
            elapsed, queries, sent = _scan()
            results += [
                (f"scan, nothing due (run {run_number}): time", 1000 * elapsed, "ms"),
                (f"scan, nothing due (run {run_number}): queries", queries, "queries"),
            ]
        transaction.set_rollback(True)
    return results
