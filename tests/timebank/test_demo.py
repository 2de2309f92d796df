"""The demo step: benefits and volunteers for the second street, and points for whatever verified logs it has."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import CommunityFactory, StreetFactory, UserFactory
from tests.services.factories import make_log
from timebank import demo
from timebank.models import Account, Benefit, Entry, Volunteer, VolunteerCredit

from .factories import individual_partner, timebank_street

pytestmark = pytest.mark.django_db


def ctx_for(street):
    return {"second_street": street, "users": {"admin": UserFactory(is_superuser=True, is_staff=True)}}


def test_demo_step_works_with_no_logs():
    street = timebank_street()
    CommunityFactory(street=street)
    demo.load(ctx_for(street))
    assert Benefit.objects.count() == len(demo.BENEFITS)
    assert Volunteer.objects.count() == len(demo.VOLUNTEERS)
    assert not Entry.objects.exists()


def test_demo_step_credits_logs_verified_before_it_and_is_idempotent():
    street = timebank_street()
    partner, agreement, space = individual_partner(CommunityFactory(street=street))
    make_log(partner, agreement, space, date=dt.date(2026, 3, 10))  # verified before the step
    ctx = ctx_for(street)
    demo.load(ctx)
    demo.load(ctx)
    assert Account.objects.get(partner=partner).balance == Decimal("2.00")
    assert VolunteerCredit.objects.count() == 2
    assert Entry.objects.count() == 3  # the partner's and the two volunteers'
    assert Benefit.objects.count() == len(demo.BENEFITS)


def test_demo_step_leaves_a_street_without_the_programme_without_points():
    street = StreetFactory()
    partner, agreement, space = individual_partner(CommunityFactory(street=street))
    make_log(partner, agreement, space, date=dt.date(2026, 3, 10))
    demo.load(ctx_for(street))
    assert not Entry.objects.exists()
