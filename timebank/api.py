"""REST endpoints of the 成都 time bank (issue 20): accounts and their ledger entries.

Read-only: points are earned by verification and spent at the counter in the admin. Staff
read their scope, an individual partner its own account, only where the street runs the piece.
Volunteers' mobiles are not served (PIPL minimum necessary: the admin shows them to staff).
"""

from rest_framework import serializers, viewsets

from services.api import programme_queryset

from .models import Account, Entry, TimeBankSettings


class TimeBankAccountSerializer(serializers.ModelSerializer):
    holder_name = serializers.CharField(read_only=True)
    holder_kind = serializers.CharField(read_only=True)

    class Meta:
        model = Account
        fields = [
            "id",
            "partner",
            "volunteer",
            "holder_name",
            "holder_kind",
            "community",
            "balance",
            "created_at",
        ]


class TimeBankAccountViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TimeBankAccountSerializer
    filterset_fields = ["partner", "volunteer", "community"]

    def get_queryset(self):
        qs = Account.objects.select_related("partner__application", "volunteer").order_by("community", "id")
        return programme_queryset(self.request.user, qs, feature=TimeBankSettings)


class TimeBankEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = [
            "id",
            "account",
            "kind",
            "points",
            "balance_after",
            "log",
            "credit",
            "redemption",
            "hours",
            "rate",
            "note",
            "created_at",
        ]


class TimeBankEntryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TimeBankEntrySerializer
    filterset_fields = ["account", "kind"]

    def get_queryset(self):
        qs = Entry.objects.order_by("-created_at", "-id")
        return programme_queryset(
            self.request.user,
            qs,
            feature=TimeBankSettings,
            community_path="account__community",
            partner_field="account__partner",
        )


def register(router):
    router.register("timebank-accounts", TimeBankAccountViewSet, basename="timebank-account")
    router.register("timebank-entries", TimeBankEntryViewSet, basename="timebank-entry")
