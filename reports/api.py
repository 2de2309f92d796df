"""REST endpoints of 晋江 reporting (issue 20): monthly reports, self-evaluations, the fund ledger.

Read-only: reports are compiled, submitted and confirmed on the partner's pages and in the
admin. Staff read their scope, a partner its own, only where the street runs the piece.
"""

from rest_framework import serializers, viewsets

from services.api import programme_queryset

from .models import FundEntry, MonthlyReport, ReportSettings, SelfEvaluation


class MonthlyReportSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "partner",
            "partner_name",
            "community",
            "month",
            "due_on",
            "status",
            "figures",
            "narrative",
            "submitted_at",
            "confirmed_at",
            "return_reason",
        ]


class MonthlyReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MonthlyReportSerializer
    filterset_fields = ["partner", "status", "month"]

    def get_queryset(self):
        qs = MonthlyReport.objects.select_related("partner__application").order_by("-month", "id")
        return programme_queryset(self.request.user, qs, feature=ReportSettings)


class SelfEvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = SelfEvaluation
        fields = [
            "id",
            "partner",
            "community",
            "agreement",
            "kind",
            "status",
            "figures",
            "content",
            "method",
            "submitted_at",
            "decided_at",
            "return_reason",
        ]


class SelfEvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SelfEvaluationSerializer
    filterset_fields = ["partner", "kind", "status"]

    def get_queryset(self):
        qs = SelfEvaluation.objects.order_by("-id")
        return programme_queryset(self.request.user, qs, feature=ReportSettings)


class FundEntrySerializer(serializers.ModelSerializer):
    has_receipt = serializers.SerializerMethodField()

    class Meta:
        model = FundEntry
        fields = [
            "id",
            "partner",
            "community",
            "date",
            "kind",
            "amount",
            "counterparty",
            "description",
            "has_receipt",
            "recorded_at",
        ]

    def get_has_receipt(self, entry) -> bool:
        return bool(entry.receipt)


class FundEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The fund ledger (seed 004): receipts stay behind the admin's private download."""

    serializer_class = FundEntrySerializer
    filterset_fields = ["partner", "kind"]

    def get_queryset(self):
        qs = FundEntry.objects.order_by("-date", "-id")
        return programme_queryset(self.request.user, qs, feature=ReportSettings)


def register(router):
    router.register("monthly-reports", MonthlyReportViewSet, basename="monthly-report")
    router.register("self-evaluations", SelfEvaluationViewSet, basename="self-evaluation")
    router.register("fund-entries", FundEntryViewSet, basename="fund-entry")
