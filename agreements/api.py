"""REST endpoints: agreements (read) and signatures (record), scoped to the user's communities."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from portal.api import refused_responses
from portal.rules import is_staff_member, scope_queryset
from spaces.domain import describe_slot
from spaces.models import TimeSlot

from .domain import agreement_sign
from .models import Agreement, AgreementSignature, Party, ServiceTarget


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceTarget
        fields = ["metric", "period", "value", "target_group"]


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementSignature
        fields = ["id", "agreement", "party", "signatory", "signed_on", "recorded_at"]


class AgreementSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name")
    months = serializers.IntegerField()
    targets = TargetSerializer(many=True)
    signatures = SignatureSerializer(many=True)
    timeslots = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "number",
            "partner",
            "partner_name",
            "community",
            "kind",
            "status",
            "start_date",
            "end_date",
            "months",
            "previous",
            "services_description",
            "logo_licence",
            "targets",
            "timeslots",
            "signatures",
            "signed_at",
        ]

    def get_timeslots(self, obj) -> list[str]:
        return [describe_slot(slot) for slot in obj.timeslots.all()]


class StaffOnlyMixin:
    def check_permissions(self, request):
        super().check_permissions(request)
        if not is_staff_member.test(request.user):
            raise PermissionDenied()


class AgreementViewSet(StaffOnlyMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AgreementSerializer
    filterset_fields = ["status", "kind", "partner", "community"]

    def get_queryset(self):
        qs = (
            Agreement.objects.select_related("partner__application")
            .prefetch_related(
                "targets",
                "signatures",
                Prefetch("timeslots", queryset=TimeSlot.objects.select_related("partner__application")),
            )
            .order_by("id")
        )
        return scope_queryset(self.request.user, qs, "community")


class SignatureCreateSerializer(serializers.Serializer):
    agreement = serializers.PrimaryKeyRelatedField(queryset=Agreement.objects.none())
    party = serializers.ChoiceField(choices=Party.choices)
    signatory = serializers.CharField(max_length=50)
    signed_on = serializers.DateField()
    scan = serializers.FileField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["agreement"].queryset = scope_queryset(
                request.user, Agreement.objects.all(), "community"
            )


class AgreementSignatureViewSet(
    StaffOnlyMixin, mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    filterset_fields = ["agreement", "party"]

    def get_serializer_class(self):
        return SignatureCreateSerializer if self.action == "create" else SignatureSerializer

    def get_queryset(self):
        qs = AgreementSignature.objects.order_by("id")
        return scope_queryset(self.request.user, qs, "agreement__community")

    @extend_schema(responses=refused_responses(SignatureSerializer, status_code=201))
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signature = agreement_sign(by=request.user, **serializer.validated_data)
        return Response(SignatureSerializer(signature).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("agreements", AgreementViewSet, basename="agreement")
    router.register("agreement-signatures", AgreementSignatureViewSet, basename="agreement-signature")
