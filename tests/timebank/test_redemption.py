"""Redemption at the counter: never beyond the balance, never below zero, never twice for the same points."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from portal.domain import street_programmes_apply
from portal.exceptions import ActionRefused
from portal.models import AuditEvent
from tests.factories import CommunityFactory, community_staff, street_staff
from timebank.domain import redemption_record
from timebank.models import Account, Benefit, Entry, EntryKind, Redemption

from .factories import benefit, funded_account, timebank_street

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(street=timebank_street())


def test_redeeming_exactly_the_balance_leaves_zero(community):
    account = funded_account(community, "10.00")
    gift = benefit(community, points="10.00", stock=3)
    staff = community_staff(community)
    redemption = redemption_record(account=account, benefit=gift, note="本人领取", by=staff)
    account.refresh_from_db()
    gift.refresh_from_db()
    entry = Entry.objects.get(kind=EntryKind.REDEEMED)
    assert (account.balance, gift.stock, redemption.points, redemption.recorded_by) == (
        Decimal("0.00"),
        2,
        Decimal("10.00"),
        staff,
    )
    assert (entry.points, entry.balance_after, entry.redemption, entry.log) == (
        Decimal("-10.00"),
        Decimal("0.00"),
        redemption,
        None,
    )
    assert AuditEvent.objects.filter(
        action="timebank.redemption.recorded", object_id=str(redemption.pk)
    ).exists()


def test_one_cent_beyond_the_balance_is_refused_with_the_balance(community):
    account = funded_account(community, "9.99")
    gift = benefit(community, points="10.00", stock=3, name="爱心礼包")
    with pytest.raises(ValidationError) as refused:
        redemption_record(account=account, benefit=gift, by=community_staff(community))
    assert refused.value.messages == ["积分不足：李志愿 当前余额 9.99 分，兑换“爱心礼包”需要 10.00 分。"]
    account.refresh_from_db()
    gift.refresh_from_db()
    assert (account.balance, gift.stock, Redemption.objects.count()) == (Decimal("9.99"), 3, 0)


def test_one_cent_below_the_balance_leaves_that_cent(community):
    account = funded_account(community, "10.01")
    redemption_record(
        account=account, benefit=benefit(community, points="10.00"), by=community_staff(community)
    )
    account.refresh_from_db()
    assert account.balance == Decimal("0.01")


def test_the_balance_can_never_be_negative_in_the_table(community):
    account = funded_account(community, "1.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=Decimal("-0.01"))


def test_the_last_item_and_a_withdrawn_benefit_are_refused(community):
    account = funded_account(community, "10.00")
    staff = community_staff(community)
    last = benefit(community, points="1", stock=1, name="理发券")
    redemption_record(account=account, benefit=last, by=staff)
    with pytest.raises(ValidationError) as gone:
        redemption_record(account=account, benefit=last, by=staff)
    assert gone.value.message_dict == {"benefit": ["该兑换项目已兑完。"]}
    withdrawn = benefit(community, points="1", name="旧项目")
    Benefit.objects.filter(pk=withdrawn.pk).update(active=False)
    withdrawn.refresh_from_db()
    with pytest.raises(ValidationError) as off_list:
        redemption_record(account=account, benefit=withdrawn, by=staff)
    assert off_list.value.message_dict == {"benefit": ["该兑换项目已下架。"]}
    account.refresh_from_db()
    assert account.balance == Decimal("9.00")


def test_redemption_is_refused_when_the_street_turned_the_time_bank_off(community):
    account = funded_account(community, "5.00")
    gift = benefit(community, points="1")
    street_programmes_apply(street=community.street, programmes=[], by=None)
    with pytest.raises(ActionRefused, match="本街道未启用时间银行积分"):
        redemption_record(account=account, benefit=gift, by=street_staff(street=community.street))
    assert Entry.objects.filter(kind=EntryKind.REDEEMED).count() == 0


def test_staff_redeem_only_in_their_scope(community):
    account = funded_account(community, "5.00")
    gift = benefit(community, points="1")
    other = community_staff(CommunityFactory(street=community.street))
    with pytest.raises(PermissionDenied):
        redemption_record(account=account, benefit=gift, by=other)


def test_a_benefit_of_another_street_is_refused(community):
    account = funded_account(community, "5.00")
    elsewhere = CommunityFactory(street=timebank_street())
    with pytest.raises(ValidationError) as refused:
        redemption_record(
            account=account, benefit=benefit(elsewhere, points="1"), by=street_staff(street=elsewhere.street)
        )
    assert refused.value.message_dict == {"benefit": ["只能兑换本街道社区的兑换项目。"]}


@pytest.mark.django_db(transaction=True)
def test_two_redemptions_racing_for_the_same_points_let_only_one_through():
    """Two counters redeem the same 10 points at the same moment, each on its own connection."""
    community = CommunityFactory(street=timebank_street())
    account = funded_account(community, "10.00")
    gifts = [benefit(community, points="10.00", name=f"礼包{i}") for i in range(2)]
    staff = community_staff(community)
    start = threading.Barrier(2)
    outcomes = []

    def counter(gift):
        try:
            start.wait()
            redemption_record(account=Account.objects.get(pk=account.pk), benefit=gift, by=staff)
            outcomes.append("ok")
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=counter, args=(gift,)) for gift in gifts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    account.refresh_from_db()
    assert sorted(outcomes) == [
        "ok",
        "积分不足：李志愿 当前余额 0.00 分，兑换“礼包1”需要 10.00 分。",
    ] or sorted(outcomes) == ["ok", "积分不足：李志愿 当前余额 0.00 分，兑换“礼包0”需要 10.00 分。"]
    assert (account.balance, Redemption.objects.count()) == (Decimal("0.00"), 1)
    assert list(
        Entry.objects.filter(account=account).order_by("pk").values_list("balance_after", flat=True)
    ) == [
        Decimal("10.00"),
        Decimal("0.00"),
    ]


@pytest.mark.django_db(transaction=True)
def test_two_redemptions_racing_for_the_last_item_let_only_one_through():
    community = CommunityFactory(street=timebank_street())
    accounts = [funded_account(community, "5.00", name=f"志愿者{i}") for i in range(2)]
    last = benefit(community, points="1", stock=1)
    staff = community_staff(community)
    start = threading.Barrier(2)
    outcomes = []

    def counter(account):
        try:
            start.wait()
            redemption_record(account=account, benefit=Benefit.objects.get(pk=last.pk), by=staff)
            outcomes.append("ok")
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=counter, args=(account,)) for account in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    last.refresh_from_db()
    assert sorted(outcomes) == ["ok", "该兑换项目已兑完。"]
    assert (last.stock, Redemption.objects.count()) == (0, 1)
