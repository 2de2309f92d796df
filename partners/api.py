"""The partner lifecycle over REST: read partners and their history, take transitions."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import refused_responses
from portal.choices import ExitReason
from portal.rules import scope_queryset

from . import workflow
from .domain import available_transitions, blocked_transitions, partner_transition
from .models import Partner, PartnerTransition


class PartnerTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = PartnerTransition
        fields = ["transition", "from_state", "to_state", "actor", "note", "created_at"]

    def get_actor(self, obj) -> str:
        return obj.actor.get_username() if obj.actor_id else obj.actor_label


class PartnerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="application.applicant_name", read_only=True)
    kind = serializers.CharField(source="application.kind", read_only=True)
    reference = serializers.CharField(source="application.reference", read_only=True)
    project_title = serializers.CharField(source="application.project_title", read_only=True)
    community = serializers.CharField(source="community.name", read_only=True)
    # "" until the partner exits: the schema says so (ExitReasonEnum or the blank value).
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Partner
        fields = [
            "id",
            "reference",
            "name",
            "kind",
            "project_title",
            "community",
            "status",
            "composite_score",
            "exit_reason",
            "status_changed_at",
        ]
        read_only_fields = fields


class BlockedTransitionSerializer(serializers.Serializer):
    transition = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class PartnerDetailSerializer(PartnerSerializer):
    available_transitions = serializers.SerializerMethodField()
    blocked_transitions = serializers.SerializerMethodField()

    class Meta(PartnerSerializer.Meta):
        fields = [*PartnerSerializer.Meta.fields, "available_transitions", "blocked_transitions"]
        read_only_fields = fields

    def get_available_transitions(self, obj) -> list[str]:
        """The transitions this user may take now (guards met, permitted)."""
        return [t.name for t in available_transitions(obj, self.context["request"].user)]

    @extend_schema_field(BlockedTransitionSerializer(many=True))
    def get_blocked_transitions(self, obj):
        """Next steps this user may take once the listed conditions are met."""
        return [
            {"transition": label, "reasons": reasons}
            for label, reasons in blocked_transitions(obj, self.context["request"].user)
        ]


class TransitionInputSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=sorted(workflow.TRANSITIONS))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.ChoiceField(choices=ExitReason.choices, required=False)
    expected_status = serializers.CharField(required=False)


class PartnerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Partners in the user's scope (street staff: their street; community staff: their community)."""

    filterset_fields = ["status", "community"]

    def get_serializer_class(self):
        return PartnerSerializer if self.action == "list" else PartnerDetailSerializer

    def get_queryset(self):
        qs = Partner.objects.select_related("application", "community__street").order_by("-id")
        return scope_queryset(self.request.user, qs, "community")

    @extend_schema(request=TransitionInputSerializer, responses=refused_responses(PartnerDetailSerializer))
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        partner = get_object_or_404(self.get_queryset(), pk=pk)
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kwargs = {}
        spec = workflow.TRANSITIONS[data.validated_data["transition"]]
        if spec.needs_reason:
            kwargs["reason"] = data.validated_data.get("reason")
        partner_transition(
            partner=partner,
            transition=data.validated_data["transition"],
            by=request.user,
            note=data.validated_data["note"],
            expected_status=data.validated_data.get("expected_status"),
            **kwargs,
        )
        partner.refresh_from_db()
        return Response(self.get_serializer(partner).data)

    @extend_schema(responses=refused_responses(PartnerTransitionSerializer(many=True), codes=(403, 404)))
    # The whole history, unpaginated (so the schema must not say "paginated" either).
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        partner = get_object_or_404(self.get_queryset(), pk=pk)
        rows = partner.transitions.select_related("actor").order_by("created_at", "id")
        return Response(PartnerTransitionSerializer(rows, many=True).data)


def register(router):
    router.register("partners", PartnerViewSet, basename="partner")
