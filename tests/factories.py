"""Factories for the foundation models: organisations, people, applications, partners.

Each app keeps its own factories in tests/<app>/factories.py and builds on these.
"""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from calls.models import Application, RecruitmentCall
from partners.models import Partner
from portal.choices import PartnerKind
from portal.domain import user_assign_role
from portal.models import Community, Role, Street
from spaces.models import Space


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"崇明街道{n}")
    social_work_station = factory.LazyAttribute(lambda o: f"{o.name}社工站")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"华阳{n}社区")


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"党群服务中心{n}号活动室")
    area_m2 = 60


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "测试"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.django.Password("pw")


def street_staff(street=None, **kwargs):
    user = UserFactory(**kwargs)
    user_assign_role(user=user, role=Role.STREET_STAFF, street=street or StreetFactory(),
                     department="党建工作办公室")
    return user


def community_staff(community=None, **kwargs):
    user = UserFactory(**kwargs)
    user_assign_role(user=user, role=Role.COMMUNITY_STAFF, community=community or CommunityFactory())
    return user


def role_user(role, *, street=None, community=None, **kwargs):
    user = UserFactory(**kwargs)
    user_assign_role(user=user, role=role, street=street, community=community)
    return user


class RecruitmentCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecruitmentCall

    street = factory.SubFactory(StreetFactory)
    title = factory.Sequence(lambda n: f"第{n}批“睦邻合伙人”招募公告")
    body = "面向社会公开招募睦邻合伙人。"
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    status = "published"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    community = factory.SubFactory(CommunityFactory)
    partner = factory.SubFactory("tests.factories.BarePartnerFactory", community=factory.SelfAttribute("..community"))
    call = factory.SubFactory(RecruitmentCallFactory, street=factory.SelfAttribute("..community.street"))
    reference = factory.Sequence(lambda n: f"MLHH-1999-{n:06d}")  # never a real year
    kind = PartnerKind.SOCIAL_ORGANIZATION
    applicant_name = factory.Sequence(lambda n: f"句容市邻里互助服务中心{n}")
    credit_code = "91320100MA1XXXXX0X"
    contact_name = "王小明"
    mobile = "13812345678"
    email = factory.Sequence(lambda n: f"applicant{n}@example.cn")
    project_title = "银龄学堂"
    service_categories = ["elderly"]
    hours_per_month = 20
    residents_per_month = 100
    events_per_month = 4


class BarePartnerFactory(factory.django.DjangoModelFactory):
    """The partner record alone; ApplicationFactory hangs its application on it."""

    class Meta:
        model = Partner

    community = factory.SubFactory(CommunityFactory)


class PartnerFactory(BarePartnerFactory):
    """A partner in `submitted` with its application (customise it with `application__…`).

    Other states are reached through partner_transition.
    """

    application = factory.RelatedFactory(ApplicationFactory, factory_related_name="partner",
                                         community=factory.SelfAttribute("..community"))


# The shortest way through the machine to each state.
PATH_TO = {
    "submitted": [],
    "vetting": ["forward"],
    "shortlisted": ["forward", "shortlist"],
    "rejected": ["forward", "reject"],
    "scored": ["forward", "shortlist", "score"],
    "approved": ["forward", "shortlist", "score", "approve"],
    "not_selected": ["forward", "shortlist", "score", "not_select"],
    "in_notice": ["forward", "shortlist", "score", "approve", "open_notice"],
    "signing": ["forward", "shortlist", "score", "approve", "open_notice", "end_notice"],
    "trial": ["forward", "shortlist", "score", "approve", "open_notice", "end_notice", "sign"],
    "active": ["forward", "shortlist", "score", "approve", "open_notice", "end_notice", "sign",
               "pass_trial"],
    "renewal_due": ["forward", "shortlist", "score", "approve", "open_notice", "end_notice", "sign",
                    "pass_trial", "mark_renewal_due"],
    "withdrawn": ["withdraw"],
}


def walk_partner(partner, state, *, by=None, assume=None):
    """Move `partner` to `state` through real transitions (real history rows).

    The evidence other stages would provide (vetting records, signed
    agreements, …) is assumed true for the walk only, unless listed in
    `assume` with False; facts outside the walk keep their real providers.
    Use it to set up a test of one stage without building every earlier one.
    """
    from decimal import Decimal

    from partners import guards
    from partners.domain import partner_transition

    by = by or street_staff(street=partner.community.street)
    saved = dict(guards._providers)
    forced = {name: True for name in guards.FACTS} | {"objection_open": False, "objection_upheld": False,
                                                      "vetting_failed": True,
                                                      "decision_not_selected": True}
    forced |= assume or {}
    try:
        guards._providers.update({name: (lambda v: (lambda p: v))(value) for name, value in forced.items()})
        for name in PATH_TO[state]:
            kwargs = {"composite_score": Decimal("85.00")} if name == "score" else {}
            note = "测试" if name in ("reject", "not_select") else ""
            partner_transition(partner=partner, transition=name, by=by, note=note, **kwargs)
    finally:
        guards._providers.clear()
        guards._providers.update(saved)
    partner.refresh_from_db()
    return partner


def partner_in_state(state, *, by=None, **factory_kwargs):
    """A new partner already walked to `state` (see walk_partner)."""
    return walk_partner(PartnerFactory(**factory_kwargs), state, by=by)
