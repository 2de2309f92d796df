"""REST endpoints of the review stage: roadshows, vetting checks, score sheets, decisions.

Querysets are scoped (street staff: their street; community staff: read-only
vetting of their communities; reviewers: their own roadshows and sheets).
Write actions call the domain functions; their refusals reach the client through
portal.api.exception_handler.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from partners.models import Partner
from portal.api import refused_responses
from portal.models import Role
from portal.rules import scope_queryset, street_scope_q, user_profile

from . import domain
from .models import (
    CommitteeMeeting,
    Criterion,
    Decision,
    PanelMember,
    Roadshow,
    RoadshowEntry,
    RoadshowStatus,
    ScoreSheet,
    VettingCheck,
    VettingDepartment,
)


def _street_q(user, street_path):
    """Street staff see their street's records, district and city staff those below them; else None."""
    profile = user_profile(user)
    if profile is None or profile.role not in (Role.STREET_STAFF, Role.DISTRICT_STAFF, Role.CITY_STAFF):
        return None
    return street_scope_q(user, street_path)


# --- Roadshows -------------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "position", "title", "description", "max_score", "weight"]


class EntrySerializer(serializers.ModelSerializer):
    partner = serializers.IntegerField(source="partner_id")
    reference = serializers.CharField(source="partner.application.reference")
    applicant_name = serializers.CharField(source="partner.application.applicant_name")
    project_title = serializers.CharField(source="partner.application.project_title")

    class Meta:
        model = RoadshowEntry
        fields = ["position", "partner", "reference", "applicant_name", "project_title"]


class RoadshowSerializer(serializers.ModelSerializer):
    rubric = serializers.StringRelatedField()
    criteria = CriterionSerializer(source="rubric.criteria", many=True)
    entries = EntrySerializer(many=True)

    class Meta:
        model = Roadshow
        fields = ["id", "title", "date", "place", "status", "rubric", "criteria", "entries"]


class RoadshowViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RoadshowSerializer
    queryset = Roadshow.objects.none()  # for the schema; get_queryset scopes the real one

    def get_queryset(self):
        user = self.request.user
        qs = Roadshow.objects.select_related("rubric").prefetch_related(
            "rubric__criteria",
            Prefetch("entries", RoadshowEntry.objects.select_related("partner__application")),
        )
        if user.is_superuser:
            return qs
        street_q = _street_q(user, "street")
        if street_q is not None:
            return qs.filter(street_q)
        return qs.filter(panels__members__user=user).exclude(status=RoadshowStatus.DRAFT).distinct()

    def _manage(self, func):
        roadshow = self.get_object()
        func(roadshow=roadshow, by=self.request.user)
        roadshow.refresh_from_db()
        return Response(self.get_serializer(self.get_queryset().get(pk=roadshow.pk)).data)

    @extend_schema(request=None, responses=refused_responses(RoadshowSerializer))
    @action(detail=True, methods=["post"], url_path="open-scoring")
    def open_scoring(self, request, pk=None):
        return self._manage(domain.roadshow_open_scoring)

    @extend_schema(request=None, responses=refused_responses(RoadshowSerializer))
    @action(detail=True, methods=["post"], url_path="close-scoring")
    def close_scoring(self, request, pk=None):
        return self._manage(domain.roadshow_close_scoring)


# --- Vetting ---------------------------------------------------------------------------


class VettingCheckSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    partner_name = serializers.CharField(source="partner.application.applicant_name", read_only=True)
    checked_by = serializers.StringRelatedField()

    class Meta:
        model = VettingCheck
        fields = [
            "id",
            "partner",
            "partner_name",
            "department",
            "department_name",
            "materials_complete",
            "plan_compliant",
            "violation_found",
            "source_consulted",
            "note",
            "result",
            "checked_by",
            "checked_at",
            "recorded_on_behalf",
        ]
        read_only_fields = ["checked_by", "checked_at", "recorded_on_behalf"]
        validators = []  # one per department: the domain function revises an existing check


@extend_schema_view(
    create=extend_schema(responses=refused_responses(VettingCheckSerializer, status_code=201))
)
class VettingCheckViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VettingCheckSerializer
    filterset_fields = ["partner", "result", "department"]

    def get_queryset(self):
        return scope_queryset(
            self.request.user,
            VettingCheck.objects.select_related("partner__application", "department", "checked_by"),
            "partner__community",
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        partner = get_object_or_404(
            scope_queryset(request.user, Partner.objects.all(), "community"), pk=data["partner"].pk
        )
        department = get_object_or_404(VettingDepartment, pk=data["department"].pk)
        check = domain.vetting_check_record(
            partner=partner,
            department=department,
            result=data["result"],
            by=request.user,
            materials_complete=data.get("materials_complete", False),
            plan_compliant=data.get("plan_compliant", False),
            violation_found=data.get("violation_found", False),
            source_consulted=data.get("source_consulted", ""),
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(check).data, status=status.HTTP_201_CREATED)


# --- Score sheets ----------------------------------------------------------------------


class ScoreSheetSerializer(serializers.ModelSerializer):
    roadshow = serializers.IntegerField(source="member.panel.roadshow_id", read_only=True)
    panel = serializers.CharField(source="member.panel.kind", read_only=True)
    member = serializers.StringRelatedField()
    scores = serializers.SerializerMethodField()

    class Meta:
        model = ScoreSheet
        fields = [
            "id",
            "roadshow",
            "panel",
            "member",
            "partner",
            "status",
            "comment",
            "submitted_at",
            "scores",
        ]

    def get_scores(self, sheet) -> dict[str, str]:
        """Criterion id → score, as decimal strings."""
        return {str(s.criterion_id): str(s.value) for s in sheet.scores.all()}


class ScoreSheetInput(serializers.Serializer):
    roadshow = serializers.IntegerField()
    partner = serializers.IntegerField()
    values = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(required=False, default=False)


@extend_schema_view(
    create=extend_schema(
        request=ScoreSheetInput, responses=refused_responses(ScoreSheetSerializer, status_code=201)
    )
)
class ScoreSheetViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A reviewer sees only their own sheets until the roadshow's scoring is closed."""

    serializer_class = ScoreSheetSerializer
    queryset = ScoreSheet.objects.none()  # for the schema; get_queryset scopes the real one
    filterset_fields = ["partner", "status"]

    def get_queryset(self):
        user = self.request.user
        qs = (
            ScoreSheet.objects.select_related("member__user", "member__panel")
            .prefetch_related("scores")
            .order_by("member__panel__roadshow_id", "partner_id", "member_id")
        )
        if user.is_superuser:
            return qs
        street_q = _street_q(user, "member__panel__roadshow__street")
        if street_q is not None:
            return qs.filter(street_q)
        closed_on_my_panels = Roadshow.objects.filter(
            panels__members__user=user, status=RoadshowStatus.CLOSED
        )
        return qs.filter(Q(member__user=user) | Q(member__panel__roadshow__in=closed_on_my_panels))

    def create(self, request, *args, **kwargs):
        serializer = ScoreSheetInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        member = PanelMember.objects.filter(panel__roadshow_id=data["roadshow"], user=request.user).first()
        if member is None:
            raise ApiPermissionDenied("您不是本次路演评审组成员。")
        partner = get_object_or_404(Partner, pk=data["partner"])
        sheet = domain.score_sheet_save(
            member=member,
            partner=partner,
            values=data["values"],
            comment=data["comment"],
            submit=data["submit"],
            by=request.user,
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=sheet.pk)).data, status=status.HTTP_201_CREATED
        )


# --- Decisions -------------------------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.application.applicant_name", read_only=True)
    meeting_date = serializers.DateField(source="meeting.date", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "meeting_date",
            "partner",
            "partner_name",
            "outcome",
            "community",
            "space",
            "note",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []


@extend_schema_view(create=extend_schema(responses=refused_responses(DecisionSerializer, status_code=201)))
class DecisionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DecisionSerializer
    filterset_fields = ["outcome", "meeting"]

    def get_queryset(self):
        user = self.request.user
        qs = Decision.objects.select_related("meeting", "partner__application")
        if user.is_superuser:
            return qs
        street_q = _street_q(user, "meeting__street")
        if street_q is not None:
            return qs.filter(street_q)
        return scope_queryset(user, qs, "partner__community")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = get_object_or_404(CommitteeMeeting, pk=data["meeting"].pk)
        decision = domain.decision_record(
            meeting=meeting,
            partner=data["partner"],
            outcome=data["outcome"],
            community=data.get("community"),
            space=data.get("space"),
            note=data.get("note", ""),
            by=request.user,
        )
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("roadshows", RoadshowViewSet, basename="roadshow")
    router.register("vetting-checks", VettingCheckViewSet, basename="vetting-check")
    router.register("score-sheets", ScoreSheetViewSet, basename="score-sheet")
    router.register("decisions", DecisionViewSet, basename="decision")
