"""Verified hours become points at the street's rate, in the verifying transaction (seed 001 时间银行积分)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.choices import PartnerKind
from portal.domain import street_programmes_apply
from portal.exceptions import ActionRefused
from portal.models import AuditEvent
from services.models import LogStatus, ServiceLog
from tests.factories import CommunityFactory, StreetFactory, street_staff
from tests.services.factories import make_log, serving_partner
from timebank.domain import redemption_record, volunteer_credit_add
from timebank.models import Account, Entry, EntryKind, TimeBankSettings, VolunteerCredit

from .factories import (
    benefit,
    individual_partner,
    submitted_log,
    timebank_street,
    verify,
    volunteer,
    withdraw,
)

pytestmark = pytest.mark.django_db


def lines(account):
    return [
        (e.kind, e.points, e.balance_after, e.log_id, e.credit_id)
        for e in Entry.objects.filter(account=account).order_by("pk")
    ]


def test_verifying_an_individual_partners_log_earns_points_at_the_street_rate():
    partner, agreement, space = individual_partner(CommunityFactory(street=timebank_street(rate="1.50")))
    log = submitted_log(partner, agreement, space, start="09:00", end="11:30")
    verify(log)
    account = Account.objects.get(partner=partner)
    entry = Entry.objects.get(account=account)
    assert (entry.kind, entry.points, entry.balance_after, entry.log, entry.hours, entry.rate) == (
        EntryKind.EARNED,
        Decimal("3.75"),
        Decimal("3.75"),
        log,
        Decimal("2.50"),
        Decimal("1.50"),
    )
    assert account.balance == Decimal("3.75")


def test_points_are_written_in_the_verifying_transaction(monkeypatch):
    """A failure after the points were written undoes the verification too (one transaction)."""
    partner, agreement, space = individual_partner()
    log = submitted_log(partner, agreement, space)
    import services.domain

    def fail(log):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(services.domain, "_tell_log_returned", fail)
    staff = street_staff(street=partner.community.street)
    with pytest.raises(RuntimeError):
        services.domain.servicelog_verification_withdraw(log=verify(log, staff), note="有误", by=staff)
    log.refresh_from_db()
    assert log.status == LogStatus.VERIFIED
    assert [k for k, *_rest in lines(Account.objects.get(partner=partner))] == [EntryKind.EARNED]


def test_an_organisations_log_earns_no_points():
    community = CommunityFactory(street=timebank_street())
    partner, agreement, space = individual_partner(community, kind=PartnerKind.SOCIAL_ORGANIZATION)
    verify(submitted_log(partner, agreement, space))
    assert not Account.objects.exists()
    assert not Entry.objects.exists()


def test_a_street_without_the_time_bank_writes_no_entries():
    partner, agreement, space = individual_partner(CommunityFactory(street=StreetFactory()))
    log = verify(submitted_log(partner, agreement, space))
    assert log.status == LogStatus.VERIFIED
    assert not Account.objects.exists()
    assert not Entry.objects.exists()


def test_turning_the_time_bank_off_keeps_entries_and_writes_no_new_ones():
    street = timebank_street()
    partner, agreement, space = individual_partner(CommunityFactory(street=street))
    first = verify(submitted_log(partner, agreement, space, date=dt.date(2026, 3, 10)))
    street_programmes_apply(street=street, programmes=[], by=None)
    assert not TimeBankSettings.objects.get(street=street).enabled
    verify(submitted_log(partner, agreement, space, date=dt.date(2026, 3, 11)))
    withdraw(first)  # nor a reversal
    account = Account.objects.get(partner=partner)
    assert lines(account) == [(EntryKind.EARNED, Decimal("2.00"), Decimal("2.00"), first.pk, None)]
    assert account.balance == Decimal("2.00")


def test_withdrawing_a_verification_writes_a_reversing_entry_and_keeps_the_earned_one():
    partner, agreement, space = individual_partner()
    log = verify(submitted_log(partner, agreement, space))
    withdraw(log)
    log.refresh_from_db()
    account = Account.objects.get(partner=partner)
    assert log.status == LogStatus.QUERIED
    assert lines(account) == [
        (EntryKind.EARNED, Decimal("2.00"), Decimal("2.00"), log.pk, None),
        (EntryKind.REVERSED, Decimal("-2.00"), Decimal("0.00"), log.pk, None),
    ]
    assert Entry.objects.get(kind=EntryKind.REVERSED).note == "核实有误，服务时间与签到表不符"
    assert AuditEvent.objects.filter(
        action="services.servicelog.verification_withdrawn", object_id=str(log.pk)
    ).exists()


def test_a_log_verified_again_after_correction_earns_again_once():
    partner, agreement, space = individual_partner()
    log = verify(submitted_log(partner, agreement, space))
    withdraw(log)
    verify(log)
    account = Account.objects.get(partner=partner)
    assert [(k, p) for k, p, *_rest in lines(account)] == [
        (EntryKind.EARNED, Decimal("2.00")),
        (EntryKind.REVERSED, Decimal("-2.00")),
        (EntryKind.EARNED, Decimal("2.00")),
    ]
    assert account.balance == Decimal("2.00")


def test_only_a_verified_log_can_be_withdrawn_and_a_note_is_required():
    partner, agreement, space = individual_partner()
    log = submitted_log(partner, agreement, space)
    with pytest.raises(ValidationError, match="只有已核实的记录可以撤销核实"):
        withdraw(log)
    verify(log)
    with pytest.raises(ValidationError, match="撤销核实时请填写意见"):
        withdraw(log, note="  ")
    log.refresh_from_db()
    assert log.status == LogStatus.VERIFIED


def test_withdrawal_is_refused_when_the_points_were_already_spent():
    partner, agreement, space = individual_partner()
    community = partner.community
    log = verify(submitted_log(partner, agreement, space, start="09:00", end="12:00"))
    account = Account.objects.get(partner=partner)
    staff = street_staff(street=community.street)
    redemption_record(account=account, benefit=benefit(community, points="2"), by=staff)
    with pytest.raises(ActionRefused) as refused:
        withdraw(log, by=staff)
    assert refused.value.messages == [
        "张三明 已兑换了该记录的部分积分：需冲回 3.00 分，当前余额只有 1.00 分，不能撤销核实。"
    ]
    log.refresh_from_db()
    account.refresh_from_db()
    assert (log.status, account.balance, Entry.objects.filter(kind=EntryKind.REVERSED).count()) == (
        LogStatus.VERIFIED,
        Decimal("1.00"),
        0,
    )


@pytest.mark.parametrize(
    ("cap", "earned"),
    [
        ("6.00", ["2.00", "2.00", "2.00"]),  # exactly at the cap
        ("5.99", ["2.00", "2.00", "1.99"]),  # one cent less: the last log is cut to the room left
        ("6.01", ["2.00", "2.00", "2.00"]),  # one cent more: nothing cut
        ("4.00", ["2.00", "2.00"]),  # the cap reached: the third log earns nothing
    ],
)
def test_the_yearly_cap_counts_points_by_service_year(cap, earned):
    partner, agreement, space = individual_partner(CommunityFactory(street=timebank_street(cap=cap)))
    for day in (10, 11, 12):
        verify(submitted_log(partner, agreement, space, date=dt.date(2026, 3, day)))
    account = Account.objects.get(partner=partner)
    assert [str(p) for k, p, *_rest in lines(account)] == earned
    assert account.balance == sum(Decimal(p) for p in earned)


def test_the_cap_is_noted_on_the_entry_it_cut():
    partner, agreement, space = individual_partner(CommunityFactory(street=timebank_street(cap="3.00")))
    verify(submitted_log(partner, agreement, space, date=dt.date(2026, 3, 10)))
    verify(submitted_log(partner, agreement, space, date=dt.date(2026, 3, 11)))
    assert list(Entry.objects.order_by("pk").values_list("points", "note")) == [
        (Decimal("2.00"), ""),
        (Decimal("1.00"), "已达年度积分上限 3.00 分"),
    ]


# --- Volunteers -----------------------------------------------------------------------------


def test_a_volunteer_credited_on_a_submitted_log_earns_when_it_is_verified():
    community = CommunityFactory(street=timebank_street(rate="2.00"))
    partner, agreement, space = serving_partner("trial", community=community)
    log = submitted_log(partner, agreement, space)
    person = volunteer(community)
    staff = street_staff(street=community.street)
    credit = volunteer_credit_add(log=log, volunteer=person, hours=Decimal("1.50"), by=staff)
    assert not Entry.objects.exists()
    verify(log, staff)
    account = Account.objects.get(volunteer=person)
    assert lines(account) == [(EntryKind.EARNED, Decimal("3.00"), Decimal("3.00"), log.pk, credit.pk)]
    assert AuditEvent.objects.filter(
        action="timebank.volunteer_credit.added", object_id=str(credit.pk)
    ).exists()


def test_a_volunteer_credited_on_a_verified_log_earns_at_once_and_loses_it_on_withdrawal():
    community = CommunityFactory(street=timebank_street())
    partner, agreement, space = serving_partner("trial", community=community)
    log = make_log(partner, agreement, space, date=dt.date(2026, 3, 10))
    person = volunteer(community)
    volunteer_credit_add(
        log=log, volunteer=person, hours=Decimal("2"), by=street_staff(street=community.street)
    )
    withdraw(log)
    account = Account.objects.get(volunteer=person)
    assert [(k, p) for k, p, *_rest in lines(account)] == [
        (EntryKind.EARNED, Decimal("2.00")),
        (EntryKind.REVERSED, Decimal("-2.00")),
    ]


@pytest.mark.parametrize(("hours", "ok"), [("2.00", True), ("2.01", False), ("1.99", True), ("0", False)])
def test_a_volunteer_gives_at_most_the_services_hours(hours, ok):
    community = CommunityFactory(street=timebank_street())
    partner, agreement, space = serving_partner("trial", community=community)
    log = submitted_log(partner, agreement, space)  # 2 hours
    staff = street_staff(street=community.street)
    if ok:
        volunteer_credit_add(log=log, volunteer=volunteer(community), hours=Decimal(hours), by=staff)
        assert VolunteerCredit.objects.count() == 1
        return
    with pytest.raises(ValidationError) as refused:
        volunteer_credit_add(log=log, volunteer=volunteer(community), hours=Decimal(hours), by=staff)
    assert list(refused.value.message_dict) == ["hours"]
    assert not VolunteerCredit.objects.exists()


def test_a_volunteer_is_credited_once_per_log_and_only_in_the_logs_street():
    community = CommunityFactory(street=timebank_street())
    partner, agreement, space = serving_partner("trial", community=community)
    log = submitted_log(partner, agreement, space)
    staff = street_staff(street=community.street)
    person = volunteer(community)
    volunteer_credit_add(log=log, volunteer=person, hours=Decimal("1"), by=staff)
    with pytest.raises(ValidationError) as twice:
        volunteer_credit_add(log=log, volunteer=person, hours=Decimal("1"), by=staff)
    assert twice.value.message_dict == {"volunteer": ["该志愿者已登记过这次服务。"]}
    stranger = volunteer(CommunityFactory(street=timebank_street()), name="外街道")
    with pytest.raises(ValidationError) as elsewhere:
        volunteer_credit_add(log=log, volunteer=stranger, hours=Decimal("1"), by=staff)
    assert elsewhere.value.message_dict == {"volunteer": ["志愿者须属于该服务所在街道。"]}


def test_a_rejected_log_takes_no_volunteer_hours():
    community = CommunityFactory(street=timebank_street())
    partner, agreement, space = serving_partner("trial", community=community)
    log = make_log(partner, agreement, space, date=dt.date(2026, 3, 10), status=LogStatus.REJECTED)
    with pytest.raises(ActionRefused, match="不予认定"):
        volunteer_credit_add(
            log=log,
            volunteer=volunteer(community),
            hours=Decimal("1"),
            by=street_staff(street=community.street),
        )


def test_every_entry_is_traceable_to_its_log_or_redemption():
    """The table itself refuses an entry without its source (CHECK constraint)."""
    from django.db import IntegrityError, transaction

    partner, agreement, space = individual_partner()
    verify(submitted_log(partner, agreement, space))
    account = Account.objects.get(partner=partner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(account=account, kind=EntryKind.EARNED, points=1, balance_after=3)
    assert all(e.log_id or e.redemption_id for e in Entry.objects.all())
    assert ServiceLog.objects.get().timebank_entries.count() == 1
