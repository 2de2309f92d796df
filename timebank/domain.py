"""Write and read functions of the time bank (时间银行积分) — 成都 programme (seed 001), on rulebook 六.

“将社区合伙人参与社区志愿服务的时间折算为积分，通过‘服务换积分，积分存银行，累积兑权益’
的方式……” (seed 001, 合作机制). The hours counted are the verified ones only
(rulebook 六(一)2 服务量化, 六(二)1 公益服务记录表): a log's points are written
in the transaction that verifies it, and reversed in the one that withdraws the
verification. A street that does not run the programme writes no entries; the
entries it has keep.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from partners.models import Partner
from portal.domain import audit_log, require
from portal.exceptions import ActionRefused
from portal.features import feature_enabled
from portal.rules import can_manage_in_scope
from services.models import LogStatus, ServiceLog

from .models import (
    Account,
    Benefit,
    Entry,
    EntryKind,
    Redemption,
    TimeBankSettings,
    Volunteer,
    VolunteerCredit,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from portal.models import Street

CENT = Decimal("0.01")
# Credits may be entered while the log waits for checking; rejected and closed logs never count.
CREDITABLE_LOG_STATUSES = [LogStatus.SUBMITTED, LogStatus.QUERIED, LogStatus.VERIFIED]


def points_text(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


def timebank_settings(street: Street | int | None) -> TimeBankSettings | None:
    """The street's numbers if it runs the time bank, else None."""
    settings_row = TimeBankSettings.for_street(street)
    return settings_row if settings_row.enabled and settings_row.pk else None


def _account_for(*, partner: Partner | None = None, volunteer: Volunteer | None = None) -> Account:
    """The holder's account, opened at its first entry (one per person: the OneToOne keys)."""
    if partner is not None:
        account, _created = Account.objects.get_or_create(
            partner=partner, defaults={"community_id": partner.community_id}
        )
    else:
        account, _created = Account.objects.get_or_create(
            volunteer=volunteer, defaults={"community_id": volunteer.community_id}
        )
    return account


def _post(*, account: Account, kind: str, points: Decimal, by: User | None, **links) -> Entry:
    """Write one ledger line and move the balance, on the locked account row.

    The balance is never negative: checked here with the row locked (two
    redemptions at once are serialised), and by the table's CHECK constraint.
    """
    account = Account.objects.select_for_update().get(pk=account.pk)
    balance = account.balance + points
    if balance < 0:
        raise ActionRefused(
            _("积分不足：当前余额 %(balance)s 分，本次需要 %(points)s 分。")
            % {"balance": points_text(account.balance), "points": points_text(-points)}
        )
    account.balance = balance
    account.save(update_fields=["balance"])
    return Entry.objects.create(
        account=account, kind=kind, points=points, balance_after=balance, recorded_by=by, **links
    )


def _net_for(account: Account, log: ServiceLog, credit: VolunteerCredit | None) -> Decimal:
    """Points the account still holds from `log` (earned minus reversed)."""
    total = Entry.objects.filter(account=account, log=log, credit=credit).aggregate(total=Sum("points"))[
        "total"
    ]
    return total or Decimal("0")


def _earned_in_year(account: Account, year: int) -> Decimal:
    total = Entry.objects.filter(
        account=account, kind__in=[EntryKind.EARNED, EntryKind.REVERSED], log__date__year=year
    ).aggregate(total=Sum("points"))["total"]
    return total or Decimal("0")


def _earn(
    *, account: Account, log: ServiceLog, hours: Decimal, rules: TimeBankSettings, credit=None, by=None
) -> Entry | None:
    """Credit `hours` of `log` at the street's rate, within the yearly cap; nothing twice for one log."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    if _net_for(account, log, credit) > 0:
        return None  # already holds this log's points
    points = (hours * rules.points_per_hour).quantize(CENT, rounding=ROUND_HALF_UP)
    note = ""
    if rules.yearly_cap is not None:
        room = max(rules.yearly_cap - _earned_in_year(account, log.date.year), Decimal("0"))
        if points > room:
            points = room
            note = _("已达年度积分上限 %(cap)s 分") % {"cap": points_text(rules.yearly_cap)}
    if points <= 0:
        return None
    return _post(
        account=account,
        kind=EntryKind.EARNED,
        points=points,
        by=by,
        log=log,
        credit=credit,
        hours=hours,
        rate=rules.points_per_hour,
        note=note,
    )


def _reverse(*, account: Account, log: ServiceLog, credit=None, note: str = "", by=None) -> Entry | None:
    account = Account.objects.select_for_update().get(pk=account.pk)
    held = _net_for(account, log, credit)
    if held <= 0:
        return None
    if account.balance < held:
        raise ActionRefused(
            _(
                "%(holder)s 已兑换了该记录的部分积分：需冲回 %(points)s 分，当前余额只有 %(balance)s 分，"
                "不能撤销核实。"
            )
            % {
                "holder": account.holder_name,
                "points": points_text(held),
                "balance": points_text(account.balance),
            }
        )
    return _post(
        account=account, kind=EntryKind.REVERSED, points=-held, by=by, log=log, credit=credit, note=note
    )


def _earners(log: ServiceLog):
    """(account holder kwargs, hours, credit) for everyone a verified log earns points for."""
    if log.partner.is_individual:
        yield {"partner": log.partner}, log.hours, None
    for credit in VolunteerCredit.objects.filter(log=log).select_related("volunteer"):
        yield {"volunteer": credit.volunteer}, credit.hours, credit


def points_for_verified_log(*, log: ServiceLog, by: User | None = None) -> list[Entry]:
    """A verified log earns points: the individual partner's hours (个人 / 独立型合伙人) and each
    volunteer's credited hours, at the street's `points_per_hour` (seed 001 时间银行积分;
    only verified hours count, rulebook 六(一)2). Runs inside the verifying transaction.
    Nothing is written when the street does not run the time bank."""
    rules = timebank_settings(log.partner.community.street_id)
    if rules is None or log.status != LogStatus.VERIFIED:
        return []
    entries = []
    for holder, hours, credit in _earners(log):
        entry = _earn(account=_account_for(**holder), log=log, hours=hours, rules=rules, credit=credit, by=by)
        if entry is not None:
            entries.append(entry)
    return entries


def points_for_withdrawn_log(*, log: ServiceLog, by: User | None = None) -> list[Entry]:
    """A withdrawn verification takes its points back with reversing lines (never by deleting the
    earned ones), inside the withdrawing transaction. Refused when a holder has already spent them:
    the balance never goes below zero. Nothing is written when the street does not run the time bank."""
    if timebank_settings(log.partner.community.street_id) is None:
        return []
    entries = []
    links = (
        Entry.objects.filter(log=log, kind=EntryKind.EARNED).values_list("account_id", "credit_id").distinct()
    )
    for account_id, credit_id in sorted(set(links), key=lambda pair: pair[0]):
        entry = _reverse(
            account=Account(pk=account_id),
            log=log,
            credit=VolunteerCredit(pk=credit_id) if credit_id else None,
            note=log.review_note,
            by=by,
        )
        if entry is not None:
            entries.append(entry)
    return entries


# --- Volunteers and their hours -------------------------------------------------------------


@transaction.atomic
def volunteer_save(*, volunteer: Volunteer, by: User) -> Volunteer:
    """Staff register (or correct) a resident who volunteers at services (seed 001: 社区志愿服务)."""
    require(can_manage_in_scope.test(by, volunteer), _("您不能为该社区登记志愿者。"))
    created = volunteer.pk is None
    volunteer.name, volunteer.mobile = (volunteer.name or "").strip(), (volunteer.mobile or "").strip()
    volunteer.full_clean()
    volunteer.save()
    audit_log(
        subject=volunteer,
        action="timebank.volunteer.registered" if created else "timebank.volunteer.changed",
        actor=by,
        community=volunteer.community,
    )
    return volunteer


@transaction.atomic
def timebank_settings_update(*, settings_row: TimeBankSettings, by: User) -> TimeBankSettings:
    """The street sets its rate (积分折算标准) and yearly cap; switching on/off is the programme preset's."""
    require(
        by.has_perm("timebank.change_timebanksettings", settings_row), _("您不能修改该街道的时间银行设置。")
    )
    settings_row.full_clean()
    settings_row.save(update_fields=["points_per_hour", "yearly_cap", "updated_at"])
    audit_log(
        subject=settings_row.street,
        action="timebank.settings.changed",
        actor=by,
        data={
            "points_per_hour": str(settings_row.points_per_hour),
            "yearly_cap": None if settings_row.yearly_cap is None else str(settings_row.yearly_cap),
        },
    )
    return settings_row


def volunteer_credit_add(
    *, log: ServiceLog, volunteer: Volunteer, hours: Decimal, by: User
) -> VolunteerCredit:
    """Staff credit a volunteer's hours at one logged service; a verified log earns their points at once.

    A volunteer gives at most the service's own hours, belongs to the log's street, and is credited
    once per log; rejected or closed logs never count (rulebook 六(一)2).
    """
    require(can_manage_in_scope.test(by, log), _("您不能为该服务记录登记志愿者。"))
    errors = {}
    if hours is None or hours <= 0:
        errors["hours"] = _("请填写大于 0 的服务时数。")
    elif hours > log.hours:
        errors["hours"] = _("志愿服务时数不能超过该次服务的时数（%(hours)s 小时）。") % {"hours": log.hours}
    if volunteer.community.street_id != log.partner.community.street_id:
        errors["volunteer"] = _("志愿者须属于该服务所在街道。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        log = ServiceLog.objects.select_for_update().select_related("partner__community").get(pk=log.pk)
        if log.status not in CREDITABLE_LOG_STATUSES:
            raise ActionRefused(
                _("该服务记录为“%(status)s”，不能登记志愿服务时数。") % {"status": log.get_status_display()}
            )
        if VolunteerCredit.objects.filter(log=log, volunteer=volunteer).exists():
            raise ValidationError({"volunteer": _("该志愿者已登记过这次服务。")})
        credit = VolunteerCredit.objects.create(log=log, volunteer=volunteer, hours=hours, recorded_by=by)
        audit_log(
            subject=credit,
            action="timebank.volunteer_credit.added",
            actor=by,
            community=volunteer.community,
            data={"log": log.pk, "hours": str(hours)},
        )
        rules = timebank_settings(log.partner.community.street_id)
        if rules is not None and log.status == LogStatus.VERIFIED:
            _earn(
                account=_account_for(volunteer=volunteer),
                log=log,
                hours=hours,
                rules=rules,
                credit=credit,
                by=by,
            )
    return credit


# --- Benefits and redemption --------------------------------------------------------------


@transaction.atomic
def benefit_save(*, benefit: Benefit, by: User) -> Benefit:
    """The community lists (or changes) a benefit residents may redeem points for (seed 001 累积兑权益)."""
    require(can_manage_in_scope.test(by, benefit), _("您不能管理该社区的兑换项目。"))
    created = benefit.pk is None
    benefit.full_clean()
    benefit.save()
    audit_log(
        subject=benefit,
        action="timebank.benefit.created" if created else "timebank.benefit.changed",
        actor=by,
        community=benefit.community,
        data={"points": str(benefit.points), "stock": benefit.stock, "active": benefit.active},
    )
    return benefit


def redemption_record(*, account: Account, benefit: Benefit, note: str = "", by: User) -> Redemption:
    """Staff hand a benefit to the account holder at the counter and take its points (seed 001 积分兑权益).

    Only within the street that runs the time bank, for a listed benefit in stock,
    and never beyond the balance: the account and the benefit are locked (in that
    order) so two redemptions at once cannot both spend the same points or the last item.
    """
    require(can_manage_in_scope.test(by, benefit), _("您不能办理该社区的积分兑换。"))
    street_id = benefit.community.street_id
    if not feature_enabled(TimeBankSettings, street_id):
        raise ActionRefused(_("本街道未启用时间银行积分。"))
    if account.community.street_id != street_id:
        raise ValidationError({"benefit": _("只能兑换本街道社区的兑换项目。")})
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        benefit = Benefit.objects.select_for_update().get(pk=benefit.pk)
        if not benefit.active:
            raise ValidationError({"benefit": _("该兑换项目已下架。")})
        if not benefit.in_stock:
            raise ValidationError({"benefit": _("该兑换项目已兑完。")})
        if account.balance < benefit.points:
            raise ValidationError(
                _("积分不足：%(holder)s 当前余额 %(balance)s 分，兑换“%(name)s”需要 %(points)s 分。")
                % {
                    "holder": account.holder_name,
                    "balance": points_text(account.balance),
                    "name": benefit.name,
                    "points": points_text(benefit.points),
                }
            )
        redemption = Redemption.objects.create(
            account=account, benefit=benefit, points=benefit.points, note=(note or "").strip(), recorded_by=by
        )
        _post(account=account, kind=EntryKind.REDEEMED, points=-benefit.points, by=by, redemption=redemption)
        if benefit.stock is not None:
            benefit.stock -= 1
            benefit.save(update_fields=["stock", "updated_at"])
        audit_log(
            subject=redemption,
            action="timebank.redemption.recorded",
            actor=by,
            community=account.community,
            data={"benefit": benefit.pk, "points": str(benefit.points)},
        )
    return redemption


# --- Read functions ------------------------------------------------------------------------


def account_entries(account: Account):
    """The account's ledger, newest first, with what each line comes from."""
    return Entry.objects.filter(account=account).select_related("log", "redemption__benefit")


def partner_points(partner: Partner) -> Account | None:
    return Account.objects.filter(partner=partner).first()


def benefits_listed(community_id: int):
    """What the community offers, cheapest first (the public list)."""
    return Benefit.objects.filter(community_id=community_id, active=True).filter(
        Q(stock__isnull=True) | Q(stock__gt=0)
    )
