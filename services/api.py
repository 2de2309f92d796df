"""REST endpoints: service logs (partners see their own), feedback (staff), evaluations — scoped."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from partners.models import Partner
from portal.api import refused_responses
from portal.choices import ExitReason
from portal.features import streets_with
from portal.rules import is_staff_member, scope_q, scope_queryset

from . import domain
from . import rules as perms
from .models import DisciplineSignoff, Evaluation, Feedback, PartnerExit, ServiceLog


def _scoped(user, qs, community_path, partner_field="partner", *, street_path=None):
    """Staff: their scope. Partner users: their own partner. Others: nothing."""
    pid = perms.partner_id_of(user)
    query = scope_q(user, community_path, street_path=street_path)
    if pid is not None:
        query |= Q(**{f"{partner_field}_id": pid})
    return qs.filter(query)


def programme_queryset(user, qs, *, feature, community_path="community", partner_field="partner"):
    """An API list of another programme's piece (issue 20): the records `_scoped` allows, of the
    streets that run the piece now — a street that turned it off keeps its records but no
    longer serves them, as its pages answer 404."""
    running = Q(**{f"{community_path}__street_id__in": streets_with(feature)})
    return _scoped(user, qs, community_path, partner_field).filter(running)


class ServiceLogSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    space_name = serializers.CharField(source="space.name", read_only=True)

    class Meta:
        model = ServiceLog
        fields = [
            "id",
            "partner",
            "partner_name",
            "agreement",
            "space",
            "space_name",
            "date",
            "start_time",
            "end_time",
            "hours",
            "category",
            "title",
            "description",
            "residents_served",
            "special_group_residents",
            "special_groups",
            "cost_basis",
            "volunteers",
            "status",
            "warnings",
            "review_note",
        ]
        read_only_fields = ["partner", "agreement", "hours", "status", "warnings", "review_note"]


class ServiceLogInput(serializers.ModelSerializer):
    class Meta:
        model = ServiceLog
        fields = domain.LOG_FIELDS

    def validate(self, attrs):  # the domain function checks the rules
        return attrs

    def run_validators(self, value):
        pass


class ReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[c.value for c in domain.REVIEW_DECISIONS])
    note = serializers.CharField(required=False, allow_blank=True)


class ServiceLogViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Service logs: partners list and create their own; staff list and review logs in scope."""

    serializer_class = ServiceLogSerializer
    filterset_fields = ["status", "partner", "date"]

    def get_queryset(self):
        return _scoped(
            self.request.user,
            ServiceLog.objects.select_related("partner__application", "space"),
            "partner__community",
            street_path="street",
        ).order_by("-date", "-start_time", "-id")  # the admin list's order: servicelog_(street|list)_order

    @extend_schema(
        request=ServiceLogInput, responses=refused_responses(ServiceLogSerializer, status_code=201)
    )
    def create(self, request, *args, **kwargs):
        account = (
            getattr(request.user, "partner_account", None) if perms.partner_id_of(request.user) else None
        )
        if account is None:
            raise ApiPermissionDenied("只有合伙人账号可以通过接口填报。")
        data = ServiceLogInput(data=request.data)
        data.is_valid(raise_exception=True)
        log = domain.servicelog_create(partner=account.partner, data=data.validated_data, by=request.user)
        return Response(ServiceLogSerializer(log).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewInput, responses=refused_responses(ServiceLogSerializer))
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        log = self.get_object()
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        log = domain.servicelog_review(log=log, by=request.user, **data.validated_data)
        return Response(ServiceLogSerializer(log).data)


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["id", "partner", "rating", "comment", "contact", "status", "created_at"]


class FeedbackViewSet(viewsets.ReadOnlyModelViewSet):
    """Suggestion-box notes with their private contact: staff in scope only."""

    serializer_class = FeedbackSerializer
    filterset_fields = ["status", "partner"]

    def get_queryset(self):
        if not is_staff_member(self.request.user):
            return Feedback.objects.none()
        return Feedback.objects.filter(
            scope_q(self.request.user, "partner__community", street_path="street")
        ).order_by("-created_at", "-id")  # the admin list's order: feedback_street_order


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = [
            "id",
            "partner",
            "agreement",
            "kind",
            "evaluated_on",
            "conclusion",
            "remarks",
            "fulfilment_share",
            "satisfaction",
            "feedback_count",
            "observer_rating",
            "observation_count",
            "total_score",
            "scores",
        ]


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Evaluations: staff in scope, and a partner its own."""

    serializer_class = EvaluationSerializer
    filterset_fields = ["partner", "kind", "conclusion"]

    def get_queryset(self):
        return _scoped(self.request.user, Evaluation.objects.all(), "partner__community").order_by(
            "-evaluated_on", "-id"
        )


class PartnerExitInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ExitReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    handover_note = serializers.CharField(required=False, allow_blank=True, default="")
    exit_date = serializers.DateField()
    discipline_signoff = serializers.PrimaryKeyRelatedField(
        queryset=DisciplineSignoff.objects.all(), required=False, allow_null=True, default=None
    )


class PartnerExitSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartnerExit
        fields = [
            "id",
            "partner",
            "reason",
            "exit_date",
            "note",
            "handover_note",
            "discipline_signoff",
            "slots_released",
            "logs_closed",
        ]
        read_only_fields = fields


class PartnerExitViewSet(viewsets.GenericViewSet):
    """POST /api/partners/<id>/exit/: the exit procedure (六(二)3), the API's only door to `exit`.

    The plain transition endpoint refuses `exit` (it would skip the handover,
    the slots, the licence and the account); this one runs
    `services.domain.partner_exit`, exactly as the admin's exit form does.
    """

    def get_queryset(self):
        qs = Partner.objects.select_related("application", "community__street")
        return scope_queryset(self.request.user, qs, "community")

    @extend_schema(request=PartnerExitInput, responses=refused_responses(PartnerExitSerializer))
    @action(detail=True, methods=["post"])
    def exit(self, request, pk=None):
        partner = get_object_or_404(self.get_queryset(), pk=pk)
        data = PartnerExitInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = domain.partner_exit(partner=partner, by=request.user, **data.validated_data)
        return Response(PartnerExitSerializer(record).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("partners", PartnerExitViewSet, basename="partner-exit")
    router.register("service-logs", ServiceLogViewSet, basename="service-log")
    router.register("feedback", FeedbackViewSet, basename="feedback")
    router.register("evaluations", EvaluationViewSet, basename="evaluation")
