import pytest

from portal import demo as config_demo
from spaces import demo
from spaces.models import Prospect, ResidentNeed, Space, TimeSlot

pytestmark = pytest.mark.django_db


def counts():
    return (
        Space.objects.count(),
        ResidentNeed.objects.count(),
        Prospect.objects.count(),
        TimeSlot.objects.count(),
    )


def test_demo_load_is_idempotent_and_realistic():
    ctx = {}
    config_demo.load(ctx)

    demo.load(ctx)
    first = counts()
    demo.load(ctx)

    assert counts() == first
    assert first[1] >= 10 and first[2] >= 5
    for community in ctx["communities"]:
        assert 2 <= community.spaces.count() <= 4
