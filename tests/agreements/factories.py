"""Agreements built through the domain functions, so every record behind a state exists."""

import datetime as dt

from agreements.domain import agreement_create, agreement_sign, agreement_timeslot_add
from agreements.models import AgreementKind, Party
from partners import guards
from partners.domain import partner_transition
from portal.dates import add_months, local_today, term_end
from spaces.models import Space
from tests.factories import SpaceFactory, partner_in_state, street_staff

TARGETS = [
    {"metric": "hours", "period": "month", "value": 20},
    {"metric": "residents", "period": "month", "value": 120},
    {"metric": "events", "period": "quarter", "value": 6},
    {"metric": "special_groups", "period": "month", "value": 30, "target_group": "elderly"},
]


def start_for_end(end: dt.date, months: int) -> dt.date:
    """A start date whose term of `months` ends exactly on `end`."""
    start = add_months(end + dt.timedelta(days=1), -months)
    for candidate in (start, start - dt.timedelta(days=1), start + dt.timedelta(days=1)):
        if term_end(candidate, months) == end:
            return candidate
    raise ValueError(f"no {months}-month term ends on {end}")


def draft_agreement(
    partner,
    *,
    kind=AgreementKind.FIRST,
    start=None,
    months=12,
    by=None,
    space=None,
    weekday=1,
    targets=TARGETS,
    special_approval=None,
    with_slot=True,
):
    by = by or street_staff(street=partner.community.street)
    start = start or local_today()
    agreement = agreement_create(
        partner=partner,
        kind=kind,
        start_date=start,
        months=months,
        services_description="每周二下午开展智能手机使用课程。",
        targets=targets,
        special_approval=special_approval,
        by=by,
        # Drafted on its start day (or today for a future start): a past term is
        # history being replayed, not a backdated draft (rulebook 五(三)1).
        today=min(start, local_today()),
    )
    if not with_slot:
        return agreement
    space = (
        space
        or Space.objects.filter(community=partner.community).first()
        or SpaceFactory(community=partner.community)
    )
    agreement_timeslot_add(
        agreement=agreement, space=space, weekday=weekday, start_time=dt.time(14), end_time=dt.time(16), by=by
    )
    return agreement


def sign_all(agreement, *, by=None, on=None):
    by = by or street_staff(street=agreement.community.street)
    on = on or local_today()
    # The notice stage is not under test here: its fact is assumed, like walk_partner does.
    for party, name in ((Party.STATION, "吴静"), (Party.COMMUNITY, "李秀英"), (Party.PARTNER, "王小明")):
        with_fact(
            "notice_period_over",
            agreement_sign,
            agreement=agreement,
            party=party,
            signatory=name,
            signed_on=on,
            by=by,
        )
    agreement.refresh_from_db()
    agreement.partner.refresh_from_db()
    return agreement


def with_fact(name, func, *args, **kwargs):
    """Run func with one lifecycle fact (provided by another app) assumed true."""
    with guards.facts_forced({name: True}):
        return func(*args, **kwargs)


def trial_partner(*, start=None, months=12, end=None, by=None, weekday=1, **partner_kwargs):
    """A partner in trial with a signed first agreement (ending on `end` if given)."""
    partner = partner_in_state("signing", by=by, **partner_kwargs)
    if end is not None:
        start = start_for_end(end, months)
    agreement = sign_all(draft_agreement(partner, start=start, months=months, by=by, weekday=weekday), by=by)
    partner.refresh_from_db()
    return partner, agreement


def active_partner(*, by=None, **kwargs):
    """A partner past its trial (the trial evaluation is assumed to have passed)."""
    partner, agreement = trial_partner(by=by, **kwargs)
    by = by or street_staff(street=partner.community.street)
    with_fact("trial_evaluation_passed", partner_transition, partner=partner, transition="pass_trial", by=by)
    partner.refresh_from_db()
    return partner, agreement
