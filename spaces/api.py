"""REST endpoints for the three lists and the time slots, scoped like the admin.

Writes go through spaces.domain (overlap rule, audit trail); a refusal is a
400 with the Chinese message (portal.api.exception_handler), deleting a space
still referenced a 409. Filter with ?community=, ?category=, ?occupancy=.
"""

from __future__ import annotations

import django_filters
from rest_framework import permissions, serializers, viewsets

from partners.models import Partner
from portal.api import ReadOnlyForLevelStaff, refused_writes
from portal.choices import ServiceCategory, TargetGroup
from portal.models import Community
from portal.rules import scope_queryset

from .domain import (
    prospect_save,
    resident_need_save,
    space_save,
    timeslot_create,
    timeslot_delete,
    timeslot_update,
)
from .models import Occupancy, Prospect, ResidentNeed, Space, TimeSlot


class RulesPermission(permissions.BasePermission):
    """The model permissions of spaces/rules.py: view for reads, add/change/delete for writes."""

    actions = {
        "GET": "view",
        "HEAD": "view",
        "OPTIONS": "view",
        "POST": "add",
        "PUT": "change",
        "PATCH": "change",
        "DELETE": "delete",
    }

    def _perm(self, request, view):
        model = view.queryset.model if view.queryset is not None else view.get_queryset().model
        return f"spaces.{self.actions.get(request.method, 'change')}_{model._meta.model_name}"

    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm(self._perm(request, view)))

    def has_object_permission(self, request, view, obj):
        return request.user.has_perm(self._perm(request, view), obj)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key limited to the records in the requesting user's scope."""

    def __init__(self, *, community_path: str = "community", **kwargs):
        self.community_path = community_path
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return scope_queryset(getattr(request, "user", None), super().get_queryset(), self.community_path)


def community_field():
    return ScopedRelatedField(queryset=Community.objects.all(), community_path="")


class ScopedViewSet(viewsets.ModelViewSet):
    permission_classes = [permissions.IsAuthenticated, ReadOnlyForLevelStaff, RulesPermission]
    community_path = "community"

    def get_queryset(self):
        return scope_queryset(self.request.user, super().get_queryset(), self.community_path)


# --- Spaces ---------------------------------------------------------------------


class SpaceSerializer(serializers.ModelSerializer):
    community = community_field()
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Space
        fields = [
            "id",
            "community",
            "community_name",
            "name",
            "address",
            "area_m2",
            "nature",
            "occupancy",
            "has_water",
            "has_power",
            "has_network",
            "has_furniture",
            "is_accessible",
            "capacity",
            "opening_hours",
            "latitude",
            "longitude",
            "notes",
        ]


class SpaceFilter(django_filters.FilterSet):
    occupancy = django_filters.ChoiceFilter(choices=Occupancy.choices)

    class Meta:
        model = Space
        fields = ["community", "occupancy", "nature", "is_accessible"]


@refused_writes(SpaceSerializer)
class SpaceViewSet(ScopedViewSet):
    queryset = Space.objects.select_related("community").order_by("community__name", "name", "id")
    serializer_class = SpaceSerializer
    filterset_class = SpaceFilter

    def perform_create(self, serializer):
        serializer.instance = space_save(space=Space(**serializer.validated_data), by=self.request.user)

    def perform_update(self, serializer):
        space_save(space=serializer.instance, by=self.request.user, fields=serializer.validated_data)


# --- Resident needs ---------------------------------------------------------------


class ResidentNeedSerializer(serializers.ModelSerializer):
    community = community_field()
    space = ScopedRelatedField(queryset=Space.objects.all(), required=False, allow_null=True)
    covered_by = ScopedRelatedField(queryset=Partner.objects.all(), required=False, allow_null=True)
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), required=False
    )

    class Meta:
        model = ResidentNeed
        fields = [
            "id",
            "community",
            "title",
            "description",
            "category",
            "collection_method",
            "collected_by",
            "collected_on",
            "target_groups",
            "residents_count",
            "space",
            "covered_by",
            "notes",
        ]


class ResidentNeedFilter(django_filters.FilterSet):
    class Meta:
        model = ResidentNeed
        fields = ["community", "category", "collection_method", "space"]


@refused_writes(ResidentNeedSerializer)
class ResidentNeedViewSet(ScopedViewSet):
    queryset = ResidentNeed.objects.order_by("community_id", "-residents_count", "id")
    serializer_class = ResidentNeedSerializer
    filterset_class = ResidentNeedFilter

    def perform_create(self, serializer):
        serializer.instance = resident_need_save(
            need=ResidentNeed(**serializer.validated_data), by=self.request.user
        )

    def perform_update(self, serializer):
        resident_need_save(need=serializer.instance, by=self.request.user, fields=serializer.validated_data)


# --- Prospects --------------------------------------------------------------------


class ProspectSerializer(serializers.ModelSerializer):
    community = community_field()
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceCategory.choices), required=False
    )

    class Meta:
        model = Prospect
        fields = [
            "id",
            "community",
            "name",
            "kind",
            "contact_name",
            "phone",
            "email",
            "offer",
            "categories",
            "contact_status",
            "notes",
        ]


class ProspectFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=ServiceCategory.choices, method="filter_category")

    class Meta:
        model = Prospect
        fields = ["community", "kind", "contact_status", "category"]

    def filter_category(self, queryset, name, value):
        # A JSON list of codes; matching the quoted code works on PostgreSQL and SQLite alike.
        return queryset.filter(categories__icontains=f'"{value}"')


@refused_writes(ProspectSerializer)
class ProspectViewSet(ScopedViewSet):
    queryset = Prospect.objects.order_by("community_id", "name", "id")
    serializer_class = ProspectSerializer
    filterset_class = ProspectFilter

    def perform_create(self, serializer):
        serializer.instance = prospect_save(
            prospect=Prospect(**serializer.validated_data), by=self.request.user
        )

    def perform_update(self, serializer):
        prospect_save(prospect=serializer.instance, by=self.request.user, fields=serializer.validated_data)


# --- Time slots -------------------------------------------------------------------


class TimeSlotSerializer(serializers.ModelSerializer):
    space = ScopedRelatedField(queryset=Space.objects.all())
    partner = ScopedRelatedField(queryset=Partner.objects.all(), required=False, allow_null=True)
    partner_name = serializers.SerializerMethodField()

    class Meta:
        model = TimeSlot
        fields = [
            "id",
            "space",
            "partner",
            "partner_name",
            "title",
            "weekday",
            "date",
            "start_time",
            "end_time",
            "valid_from",
            "valid_to",
        ]
        # The overlap rule (in the domain) says more than the model's check constraints.
        validators = []

    def get_partner_name(self, obj) -> str:
        return obj.partner.name if obj.partner_id else ""

    def validate(self, attrs):
        weekday = attrs.get("weekday", getattr(self.instance, "weekday", None))
        date = attrs.get("date", getattr(self.instance, "date", None))
        if (weekday is None) == (date is None):
            raise serializers.ValidationError(
                {"weekday": "每周固定时段填写星期，单次预约填写日期，二者只填其一。"}
            )
        start = attrs.get("start_time", getattr(self.instance, "start_time", None))
        end = attrs.get("end_time", getattr(self.instance, "end_time", None))
        if start and end and start >= end:
            raise serializers.ValidationError({"end_time": "结束时间必须晚于开始时间。"})
        return attrs


class TimeSlotFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        field_name="space__community", queryset=Community.objects.all()
    )

    class Meta:
        model = TimeSlot
        fields = ["community", "space", "partner", "weekday", "date"]


@refused_writes(TimeSlotSerializer)
class TimeSlotViewSet(ScopedViewSet):
    queryset = TimeSlot.objects.select_related("partner__application").order_by(
        "space_id", "weekday", "date", "start_time", "id"
    )
    serializer_class = TimeSlotSerializer
    filterset_class = TimeSlotFilter
    community_path = "space__community"

    def perform_create(self, serializer):
        serializer.instance = timeslot_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        timeslot_update(slot=serializer.instance, by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        timeslot_delete(slot=instance, by=self.request.user)


def register(router):
    router.register("spaces", SpaceViewSet, basename="space")
    router.register("resident-needs", ResidentNeedViewSet, basename="residentneed")
    router.register("prospects", ProspectViewSet, basename="prospect")
    router.register("timeslots", TimeSlotViewSet, basename="timeslot")
