import factory

from organisations.models import Organisation, OrganisationSettings, Tier
from tests.factories import CommunityFactory


def registry_on(street):
    """The street keeps the registry (the 长宁 preset, without touching its other pieces)."""
    OrganisationSettings.objects.update_or_create(street=street, defaults={"enabled": True})
    return street


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A registry row as saved; the domain's rules are tested through organisations.domain."""

    class Meta:
        model = Organisation

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"睦邻合唱团{n}")
    tier = Tier.ACTIVITY_TEAM
    members_count = 20
