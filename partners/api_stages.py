"""REST endpoints of the early stages: recruitment calls, applications, public notices, objections.

Rulebook 五(一) (calls and applications) and 五(二)3 (公示, 异议, 备案).
Querysets are scoped as in the admin: calls and notices by the user's street,
applications and objections by community (street staff see the applications
their communities forwarded). Write actions call the domain functions; a
refusal is 400 with the domain's Chinese messages, a missing right 403.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from config.choices import PartnerKind
from config.masking import mask_id_number, mask_mobile, mask_person_name
from config.models import Role
from config.pdf import pdf_response
from config.rules import _profile, is_staff_member, is_street_staff, is_superuser, scope_queryset, user_role

from .domain import TransitionRefused
from .domain.applications import (
    application_forward,
    application_request_documents,
    call_archive,
    call_close,
    call_publish,
)
from .domain.notices import (
    can_investigate_objection,
    can_view_objection,
    notice_file,
    notice_publish,
    notices_visible_to,
    objection_conclude,
    objection_investigate,
    objections_visible_to,
)
from .models import (
    Application,
    ApplicationDocument,
    DocumentKind,
    DocumentRequest,
    NoticeEntry,
    Objection,
    PartnerStatus,
    PublicNotice,
    RecruitmentCall,
)
from .rules_applications import can_handle_application, can_manage_calls

# --- Shared helpers ----------------------------------------------------------------------


class IsStaffMember(permissions.BasePermission):
    """Street or community staff (or a superuser); everyone else is refused."""

    def has_permission(self, request, view):
        return bool(is_staff_member.test(request.user))


class IsStreetStaff(permissions.BasePermission):
    """Street staff (or a superuser): notices are the street's decision."""

    def has_permission(self, request, view):
        return bool((is_superuser | is_street_staff).test(request.user))


class DetailSerializer(serializers.Serializer):
    """What a refusal looks like: the domain's messages, or messages per field."""

    detail = serializers.JSONField()


def _refusal(error) -> Response:
    if isinstance(error, TransitionRefused):
        detail = error.messages
    elif hasattr(error, "error_dict"):
        detail = error.message_dict
    else:
        detail = error.messages
    return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)


def _call(func, **kwargs):
    """Run a domain function: (result, None), or (None, a 400 response); 403 when not allowed."""
    try:
        return func(**kwargs), None
    except PermissionDenied as error:
        raise ApiPermissionDenied(str(error) or None) from error
    except (ValidationError, TransitionRefused) as error:
        return None, _refusal(error)


@extend_schema_field({"type": "string", "enum": list(PartnerKind.values)}, component_name="PartnerKindEnum")
class PartnerKindField(serializers.ChoiceField):
    """Applicant kinds (适用对象) as one named enum: several models call their own choices "kind"."""

    def __init__(self, **kwargs):
        super().__init__(choices=PartnerKind.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": list(DocumentKind.values)}, component_name="DocumentKindEnum")
class DocumentKindField(serializers.ChoiceField):
    """Kinds of supporting documents (证明材料) as one named enum."""

    def __init__(self, **kwargs):
        super().__init__(choices=DocumentKind.choices, **kwargs)


def _street_id(user):
    profile = _profile(user)
    return profile.street_id if profile else None


def _refused_responses(ok):
    return {200: ok, 400: OpenApiResponse(DetailSerializer, description=str(_("拒绝及原因"))),
            403: OpenApiResponse(DetailSerializer, description=str(_("无权限")))}


# --- Recruitment calls (招募公告) ---------------------------------------------------------


class RecruitmentCallSerializer(serializers.ModelSerializer):
    spaces = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    application_count = serializers.IntegerField(source="n_applications", read_only=True)

    class Meta:
        model = RecruitmentCall
        fields = ["id", "street", "title", "body", "spaces", "needs", "eligible_kinds", "documents_required",
                  "opens_at", "closes_at", "contact", "status", "published_at", "closed_at", "created_at",
                  "application_count"]
        read_only_fields = fields


class RecruitmentCallViewSet(viewsets.ReadOnlyModelViewSet):
    """Calls of the user's street in every state; street staff publish, close and archive them."""

    serializer_class = RecruitmentCallSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffMember]
    filterset_fields = ["status"]

    def get_queryset(self):
        qs = (RecruitmentCall.objects.annotate(n_applications=Count("applications"))
              .prefetch_related("spaces").order_by("-opens_at", "-id"))
        user = self.request.user
        if user.is_superuser:
            return qs
        street_id = _street_id(user)
        return qs.filter(street_id=street_id) if street_id else qs.none()

    def _change(self, func):
        call = self.get_object()
        if not can_manage_calls.test(self.request.user, call):
            raise ApiPermissionDenied(_("只有本街道工作人员可以管理招募公告。"))
        _result, refused = _call(func, call=call, by=self.request.user)
        if refused:
            return refused
        return Response(self.get_serializer(self.get_queryset().get(pk=call.pk)).data)

    @extend_schema(request=None, responses=_refused_responses(RecruitmentCallSerializer))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._change(call_publish)

    @extend_schema(request=None, responses=_refused_responses(RecruitmentCallSerializer))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._change(call_close)

    @extend_schema(request=None, responses=_refused_responses(RecruitmentCallSerializer))
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
        url = reverse("partners:application_document_download", args=[obj.pk])
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
        fields = ["id", "reference", "call", "community", "community_name", "partner", "stage", "kind",
                  "applicant_name", "credit_code", "id_number_masked", "legal_representative",
                  "contact_name", "mobile", "email", "address", "project_title", "service_categories",
                  "target_groups", "hours_per_month", "residents_per_month", "events_per_month",
                  "special_groups", "submitted_at", "documents"]
        read_only_fields = fields

    def get_id_number_masked(self, obj) -> str:
        return mask_id_number(obj.id_number) if obj.id_number else ""


class ApplicationDetailSerializer(ApplicationSerializer):
    spaces = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    document_requests = DocumentRequestSerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "plan", "activities", "schedule", "spaces",
                  "preferred_times", "team_intro", "past_cases", "free_services", "low_cost_services",
                  "declarations", "privacy_consent_at", "document_requests"]
        read_only_fields = fields


class DocumentRequestInputSerializer(serializers.Serializer):
    kind = DocumentKindField()
    message = serializers.CharField(allow_blank=True, default="")


class ApplicationFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(field_name="partner__status", choices=PartnerStatus.choices,
                                        label=_("阶段"))

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
        qs = (Application.objects.select_related("community", "partner")
              .prefetch_related("documents").order_by("-submitted_at", "-id"))
        if self.action != "list":
            qs = qs.prefetch_related("spaces", Prefetch(
                "document_requests", DocumentRequest.objects.select_related("requested_by")))
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

    @extend_schema(request=None, responses=_refused_responses(ApplicationDetailSerializer))
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        """The community forwards the application to the street (submitted → vetting)."""
        application = self._handled()
        _partner, refused = _call(application_forward, application=application, by=request.user)
        if refused:
            return refused
        application.partner.refresh_from_db()
        return Response(self._fresh(application))

    @extend_schema(request=DocumentRequestInputSerializer,
                   responses={201: DocumentRequestSerializer, 400: DetailSerializer, 403: DetailSerializer})
    @action(detail=True, methods=["post"], url_path="request-documents")
    def request_documents(self, request, pk=None):
        """Ask the applicant for a missing document; the applicant gets an upload link by e-mail."""
        application = self._handled()
        data = DocumentRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document_request, refused = _call(application_request_documents, application=application,
                                          kind=data.validated_data["kind"],
                                          message=data.validated_data["message"], by=request.user)
        if refused:
            return refused
        return Response(DocumentRequestSerializer(document_request).data, status=status.HTTP_201_CREATED)


# --- Public notices (公示) ----------------------------------------------------------------


class NoticeEntrySerializer(serializers.ModelSerializer):
    kind = PartnerKindField(read_only=True)

    class Meta:
        model = NoticeEntry
        fields = ["position", "partner", "applicant_name", "kind", "project_title", "community_name",
                  "space_names", "composite_score"]
        read_only_fields = fields


class PublicNoticeSerializer(serializers.ModelSerializer):
    entries = NoticeEntrySerializer(many=True, read_only=True)
    filed_by = serializers.SerializerMethodField()
    filing_report_url = serializers.SerializerMethodField()

    class Meta:
        model = PublicNotice
        fields = ["id", "street", "title", "body", "decision_reference", "starts_at", "ends_at",
                  "objection_contact", "status", "published_at", "ended_at", "filed_at", "filed_by",
                  "filing_report_url", "entries"]
        read_only_fields = fields

    def get_filed_by(self, obj) -> str:
        return obj.filed_by.get_username() if obj.filed_by_id else ""

    @extend_schema_field(OpenApiTypes.URI)
    def get_filing_report_url(self, obj) -> str | None:
        """The stored filing report, served by the permission-checked admin view."""
        if not obj.filing_report:
            return None
        url = reverse("admin:partners_publicnotice_filing_report", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class PublicNoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """The street's notices with their lists; publish them and file the result (备案)."""

    serializer_class = PublicNoticeSerializer
    permission_classes = [permissions.IsAuthenticated, IsStreetStaff]
    filterset_fields = ["status"]

    def get_queryset(self):
        qs = (PublicNotice.objects.select_related("filed_by")
              .prefetch_related("entries").order_by("-starts_at", "-id"))
        return notices_visible_to(self.request.user, qs)

    @extend_schema(request=None, responses=_refused_responses(PublicNoticeSerializer))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft: every listed partner moves approved → in_notice."""
        notice = self.get_object()
        _notice, refused = _call(notice_publish, notice=notice, by=request.user)
        if refused:
            return refused
        return Response(self.get_serializer(self.get_queryset().get(pk=notice.pk)).data)

    @extend_schema(request=None, responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=str(_("备案报告 PDF"))),
        400: DetailSerializer, 403: DetailSerializer})
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        """Produce the filing report (备案报告) and record the filing; answers with the PDF."""
        notice = self.get_object()
        data, refused = _call(notice_file, notice=notice, by=request.user)
        if refused:
            return refused
        return pdf_response(data, f"公示结果备案报告-{notice.pk}.pdf", inline=False)


# --- Objections (异议) --------------------------------------------------------------------


class ObjectionSerializer(serializers.ModelSerializer):
    """An objection as staff see it; the objector's name and phone only to staff in scope."""

    applicant_name = serializers.CharField(source="entry.applicant_name", read_only=True)
    partner = serializers.IntegerField(source="entry.partner_id", read_only=True)
    objector_name = serializers.SerializerMethodField()
    objector_phone = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()
    assigned_to = serializers.PrimaryKeyRelatedField(read_only=True)
    concluded_by = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = ["id", "reference", "notice", "entry", "partner", "applicant_name", "grounds", "evidence_url",
                  "objector_name", "objector_phone", "status", "assigned_to", "investigation_note",
                  "conclusion", "concluded_at", "concluded_by", "created_at"]
        read_only_fields = fields

    def _in_scope(self, obj) -> bool:
        request = self.context.get("request")
        return bool(request and can_view_objection.test(request.user, obj.entry.partner))

    def get_objector_name(self, obj) -> str:
        return obj.objector_name if self._in_scope(obj) else mask_person_name(obj.objector_name)

    def get_objector_phone(self, obj) -> str:
        return obj.objector_phone if self._in_scope(obj) else mask_mobile(obj.objector_phone)

    @extend_schema_field(OpenApiTypes.URI)
    def get_evidence_url(self, obj) -> str | None:
        """The objector's evidence, served by the permission-checked admin view."""
        if not obj.evidence:
            return None
        url = reverse("admin:partners_objection_evidence", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_concluded_by(self, obj) -> str:
        return obj.concluded_by.get_username() if obj.concluded_by_id else ""


class InvestigateInputSerializer(serializers.Serializer):
    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True, is_staff=True),
        allow_null=True, required=False, help_text=_("承办人(不传则保持不变)"))
    note = serializers.CharField(allow_blank=True, required=False, default="")


class ConcludeInputSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(help_text=_("异议成立:该申请人不予入驻"))
    conclusion = serializers.CharField(allow_blank=True, default="")


class ObjectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Objections against listed applicants in the user's scope; the street investigates and concludes."""

    serializer_class = ObjectionSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffMember]
    filterset_fields = ["status", "notice"]

    def get_queryset(self):
        qs = (Objection.objects.select_related("entry__partner__community", "concluded_by")
              .order_by("-created_at", "-id"))
        return objections_visible_to(self.request.user, qs)

    def _respond(self, objection):
        return Response(self.get_serializer(self.get_queryset().get(pk=objection.pk)).data)

    def _investigable(self):
        objection = self.get_object()
        if not can_investigate_objection.test(self.request.user, objection.entry.partner):
            raise ApiPermissionDenied(_("您没有权限调查该异议。"))
        return objection

    @extend_schema(request=InvestigateInputSerializer, responses=_refused_responses(ObjectionSerializer))
    @action(detail=True, methods=["post"])
    def investigate(self, request, pk=None):
        """Assign the objection and record the investigation notes."""
        objection = self._investigable()
        data = InvestigateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assigned_to = data.validated_data.get("assigned_to", objection.assigned_to)
        _objection, refused = _call(objection_investigate, objection=objection, by=request.user,
                                    assigned_to=assigned_to, note=data.validated_data["note"])
        if refused:
            return refused
        return self._respond(objection)

    @extend_schema(request=ConcludeInputSerializer, responses=_refused_responses(ObjectionSerializer))
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        """Conclude: upheld rejects the applicant; dismissed lets it go on after the period."""
        objection = self._investigable()
        data = ConcludeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _objection, refused = _call(objection_conclude, objection=objection, by=request.user,
                                    upheld=data.validated_data["upheld"],
                                    conclusion=data.validated_data["conclusion"])
        if refused:
            return refused
        return self._respond(objection)


def register(router):
    router.register("recruitment-calls", RecruitmentCallViewSet, basename="recruitment-call")
    router.register("applications", ApplicationViewSet, basename="application")
    router.register("public-notices", PublicNoticeViewSet, basename="public-notice")
    router.register("objections", ObjectionViewSet, basename="objection")
