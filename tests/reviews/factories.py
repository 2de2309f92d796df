"""Factories for the review stage: rubric, roadshow with both panels, reviewers."""

import datetime as dt
from decimal import Decimal

import factory

from portal.models import Role
from reviews.domain import panel_set_members, roadshow_open_scoring, roadshow_set_entries
from reviews.models import Criterion, Panel, PanelKind, Roadshow, Rubric, Seat
from tests.factories import StreetFactory, partner_in_state, role_user, street_staff


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    street = factory.SubFactory(StreetFactory)
    name = "综合评估细则"
    version = factory.Sequence(lambda n: n + 1)


def rubric_with_criteria(street, maxima=(40, 30, 30), weights=None):
    rubric = RubricFactory(street=street)
    titles = ["需求契合度", "公益承诺", "能力与团队", "计划可行性", "可持续性", "过往案例"]
    for i, max_score in enumerate(maxima):
        Criterion.objects.create(
            rubric=rubric,
            position=i,
            title=titles[i],
            max_score=Decimal(max_score),
            weight=Decimal(weights[i]) if weights else Decimal("1"),
        )
    return rubric


class RoadshowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roadshow

    street = factory.SubFactory(StreetFactory)
    title = "2026年第一批睦邻合伙人路演"
    date = factory.LazyFunction(lambda: dt.date(2026, 3, 20))
    place = "崇明街道党群服务中心报告厅"
    rubric = factory.LazyAttribute(lambda o: rubric_with_criteria(o.street))


def reviewer(**kwargs):
    return role_user(Role.REVIEWER, **kwargs)


EXPERT_SEATS = [Seat.CITY_ORGANISATION, Seat.DISCIPLINE, Seat.SOCIAL_WORK, Seat.MEDIA, Seat.DOMAIN_EXPERT]


def setup_roadshow(
    *, street=None, partners=1, experts=3, social=(1, 1, 1), open_scoring=True, rubric=None, staff=None
):
    """A roadshow with `partners` shortlisted applicants and both panels.

    `social` is (community party reps, residents' committee reps, resident reps).
    Returns (roadshow, staff user, [partners], {"expert": [members], "social": [members]}).
    """
    street = street or StreetFactory()
    staff = staff or street_staff(street=street)
    roadshow = RoadshowFactory(street=street, **({"rubric": rubric} if rubric else {}))
    shortlisted = []
    from tests.factories import CommunityFactory

    community = CommunityFactory(street=street)
    for _ in range(partners):
        shortlisted.append(partner_in_state("shortlisted", community=community, by=staff))
    roadshow_set_entries(roadshow=roadshow, partners=shortlisted, by=staff)
    expert = Panel(roadshow=roadshow, kind=PanelKind.EXPERT)
    panel_set_members(
        panel=expert,
        by=staff,
        members=[(reviewer(), EXPERT_SEATS[i % len(EXPERT_SEATS)]) for i in range(experts)],
    )
    party, committee, residents = social
    seats = (
        [Seat.COMMUNITY_PARTY] * party + [Seat.RESIDENTS_COMMITTEE] * committee + [Seat.RESIDENT] * residents
    )
    social_panel = Panel(roadshow=roadshow, kind=PanelKind.SOCIAL)
    panel_set_members(panel=social_panel, by=staff, members=[(reviewer(), s) for s in seats])
    if open_scoring:
        roadshow = roadshow_open_scoring(roadshow=roadshow, by=staff)
    members = {
        "expert": list(expert.members.select_related("user")),
        "social": list(social_panel.members.select_related("user")),
    }
    return roadshow, staff, shortlisted, members


def vetting_clerk(department, **kwargs):
    """A street-staff account of one vetting department (VettingDepartment.members)."""
    user = street_staff(street=department.street, **kwargs)
    department.members.add(user)
    return user
