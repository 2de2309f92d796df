"""Demo step: first agreements for the demo partners waiting to sign.

Only partners in `signing` whose target lies beyond it are moved: a first
agreement with targets and a weekly slot in a demo space, signed by all
three parties → trial. Dates are chosen per target so that later steps and
the reminder task see a realistic picture: a `renewal_due` partner's term
ends within the reminder window, an `active` partner's does not. Each term
is drafted "as of" three days before its start (nothing is backdated beyond
the street's grace), and every trial that the services step evaluates ends
within the evaluation window: the `active` partner's 6-month trial ended
last fortnight and its renewal, drafted from it, is signed and running.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from calls.demo import demo_partners, demo_target
from partners.models import PartnerStatus
from portal.dates import add_months, local_today
from spaces.models import Space

from .domain import agreement_create, agreement_draft_next_term, agreement_sign, agreement_timeslot_add
from .models import Agreement, AgreementKind, Party

BEYOND_SIGNING = {"trial", "active", "renewal_due", "exited"}
# target → (months before today the term started, days added to that start, term length in months)
DATES = {
    "trial": (2, 0, 12),  # ends in 10 months
    "active": (6, -15, 6),  # the trial ended about 15 days ago; a renewal follows it
    "renewal_due": (12, 20, 12),  # ends in about 19 days: evaluation and reminder windows apply
    "exited": (6, 20, 6),  # ends in about 19 days: evaluated, then leaves on request
}
RENEWAL_MONTHS = 12
DRAFTED_BEFORE_START = dt.timedelta(days=3)
SLOT_CHOICES = [
    (weekday, dt.time(hour), dt.time(hour + 2)) for weekday in (1, 3, 5, 0, 2, 4, 6) for hour in (14, 9, 18)
]


def _space(community):
    space = Space.objects.filter(community=community).order_by("id").first()
    if space is None:
        space = Space.objects.create(
            community=community,
            name="党群服务中心多功能活动室",
            address=f"{community.address} 二楼",
            area_m2=60,
        )
    return space


def _targets(application):
    targets = [
        {"metric": "hours", "period": "month", "value": application.hours_per_month or 16},
        {"metric": "residents", "period": "month", "value": application.residents_per_month or 80},
        {"metric": "events", "period": "quarter", "value": (application.events_per_month or 4) * 3},
    ]
    if "elderly" in (application.service_categories or []):
        targets.append(
            {"metric": "special_groups", "period": "month", "value": 30, "target_group": "elderly"}
        )
    elif {"childcare", "youth_education"} & set(application.service_categories or []):
        targets.append(
            {"metric": "special_groups", "period": "month", "value": 30, "target_group": "children"}
        )
    return targets


def _book_slot(agreement, space, by):
    for weekday, start, end in SLOT_CHOICES:
        try:
            with transaction.atomic():
                return agreement_timeslot_add(
                    agreement=agreement, space=space, weekday=weekday, start_time=start, end_time=end, by=by
                )
        except ValidationError:
            continue
    raise ValidationError(f"no free slot in {space}")


def load(ctx):
    clerk = ctx["users"]["shegongzhan"]
    today = local_today()
    for partner in demo_partners().filter(status=PartnerStatus.SIGNING):
        target = demo_target(partner)
        if target not in BEYOND_SIGNING or Agreement.objects.filter(partner=partner).exists():
            continue
        months_ago, days, months = DATES[target]
        start = add_months(today, -months_ago) + dt.timedelta(days=days)
        application = partner.application
        agreement = agreement_create(
            partner=partner,
            kind=AgreementKind.FIRST,
            start_date=start,
            months=months,
            services_description=f"{application.project_title}：{application.plan or '面向社区居民开展公益服务。'}",
            targets=_targets(application),
            by=clerk,
            today=min(start - DRAFTED_BEFORE_START, today),
        )
        _book_slot(agreement, _space(partner.community), clerk)
        _sign(agreement, clerk, signed_on=min(start - DRAFTED_BEFORE_START, today))
        if target == "active":
            # Its renewal starts the day after the trial; the services step concludes the trial.
            renewal = agreement_draft_next_term(term=agreement, months=RENEWAL_MONTHS, by=clerk)
            _sign(renewal, clerk, signed_on=min(renewal.start_date - DRAFTED_BEFORE_START, today))


def _sign(agreement, clerk, *, signed_on):
    partner = agreement.partner
    for party, signatory in (
        (Party.STATION, clerk.get_full_name() or clerk.first_name or "社工站负责人"),
        (Party.COMMUNITY, partner.community.contact_name or "社区负责人"),
        (Party.PARTNER, partner.application.contact_name),
    ):
        agreement_sign(agreement=agreement, party=party, signatory=signatory, signed_on=signed_on, by=clerk)
