"""REST endpoints of public notices (公示) and objections — rulebook 五(二)3.

Notices are scoped by the user's street, objections by community. Write
actions call the domain functions.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from portal.api import IsStaffMember, IsStreetStaff, PartnerKindField, refused_responses
from portal.masking import mask_mobile, mask_person_name
from portal.pdf import pdf_response

from .domain import (
    notice_file,
    notice_filing_receipts,
    notice_publish,
    objection_conclude,
    objection_investigate,
)
from .models import FilingReceipt, NoticeEntry, Objection, PublicNotice
from .rules import can_investigate_objection, can_view_objection, notices_visible_to, objections_visible_to

# --- Public notices (公示) ----------------------------------------------------------------


class NoticeEntrySerializer(serializers.ModelSerializer):
    kind = PartnerKindField(read_only=True)

    class Meta:
        model = NoticeEntry
        fields = [
            "position",
            "partner",
            "applicant_name",
            "kind",
            "project_title",
            "community_name",
            "space_names",
            "composite_score",
        ]
        read_only_fields = fields


class PublicNoticeSerializer(serializers.ModelSerializer):
    entries = NoticeEntrySerializer(many=True, read_only=True)
    filed_by = serializers.SerializerMethodField()
    filing_report_url = serializers.SerializerMethodField()

    class Meta:
        model = PublicNotice
        fields = [
            "id",
            "street",
            "title",
            "body",
            "decision_reference",
            "starts_at",
            "ends_at",
            "objection_contact",
            "status",
            "published_at",
            "ended_at",
            "filed_at",
            "filed_by",
            "filing_report_url",
            "entries",
        ]
        read_only_fields = fields

    def get_filed_by(self, obj) -> str:
        return obj.filed_by.get_username() if obj.filed_by_id else ""

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_filing_report_url(self, obj) -> str | None:
        """The stored filing report, served by the permission-checked admin view."""
        if not obj.filing_report:
            return None
        url = reverse("admin:notices_publicnotice_filing_report", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class FilingReceiptSerializer(serializers.ModelSerializer):
    """One recipient's answer to the notice's latest filing (rulebook 五(二)3 备案)."""

    recipient = serializers.CharField(source="recipient.name", read_only=True)

    class Meta:
        model = FilingReceipt
        fields = ["recipient", "status", "sent_at", "acknowledged_at", "returned_at", "remark"]
        read_only_fields = fields


class PublicNoticeDetailSerializer(PublicNoticeSerializer):
    """A notice with each filing recipient's status (the list leaves it out: one query less per page)."""

    filing_receipts = serializers.SerializerMethodField()

    class Meta(PublicNoticeSerializer.Meta):
        fields = [*PublicNoticeSerializer.Meta.fields, "filing_receipts"]
        read_only_fields = fields

    @extend_schema_field(FilingReceiptSerializer(many=True))
    def get_filing_receipts(self, obj) -> list:
        return FilingReceiptSerializer(notice_filing_receipts(obj), many=True).data


class PublicNoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """The street's notices with their lists; publish them and file the result (备案)."""

    serializer_class = PublicNoticeSerializer
    permission_classes = [permissions.IsAuthenticated, IsStreetStaff]
    filterset_fields = ["status"]

    def get_serializer_class(self):
        return PublicNoticeSerializer if self.action == "list" else PublicNoticeDetailSerializer

    def get_queryset(self):
        qs = (
            PublicNotice.objects.select_related("filed_by")
            .prefetch_related("entries")
            .order_by("-starts_at", "-id")
        )
        return notices_visible_to(self.request.user, qs)

    @extend_schema(request=None, responses=refused_responses(PublicNoticeSerializer))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft: every listed partner moves approved → in_notice."""
        notice = self.get_object()
        notice_publish(notice=notice, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=notice.pk)).data)

    @extend_schema(
        request=None,
        responses={
            **refused_responses(status_code=None),
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description=str(_("备案报告 PDF"))
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        """Produce the filing report (备案报告) and record the filing; answers with the PDF."""
        notice = self.get_object()
        data = notice_file(notice=notice, by=request.user)
        return pdf_response(data, f"公示结果备案报告-{notice.pk}.pdf", inline=False)


# --- Objections (异议) --------------------------------------------------------------------


class ObjectionSerializer(serializers.ModelSerializer):
    """An objection as staff see it; the objector's name and phone only to staff in scope."""

    applicant_name = serializers.CharField(source="entry.applicant_name", read_only=True)
    partner = serializers.IntegerField(source="entry.partner_id", read_only=True)
    objector_name = serializers.SerializerMethodField()
    objector_phone = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()
    assigned_to = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    concluded_by = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = [
            "id",
            "reference",
            "notice",
            "entry",
            "partner",
            "applicant_name",
            "grounds",
            "evidence_url",
            "objector_name",
            "objector_phone",
            "status",
            "assigned_to",
            "investigation_note",
            "conclusion",
            "concluded_at",
            "concluded_by",
            "created_at",
        ]
        read_only_fields = fields

    def _in_scope(self, obj) -> bool:
        request = self.context.get("request")
        return bool(request and can_view_objection.test(request.user, obj.entry.partner))

    def get_objector_name(self, obj) -> str:
        return obj.objector_name if self._in_scope(obj) else mask_person_name(obj.objector_name)

    def get_objector_phone(self, obj) -> str:
        return obj.objector_phone if self._in_scope(obj) else mask_mobile(obj.objector_phone)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_evidence_url(self, obj) -> str | None:
        """The objector's evidence, served by the permission-checked admin view."""
        if not obj.evidence:
            return None
        url = reverse("admin:notices_objection_evidence", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_concluded_by(self, obj) -> str:
        return obj.concluded_by.get_username() if obj.concluded_by_id else ""


class InvestigateInputSerializer(serializers.Serializer):
    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True, is_staff=True),
        allow_null=True,
        required=False,
        help_text=_("承办人（不传则保持不变）"),
    )
    note = serializers.CharField(allow_blank=True, required=False, default="")


class ConcludeInputSerializer(serializers.Serializer):
    upheld = serializers.BooleanField(help_text=_("异议成立：该申请人不予入驻"))
    conclusion = serializers.CharField(allow_blank=True, default="")


class ObjectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Objections against listed applicants in the user's scope; the street investigates and concludes."""

    serializer_class = ObjectionSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffMember]
    filterset_fields = ["status", "notice"]

    def get_queryset(self):
        qs = Objection.objects.select_related("entry__partner__community", "concluded_by").order_by(
            "-created_at", "-id"
        )
        return objections_visible_to(self.request.user, qs)

    def _respond(self, objection):
        return Response(self.get_serializer(self.get_queryset().get(pk=objection.pk)).data)

    def _investigable(self):
        objection = self.get_object()
        if not can_investigate_objection.test(self.request.user, objection.entry.partner):
            raise ApiPermissionDenied(_("您没有权限调查该异议。"))
        return objection

    @extend_schema(request=InvestigateInputSerializer, responses=refused_responses(ObjectionSerializer))
    @action(detail=True, methods=["post"])
    def investigate(self, request, pk=None):
        """Assign the objection and record the investigation notes."""
        objection = self._investigable()
        data = InvestigateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assigned_to = data.validated_data.get("assigned_to", objection.assigned_to)
        objection_investigate(
            objection=objection, by=request.user, assigned_to=assigned_to, note=data.validated_data["note"]
        )
        return self._respond(objection)

    @extend_schema(request=ConcludeInputSerializer, responses=refused_responses(ObjectionSerializer))
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        """Conclude: upheld rejects the applicant; dismissed lets it go on after the period."""
        objection = self._investigable()
        data = ConcludeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection_conclude(
            objection=objection,
            by=request.user,
            upheld=data.validated_data["upheld"],
            conclusion=data.validated_data["conclusion"],
        )
        return self._respond(objection)


def register(router):
    router.register("public-notices", PublicNoticeViewSet, basename="public-notice")
    router.register("objections", ObjectionViewSet, basename="objection")
