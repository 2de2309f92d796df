"""REST endpoint of the 长宁 community organisations registry (issue 20): read-only, staff only.

Staff read the registry of their scope where the street keeps it; registering, filing and
revoking happen in the admin through organisations.domain. Contacts are served to staff only.
"""

from rest_framework import serializers, viewsets

from portal.features import streets_with
from portal.rules import scope_q

from .models import Organisation, OrganisationSettings


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "community",
            "name",
            "tier",
            "sector",
            "legal_form",
            "credit_code",
            "rating",
            "activity_area",
            "members_count",
            "contact_name",
            "contact_phone",
            "founded_on",
            "filing_status",
            "filing_number",
            "filed_on",
            "recorded_on",
        ]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    filterset_fields = ["community", "tier", "filing_status"]

    def get_queryset(self):  # scope_q: staff and level staff in their scope, nobody else
        return Organisation.objects.filter(
            scope_q(self.request.user, "community"),
            community__street_id__in=streets_with(OrganisationSettings),
        ).order_by("community", "tier", "name", "id")


def register(router):
    router.register("organisations", OrganisationViewSet, basename="organisation")
