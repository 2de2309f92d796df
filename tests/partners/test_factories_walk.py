import pytest

from partners import guards
from partners.models import PartnerStatus
from tests.factories import PATH_TO, partner_in_state


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(PATH_TO))
def test_partner_in_state_reaches_state_with_history(state):
    providers_before = guards.providers()

    partner = partner_in_state(state)

    assert partner.status == state
    assert partner.transitions.count() == len(PATH_TO[state])
    assert guards.providers() == providers_before
    assert state in PartnerStatus.values
