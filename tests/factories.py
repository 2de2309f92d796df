"""Factories for the foundation models: organisations, people, applications, partners.

Each app keeps its own factories in tests/<app>/factories.py and builds on these.
"""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from config.choices import PartnerKind
from config.domain import user_assign_role
from config.models import Community, Role, Street
from partners.models import Application, Partner, RecruitmentCall
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
    call = factory.SubFactory(RecruitmentCallFactory, street=factory.SelfAttribute("..community.street"))
    reference = factory.Sequence(lambda n: f"MLHH-2026-{n:06d}")
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


class PartnerFactory(factory.django.DjangoModelFactory):
    """A partner in `submitted`. Other states are reached through partner_transition."""

    class Meta:
        model = Partner

    community = factory.SubFactory(CommunityFactory)
    application = factory.SubFactory(ApplicationFactory, community=factory.SelfAttribute("..community"))
