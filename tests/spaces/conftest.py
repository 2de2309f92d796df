import pytest

from portal.models import Role
from tests.factories import CommunityFactory, StreetFactory, community_staff, role_user, street_staff


@pytest.fixture
def street():
    return StreetFactory()


@pytest.fixture
def community_a(street):
    return CommunityFactory(street=street, name="华阳社区")


@pytest.fixture
def community_b(street):
    return CommunityFactory(street=street, name="崇明社区")


@pytest.fixture
def staff_a(community_a):
    return community_staff(community=community_a, username="shequ_a")


@pytest.fixture
def staff_b(community_b):
    return community_staff(community=community_b, username="shequ_b")


@pytest.fixture
def street_user(street):
    return street_staff(street=street, username="jiedao_x")


@pytest.fixture
def reviewer(street):
    return role_user(Role.REVIEWER, street=street, username="pingshen_x")
