"""Factories for the three lists, built on tests/factories.py."""

import datetime as dt

import factory

from portal.choices import PartnerKind, ServiceCategory
from spaces.models import CollectionMethod, Prospect, ResidentNeed, TimeSlot
from tests.factories import CommunityFactory, SpaceFactory  # noqa: F401 (re-exported)


class ResidentNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentNeed

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"希望开设老年人智能手机课{n}")
    category = ServiceCategory.ELDERLY
    collection_method = CollectionMethod.DOOR_TO_DOOR
    collected_by = "睦邻长 王阿姨"
    residents_count = 12
    target_groups = ["elderly"]


class ProspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prospect

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"句容市邻里公益服务社{n}")
    kind = PartnerKind.SOCIAL_ORGANIZATION
    contact_name = "周先生"
    phone = "13905110000"
    email = factory.Sequence(lambda n: f"prospect{n}@example.cn")
    categories = ["elderly"]


class TimeSlotFactory(factory.django.DjangoModelFactory):
    """A weekly Monday 9–11 slot. Use spaces.domain.timeslot_create in tests of the rule."""

    class Meta:
        model = TimeSlot

    space = factory.SubFactory(SpaceFactory)
    weekday = 0
    start_time = dt.time(9)
    end_time = dt.time(11)
    title = "社区议事会"
