"""Factories for the foundation models: organisations, people, applications, partners.

Each app keeps its own factories in tests/<app>/factories.py and builds on these.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from calls.models import Application, RecruitmentCall
from partners.models import Partner
from partners.workflow import TRANSITIONS, happy_path_facts, shortest_paths
from portal.choices import PartnerKind
from portal.domain import user_assign_role
from portal.models import City, Community, District, Role, Street
from spaces.models import Space


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"镇江{n}市")
    code = factory.Sequence(lambda n: f"C{n:05d}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"句容{n}区")
    code = factory.Sequence(lambda n: f"D{n:05d}")
    city = factory.SubFactory(CityFactory)


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
    user_assign_role(
        user=user, role=Role.STREET_STAFF, street=street or StreetFactory(), department="党建工作办公室"
    )
    return user


def community_staff(community=None, **kwargs):
    user = UserFactory(**kwargs)
    user_assign_role(user=user, role=Role.COMMUNITY_STAFF, community=community or CommunityFactory())
    return user


def district_staff(district=None, **kwargs):
    user = UserFactory(**kwargs)
    user_assign_role(user=user, role=Role.DISTRICT_STAFF, district=district or DistrictFactory())
    return user


def city_staff(city=None, **kwargs):
    user = UserFactory(**kwargs)
    user_assign_role(user=user, role=Role.CITY_STAFF, city=city or CityFactory())
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
    partner = factory.SubFactory(
        "tests.factories.BarePartnerFactory", community=factory.SelfAttribute("..community")
    )
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
        skip_postgeneration_save = True  # the application is attached to the saved partner

    community = factory.SubFactory(CommunityFactory)


class PartnerFactory(BarePartnerFactory):
    """A partner in `submitted` with its application (customise it with `application__…`).

    Other states are reached through partner_transition.
    """

    application = factory.RelatedFactory(
        ApplicationFactory, factory_related_name="partner", community=factory.SelfAttribute("..community")
    )


# The shortest way through the machine to each state, from the workflow's declaration.
PATH_TO = shortest_paths()
# Keyword arguments a walk gives the transitions that write fields (see Transition.writes).
WALK_ARGUMENTS = {"score": {"composite_score": Decimal("85.00")}}


def walk_partner(partner, state, *, by=None, assume=None):
    """Move `partner` to `state` through real transitions (real history rows).

    The evidence other stages would provide (vetting records, signed
    agreements, …) is forced for the walk only, to the values the main line
    needs (`workflow.happy_path_facts`: no objection, everything else true);
    `assume` overrides some of them, e.g. {"notice_period_over": False}.
    Use it to set up a test of one stage without building every earlier one.
    """
    from partners import guards
    from partners.domain import partner_transition

    by = by or street_staff(street=partner.community.street)
    with guards.facts_forced(happy_path_facts() | (assume or {})):
        for name in PATH_TO[state]:
            note = "测试" if TRANSITIONS[name].note_required else ""
            # Stands in for the stage's procedure (decision, notice, …), as the facts do.
            partner_transition(
                partner=partner,
                transition=name,
                by=by,
                note=note,
                procedure=TRANSITIONS[name].procedure,
                **WALK_ARGUMENTS.get(name, {}),
            )
    partner.refresh_from_db()
    return partner


def partner_in_state(state, *, by=None, **factory_kwargs):
    """A new partner already walked to `state` (see walk_partner)."""
    return walk_partner(PartnerFactory(**factory_kwargs), state, by=by)
