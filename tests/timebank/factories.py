"""Time-bank set-ups: a street running the 成都 preset, individual partners with logs, benefits, volunteers."""

import datetime as dt
from decimal import Decimal

from portal.choices import PartnerKind
from portal.domain import street_programmes_apply
from portal.features import Programme
from services import domain as services_domain
from services.models import LogStatus
from tests.factories import CommunityFactory, StreetFactory, street_staff
from tests.services.factories import make_log, serving_partner
from timebank.models import Account, Benefit, TimeBankSettings, Volunteer


def timebank_street(*, rate="1.00", cap=None, street=None):
    """A street that took the 成都 preset, with its rate and cap."""
    street = street or StreetFactory()
    street_programmes_apply(street=street, programmes=[Programme.CHENGDU], by=None)
    TimeBankSettings.objects.filter(street=street).update(
        points_per_hour=Decimal(rate), yearly_cap=None if cap is None else Decimal(cap)
    )
    return street


def individual_partner(community=None, *, kind=PartnerKind.INDIVIDUAL_OR_TEAM):
    """A serving partner who is a natural person (个人 / 独立型), with its agreement and a space."""
    community = community or CommunityFactory(street=timebank_street())
    return serving_partner(
        "trial", community=community, application__kind=kind, application__applicant_name="张三明"
    )


def submitted_log(partner, agreement, space, *, date=dt.date(2026, 3, 10), start="09:00", end="11:00"):
    return make_log(partner, agreement, space, date=date, start=start, end=end, status=LogStatus.SUBMITTED)


def verify(log, by=None):
    by = by or street_staff(street=log.partner.community.street)
    return services_domain.servicelog_review(log=log, decision=LogStatus.VERIFIED, by=by)


def withdraw(log, by=None, note="核实有误，服务时间与签到表不符"):
    by = by or street_staff(street=log.partner.community.street)
    return services_domain.servicelog_verification_withdraw(log=log, note=note, by=by)


def benefit(community, *, points="10", stock=None, name="理发券"):
    return Benefit.objects.create(community=community, name=name, points=Decimal(points), stock=stock)


def volunteer(community, *, name="王桂兰", mobile="13911110001"):
    return Volunteer.objects.create(community=community, name=name, mobile=mobile)


def funded_account(community, points, *, name="李志愿"):
    """A volunteer's account holding `points`, earned from one verified log (the ledger stays traceable)."""
    from timebank.domain import volunteer_credit_add

    partner, agreement, space = serving_partner("trial", community=community)
    log = make_log(partner, agreement, space, date=dt.date(2026, 3, 10), start="08:00", end="20:00")
    rules = TimeBankSettings.objects.get(street=community.street)
    hours = (Decimal(points) / rules.points_per_hour).quantize(Decimal("0.01"))
    person = volunteer(community, name=name)
    volunteer_credit_add(log=log, volunteer=person, hours=hours, by=street_staff(street=community.street))
    return Account.objects.get(volunteer=person)
