"""REST endpoints of recruitment calls and applications — rulebook 五(一).

Calls are scoped by the user's street, applications by community (street
staff see the applications their communities forwarded). Write actions call
the domain functions.
"""

from __future__ import annotations

import django_filters
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from partners.models import PartnerStatus
from portal.api import IsStaffMember, PartnerKindField, refused_responses
from portal.masking import mask_id_number
from portal.models import Role
from portal.rules import scope_queryset, street_scope_queryset, user_role

from .domain import application_forward, application_request_documents, call_archive, call_close, call_publish
from .models import Application, ApplicationDocument, DocumentKind, DocumentRequest, RecruitmentCall
from .rules import can_handle_application, can_manage_calls


@extend_schema_field({"type": "string", "enum": list(DocumentKind.values)}, component_name="DocumentKindEnum")
class DocumentKindField(serializers.ChoiceField):
    """Kinds of supporting documents (证明材料) as one named enum."""

    def __init__(self, **kwargs):
        super().__init__(choices=DocumentKind.choices, **kwargs)


# --- Recruitment calls (招募公告) ---------------------------------------------------------


class RecruitmentCallSerializer(serializers.ModelSerializer):
    spaces = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    needs = serializers.SlugRelatedField(many=True, read_only=True, slug_field="title")
    application_count = serializers.IntegerField(source="n_applications", read_only=True)

    class Meta:
        model = RecruitmentCall
        fields = [
            "id",
            "street",
            "title",
            "body",
            "spaces",
            "needs",
            "eligible_kinds",
            "documents_required",
            "opens_at",
            "closes_at",
            "contact",
            "status",
            "published_at",
            "closed_at",
            "created_at",
            "application_count",
        ]
        read_only_fields = fields


class RecruitmentCallViewSet(viewsets.ReadOnlyModelViewSet):
    """Calls of the user's street in every state; street staff publish, close and archive them."""

    serializer_class = RecruitmentCallSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffMember]
    filterset_fields = ["status"]

    def get_queryset(self):
        qs = (
            RecruitmentCall.objects.annotate(n_applications=Count("applications"))
            .prefetch_related("spaces", "needs")
            .order_by("-opens_at", "-id")
        )
        return street_scope_queryset(self.request.user, qs, "street")

    def _change(self, func):
        call = self.get_object()
        if not can_manage_calls.test(self.request.user, call):
            raise ApiPermissionDenied(_("只有本街道工作人员可以管理招募公告。"))
        func(call=call, by=self.request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=call.pk)).data)

    @extend_schema(request=None, responses=refused_responses(RecruitmentCallSerializer))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._change(call_publish)

    @extend_schema(request=None, responses=refused_responses(RecruitmentCallSerializer))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._change(call_close)

    @extend_schema(request=None, responses=refused_responses(RecruitmentCallSerializer))
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._change(call_archive)


# --- Applications (项目申请表) -------------------------------------------------------------


class ApplicationDocumentSerializer(serializers.ModelSerializer):
    kind = DocumentKindField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationDocument
        fields = ["id", "kind", "original_name", "size", "uploaded_at", "download_url"]

    def get_download_url(self, obj) -> str:
        """The permission-checked download view (staff of the application's scope only)."""
        url = reverse("calls:application_document_download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class DocumentRequestSerializer(serializers.ModelSerializer):
    kind = DocumentKindField(read_only=True)
    requested_by = serializers.CharField(source="requested_by.get_username", read_only=True)

    class Meta:
        model = DocumentRequest
        fields = ["id", "application", "kind", "message", "requested_by", "requested_at", "fulfilled_at"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as staff handle it. The ID number never leaves the server unmasked."""

    community_name = serializers.CharField(source="community.name", read_only=True)
    kind = PartnerKindField(read_only=True)
    partner = serializers.IntegerField(source="partner.pk", read_only=True)
    stage = serializers.CharField(source="partner.status", read_only=True)
    id_number_masked = serializers.SerializerMethodField()
    documents = ApplicationDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "call",
            "community",
            "community_name",
            "partner",
            "stage",
            "kind",
            "applicant_name",
            "credit_code",
            "id_number_masked",
            "legal_representative",
            "contact_name",
            "mobile",
            "email",
            "address",
            "project_title",
            "service_categories",
            "target_groups",
            "hours_per_month",
            "residents_per_month",
            "events_per_month",
            "special_groups",
            "submitted_at",
            "documents",
        ]
        read_only_fields = fields

    def get_id_number_masked(self, obj) -> str:
        return mask_id_number(obj.id_number) if obj.id_number else ""


class ApplicationDetailSerializer(ApplicationSerializer):
    spaces = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    document_requests = DocumentRequestSerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "plan",
            "activities",
            "schedule",
            "spaces",
            "preferred_times",
            "team_intro",
            "past_cases",
            "free_services",
            "low_cost_services",
            "declarations",
            "privacy_consent_at",
            "document_requests",
        ]
        read_only_fields = fields


class DocumentRequestInputSerializer(serializers.Serializer):
    kind = DocumentKindField()
    message = serializers.CharField(allow_blank=True, default="")


class ApplicationFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(
        field_name="partner__status", choices=PartnerStatus.choices, label=_("阶段")
    )

    class Meta:
        model = Application
        fields = ["call", "community", "kind", "stage"]


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Community staff: their community's applications; street staff: those forwarded to the street."""

    permission_classes = [permissions.IsAuthenticated, IsStaffMember]
    filterset_class = ApplicationFilter

    def get_serializer_class(self):
        return ApplicationSerializer if self.action == "list" else ApplicationDetailSerializer

    def get_queryset(self):
        qs = (
            Application.objects.select_related("community", "partner")
            .prefetch_related("documents")
            .order_by("-submitted_at", "-id")
        )
        if self.action != "list":
            qs = qs.prefetch_related(
                "spaces",
                Prefetch("document_requests", DocumentRequest.objects.select_related("requested_by")),
            )
        qs = scope_queryset(self.request.user, qs, "community")
        if user_role(self.request.user) == Role.STREET_STAFF:
            # The street sees what the communities forwarded (rulebook 五(一)2), as in the admin.
            qs = qs.exclude(partner__status=PartnerStatus.SUBMITTED)
        return qs

    def _handled(self):
        application = self.get_object()
        if not can_handle_application.test(self.request.user, application):
            raise ApiPermissionDenied(_("您没有权限处理该申请。"))
        return application

    def _fresh(self, application):
        return self.get_serializer(self.get_queryset().filter(pk=application.pk).first() or application).data

    @extend_schema(request=None, responses=refused_responses(ApplicationDetailSerializer))
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        """The community forwards the application to the street (submitted → vetting)."""
        application = self._handled()
        application_forward(application=application, by=request.user)
        application.partner.refresh_from_db()
        return Response(self._fresh(application))

    @extend_schema(
        request=DocumentRequestInputSerializer,
        responses=refused_responses(DocumentRequestSerializer, status_code=201),
    )
    @action(detail=True, methods=["post"], url_path="request-documents")
    def request_documents(self, request, pk=None):
        """Ask the applicant for a missing document; the applicant gets an upload link by e-mail."""
        application = self._handled()
        data = DocumentRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document_request = application_request_documents(
            application=application,
            kind=data.validated_data["kind"],
            message=data.validated_data["message"],
            by=request.user,
        )
        return Response(DocumentRequestSerializer(document_request).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("recruitment-calls", RecruitmentCallViewSet, basename="recruitment-call")
    router.register("applications", ApplicationViewSet, basename="application")
