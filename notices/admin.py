"""Admin for public notices, objections and filing.

Every button calls a domain function; refusals come back as admin messages.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partners.models import Partner, PartnerStatus
from portal.admin_scoping import (
    AppendOnlyInline,
    ScopedAdminMixin,
    ScopedStreetFilter,
    number_column,
    person_column,
    street_scoped_filter,
)
from portal.formatting import plain_number
from portal.ledgers import LedgerExportMixin
from portal.models import Role, Street, person_name
from portal.pdf import pdf_response
from portal.refusals import refusals_as_messages
from portal.rules import is_staff_member, scope_queryset, user_profile
from portal.uploads import serve_private_file

from .domain import (
    notice_file,
    notice_filing_receipts,
    notice_poster_pdf,
    notice_publish,
    notice_save_draft,
    notices_due_to_end,
    notices_end_due,
    objection_conclude,
    objection_conclusion_check,
    objection_investigate,
)
from .models import (
    FilingReceipt,
    FilingReceiptStatus,
    FilingRecipient,
    NoticeEntry,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PublicNotice,
)
from .resources import ObjectionLedger, PublicNoticeLedger
from .rules import (
    can_investigate_objection,
    can_manage_notice,
    filing_receipts_visible_to,
    notices_visible_to,
)


def _returned_not_resent():
    """Receipts returned by a recipient the street has not sent the filing to again."""
    return FilingReceipt.objects.filter(status=FilingReceiptStatus.RETURNED).exclude(
        Exists(
            FilingReceipt.objects.filter(
                notice=OuterRef("notice"), recipient=OuterRef("recipient"), sent_at__gt=OuterRef("sent_at")
            )
        )
    )


class FilingStatusFilter(admin.SimpleListFilter):
    """备案状态: where each notice's filing stands with its recipients (rulebook 五(二)3)."""

    title = _("备案状态")
    parameter_name = "filing"

    def lookups(self, request, model_admin):
        return [
            ("unfiled", _("未备案")),
            ("waiting", _("待接收单位签收")),
            ("returned", _("有退回待重新报送")),
            ("acknowledged", _("全部已签收")),
        ]

    def queryset(self, request, queryset):
        waiting = Exists(FilingReceipt.objects.filter(notice=OuterRef("pk"), status=FilingReceiptStatus.SENT))
        returned = Exists(_returned_not_resent().filter(notice=OuterRef("pk")))
        value = self.value()
        if value == "unfiled":
            return queryset.filter(filed_at__isnull=True)
        if value == "waiting":
            return queryset.filter(waiting)
        if value == "returned":
            return queryset.filter(returned)
        if value == "acknowledged":
            return queryset.filter(filed_at__isnull=False).exclude(waiting).exclude(returned)
        return queryset


class PublicNoticeForm(forms.ModelForm):
    partners = forms.ModelMultipleChoiceField(
        label=_("公示名单"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("党工委会议研究通过的申请人（状态为“党工委已通过”）。"),
    )

    class Meta:
        model = PublicNotice
        fields = [
            "street",
            "title",
            "body",
            "decision_reference",
            "ends_at",
            "objection_contact",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "street" in self.fields:
            streets = Street.objects.all()
            if not user.is_superuser:
                streets = streets.filter(pk=getattr(user.profile, "street_id", None))
            self.fields["street"].queryset = streets
            if streets.count() == 1 and not self.instance.pk:
                self.fields["street"].initial = streets.first()
        if "partners" in self.fields:
            candidates = scope_queryset(user, Partner.objects.select_related("application", "community"))
            listed = self.instance.entries.values("partner_id") if self.instance.pk else []
            self.fields["partners"].queryset = candidates.filter(status=PartnerStatus.APPROVED) | (
                candidates.filter(pk__in=listed) if self.instance.pk else candidates.none()
            )
            self.fields["partners"].label_from_instance = lambda p: (
                f"{p.application.applicant_name} · {p.application.project_title} · "
                f"{p.community.name} · {plain_number(p.composite_score) or '—'}"
            )
            if self.instance.pk:
                self.fields["partners"].initial = [e.partner_id for e in self.instance.entries.all()]

    def clean(self):
        cleaned = super().clean()
        street = cleaned.get("street")
        for partner in cleaned.get("partners") or []:
            if street and partner.community.street_id != street.pk:
                self.add_error("partners", _("“%(name)s”不属于所选街道。") % {"name": partner.name})
        return cleaned


class NoticeEntryInline(AppendOnlyInline):
    model = NoticeEntry
    fields = [
        "position",
        "applicant_name",
        "kind",
        "project_title",
        "community_name",
        "space_names",
        "composite_score_plain",
        "partner_status",
    ]
    readonly_fields = fields
    verbose_name_plural = _("公示名单")
    composite_score_plain = number_column(NoticeEntry, "composite_score")

    @admin.display(description=_("当前状态"))
    def partner_status(self, obj):
        return obj.partner.get_status_display()

    def has_view_permission(self, request, obj=None):
        return is_staff_member.test(request.user)


class ObjectionInline(AppendOnlyInline):
    model = Objection
    fields = ["reference", "entry", "status", "created_at", "concluded_at"]
    readonly_fields = fields
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return is_staff_member.test(request.user)


@admin.register(PublicNotice)
class PublicNoticeAdmin(LedgerExportMixin, admin.ModelAdmin):
    resource_classes = [PublicNoticeLedger]
    ledger_date_field = "starts_at"
    form = PublicNoticeForm
    list_display = [
        "title",
        "street",
        "status",
        "starts_at",
        "ends_at",
        "entry_count",
        "filed_at",
        "filing_statuses",
    ]
    list_filter = ["status", FilingStatusFilter, ("street", ScopedStreetFilter)]
    search_fields = ["title", "decision_reference", "entries__applicant_name"]
    readonly_fields = [
        "status",
        "starts_at",
        "published_at",
        "ended_at",
        "filed_at",
        "filed_by_name",
        "created_by_name",
        "created_at",
    ]
    inlines = [NoticeEntryInline, ObjectionInline]
    change_form_template = "notices/notice_admin_change_form.html"
    date_hierarchy = "starts_at"

    filed_by_name = person_column(PublicNotice, "filed_by")
    created_by_name = person_column(PublicNotice, "created_by")

    def get_queryset(self, request):
        return (
            notices_visible_to(request.user, super().get_queryset(request))
            .annotate(entries_total=Count("entries", distinct=True))
            .select_related("street", "filed_by")
            .prefetch_related(
                Prefetch("filing_receipts", queryset=FilingReceipt.objects.select_related("recipient"))
            )
        )

    @admin.display(description=_("名单人数"), ordering="entries_total")
    def entry_count(self, obj):
        return obj.entries_total

    @admin.display(description=_("备案签收"))
    def filing_statuses(self, obj):
        """Each recipient's answer to the latest filing, e.g. "市委组织部:已签收"."""
        latest = {}
        for receipt in obj.filing_receipts.all():  # prefetched by the change list
            if receipt.recipient_id not in latest or receipt.sent_at >= latest[receipt.recipient_id].sent_at:
                latest[receipt.recipient_id] = receipt
        ordered = sorted(latest.values(), key=lambda r: (r.recipient.position, r.recipient_id))
        return "、".join(f"{r.recipient.name}：{r.get_status_display()}" for r in ordered) or "—"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class RequestForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return RequestForm

    def get_fields(self, request, obj=None):
        fields = [
            "street",
            "title",
            "body",
            "decision_reference",
            "ends_at",
            "objection_contact",
        ]
        if obj is None or obj.status == NoticeStatus.DRAFT:
            fields.append("partners")
        return fields + (self.readonly_fields if obj else [])

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != NoticeStatus.DRAFT:
            # A published notice is a public record: nothing changes it any more.
            return [
                "street",
                "title",
                "body",
                "decision_reference",
                "ends_at",
                "objection_contact",
                *self.readonly_fields,
            ]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # A published notice is a public record: view only (its buttons still work).
        return super().has_change_permission(request, obj) and (
            obj is None or (obj.status == NoticeStatus.DRAFT and can_manage_notice.test(request.user, obj))
        )

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.status == NoticeStatus.DRAFT
            and super().has_delete_permission(request, obj)
        )

    def save_model(self, request, obj, form, change):
        notice_save_draft(
            notice=obj,
            street=form.cleaned_data["street"],
            title=obj.title,
            body=obj.body,
            decision_reference=obj.decision_reference,
            ends_at=obj.ends_at,
            objection_contact=obj.objection_contact,
            partners=form.cleaned_data.get("partners") or [],
            by=request.user,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="notices_publicnotice_publish",
            ),
            path(
                "<int:pk>/file/", self.admin_site.admin_view(self.file_view), name="notices_publicnotice_file"
            ),
            path(
                "<int:pk>/end-now/",
                self.admin_site.admin_view(self.end_now_view),
                name="notices_publicnotice_end_now",
            ),
            path(
                "<int:pk>/poster/",
                self.admin_site.admin_view(self.poster_view),
                name="notices_publicnotice_poster",
            ),
            path(
                "<int:pk>/filing-report/",
                self.admin_site.admin_view(self.filing_report_view),
                name="notices_publicnotice_filing_report",
            ),
            *super().get_urls(),
        ]

    def _notice_or_404(self, request, pk):
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _change_url(self, notice):
        return reverse("admin:notices_publicnotice_change", args=[notice.pk])

    def publish_view(self, request, pk):
        notice = self._notice_or_404(request, pk)
        if request.method != "POST":
            return redirect(self._change_url(notice))
        with refusals_as_messages(request) as outcome:
            notice_publish(notice=notice, by=request.user)
        if not outcome.refused:
            messages.success(request, _("公示已发布，名单中的申请人已进入公示期。"))
        return redirect(self._change_url(notice))

    def file_view(self, request, pk):
        """One click: produce the filing report and record the filing (备案)."""
        notice = self._notice_or_404(request, pk)
        if request.method != "POST":
            return redirect(self._change_url(notice))
        with refusals_as_messages(request) as outcome:
            data = notice_file(notice=notice, by=request.user)
        if not outcome.refused:
            return pdf_response(data, f"公示结果备案报告-{notice.pk}.pdf", inline=False)
        return redirect(self._change_url(notice))

    def end_now_view(self, request, pk):
        """立即结束公示: what the beat task would do for this notice, now, as this staff member."""
        notice = get_object_or_404(PublicNotice, pk=pk)
        if not can_manage_notice.test(request.user, notice):
            raise PermissionDenied
        if request.method != "POST":
            return redirect(self._change_url(notice))
        due = notices_due_to_end().filter(pk=notice.pk).exists()
        with refusals_as_messages(request) as outcome:
            moved = notices_end_due(by=request.user, notices=PublicNotice.objects.filter(pk=notice.pk))
        if not outcome.refused:
            notice.refresh_from_db()
            ended = int(due and notice.status == NoticeStatus.ENDED)
            if ended or moved:
                messages.success(
                    request,
                    _("已结束 %(ended)s 个公示，%(moved)s 名申请人进入待签约。")
                    % {"ended": ended, "moved": moved},
                )
            else:
                messages.info(request, _("没有需要结束的公示：该公示未到期或已经结束。"))
        return redirect(self._change_url(notice))

    def poster_view(self, request, pk):
        """The notice-board poster (A4 PDF with a QR code to the online notice)."""
        notice = self._notice_or_404(request, pk)
        with refusals_as_messages(request) as outcome:
            data = notice_poster_pdf(notice)
        if outcome.refused:
            return redirect(self._change_url(notice))
        return pdf_response(data, f"公示海报-{notice.pk}.pdf")

    def filing_report_view(self, request, pk):
        notice = self._notice_or_404(request, pk)
        if not notice.filing_report:
            raise Http404
        return serve_private_file(notice.filing_report, filename=f"公示结果备案报告-{notice.pk}.pdf")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context.update(
                {
                    "can_publish": obj.status == NoticeStatus.DRAFT
                    and can_manage_notice.test(request.user, obj),
                    "can_file": obj.period_over() and can_manage_notice.test(request.user, obj),
                    "filing_receipts": notice_filing_receipts(obj),
                    "can_end_now": obj.status == NoticeStatus.PUBLISHED
                    and obj.period_over()
                    and can_manage_notice.test(request.user, obj),
                }
            )
        return super().change_view(request, object_id, form_url, extra_context)


class ObjectionInvestigationForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["assigned_to", "investigation_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assigned_to" in self.fields:
            self.fields["assigned_to"].queryset = (
                get_user_model()
                .objects.filter(is_active=True, is_staff=True)
                .order_by("first_name", "username")
            )
            self.fields["assigned_to"].label_from_instance = person_name


class ConclusionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("调查结论"),
        widget=forms.RadioSelect,
        choices=[
            (ObjectionStatus.DISMISSED, _("异议不成立（驳回）")),
            (ObjectionStatus.UPHELD, _("异议成立（该申请人不予入驻）")),
        ],
    )
    conclusion = forms.CharField(
        label=_("结论说明"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("异议人凭受理编号可查看此说明，请勿写入他人个人信息。"),
    )


class ObjectionActionForm(ActionForm):
    """The list's action bar asks the conclusion once for all the selected objections."""

    conclusion = forms.CharField(
        label=_("结论说明"),
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
        help_text=_("异议人凭受理编号可查看此说明，请勿写入他人个人信息。"),
    )


@admin.register(Objection)
class ObjectionAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [ObjectionLedger]
    action_form = ObjectionActionForm
    actions = ["dismiss_selected", "uphold_selected"]
    ledger_date_field = "created_at"
    community_path = "entry__partner__community"
    form = ObjectionInvestigationForm
    list_display = [
        "reference",
        "applicant",
        "notice",
        "status",
        "assigned_to_name",
        "created_at",
        "concluded_at",
    ]
    list_filter = ["status", ("notice", street_scoped_filter())]
    search_fields = ["reference", "entry__applicant_name", "objector_name"]
    list_select_related = ["entry", "notice", "assigned_to"]
    readonly_fields = [
        "reference",
        "notice",
        "entry",
        "grounds",
        "evidence_link",
        "objector_name",
        "objector_phone",
        "status",
        "conclusion",
        "concluded_at",
        "concluded_by_name",
        "created_at",
    ]
    fields = [*readonly_fields[:7], "assigned_to", "investigation_note", *readonly_fields[7:]]
    change_form_template = "notices/notice_admin_objection_change_form.html"

    assigned_to_name = person_column(Objection, "assigned_to")
    concluded_by_name = person_column(Objection, "concluded_by")

    @admin.display(description=_("被异议对象"), ordering="entry__applicant_name")
    def applicant(self, obj):
        return obj.entry.applicant_name

    @admin.display(description=_("证明材料"))
    def evidence_link(self, obj):
        if not obj.evidence:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:notices_objection_evidence", args=[obj.pk]),
            obj.evidence_name or _("下载"),
        )

    def has_add_permission(self, request):
        return False  # objections come only from the public notice page

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or (obj.is_open and can_investigate_objection.test(request.user, obj.entry.partner))
        )

    def save_model(self, request, obj, form, change):
        objection_investigate(
            objection=obj,
            by=request.user,
            assigned_to=form.cleaned_data["assigned_to"],
            note=form.cleaned_data["investigation_note"],
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/conclude/",
                self.admin_site.admin_view(self.conclude_view),
                name="notices_objection_conclude",
            ),
            path(
                "<int:pk>/evidence/",
                self.admin_site.admin_view(self.evidence_view),
                name="notices_objection_evidence",
            ),
            *super().get_urls(),
        ]

    def evidence_view(self, request, pk):
        objection = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, objection) or not objection.evidence:
            raise Http404
        return serve_private_file(objection.evidence, filename=objection.evidence_name or None)

    def conclude_view(self, request, pk):
        objection = get_object_or_404(self.get_queryset(request).select_related("entry__partner"), pk=pk)
        change_url = reverse("admin:notices_objection_change", args=[objection.pk])
        if not can_investigate_objection.test(request.user, objection.entry.partner):
            raise PermissionDenied
        if not objection.is_open:
            messages.error(request, _("该异议已办结。"))
            return redirect(change_url)
        form = ConclusionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_as_messages(request) as outcome:
                objection_conclude(
                    objection=objection,
                    upheld=form.cleaned_data["outcome"] == ObjectionStatus.UPHELD,
                    conclusion=form.cleaned_data["conclusion"],
                    by=request.user,
                )
            if not outcome.refused:
                objection.refresh_from_db()
                messages.success(
                    request, _("异议已办结：%(status)s。") % {"status": objection.get_status_display()}
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": objection,
            "title": _("办结异议 %(ref)s") % {"ref": objection.reference},
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "notices/notice_admin_conclude.html", context)

    def _conclude_selected(self, request, queryset, *, upheld: bool):
        """Conclude the selected open objections with one conclusion (rulebook 五(二)3)."""
        with refusals_as_messages(request) as outcome:
            conclusion = objection_conclusion_check(conclusion=request.POST.get("conclusion", ""))
        if outcome.refused:
            return
        done = 0
        for objection in queryset.select_related("entry__partner"):
            with refusals_as_messages(request, prefix=f"{objection.reference}：", join="；") as one:
                objection_conclude(objection=objection, upheld=upheld, conclusion=conclusion, by=request.user)
            done += not one.refused
        if done:
            messages.success(request, _("已办结 %(n)s 件异议。") % {"n": done})

    @admin.action(description=_("驳回所选异议（异议不成立，需填写结论说明）"), permissions=["view"])
    def dismiss_selected(self, request, queryset):
        self._conclude_selected(request, queryset, upheld=False)

    @admin.action(description=_("所选异议成立（该申请人不予入驻，需填写结论说明）"), permissions=["view"])
    def uphold_selected(self, request, queryset):
        self._conclude_selected(request, queryset, upheld=True)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["can_conclude"] = obj.is_open and can_investigate_objection.test(
                request.user, obj.entry.partner
            )
        return super().change_view(request, object_id, form_url, extra_context)


# --- Filing recipients and receipts (备案接收单位、备案签收) ----------------------------------


class StreetRecordsMixin:
    """Street-level records: street staff see their street's, superusers all, others none."""

    street_path = "street"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        profile = user_profile(request.user)
        if profile is None or profile.role != Role.STREET_STAFF:
            return qs.none()
        return qs.filter(**{f"{self.street_path}_id": profile.street_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        profile = user_profile(request.user)
        if db_field.related_model is Street and not request.user.is_superuser:
            kwargs["queryset"] = Street.objects.filter(pk=getattr(profile, "street_id", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FilingRecipient)
class FilingRecipientAdmin(StreetRecordsMixin, admin.ModelAdmin):
    """The organisations a street files its notice results with, and their accounts."""

    list_display = ["name", "street", "position", "active", "member_names"]
    list_filter = [("street", ScopedStreetFilter), "active"]
    filter_horizontal = ["members"]
    fields = ["street", "name", "position", "active", "members"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("street").prefetch_related("members")

    @admin.display(description=_("单位账号"))
    def member_names(self, obj):
        return "、".join(person_name(u) for u in obj.members.all()) or "—"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            # The recipient's own clerks: active accounts that are not the street's staff.
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True, is_superuser=False)
                .exclude(profile__role__in=[Role.STREET_STAFF, Role.COMMUNITY_STAFF])
                .order_by("first_name", "username")
            )
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "members":
            field.label_from_instance = person_name
        return field

    def has_delete_permission(self, request, obj=None):
        return False  # receipts refer to it; switch it off ("报送") instead


@admin.register(FilingReceipt)
class FilingReceiptAdmin(admin.ModelAdmin):
    """Each filing's status per recipient, as the street sees it (read-only)."""

    list_display = ["notice", "recipient", "status", "sent_at", "acknowledged_at", "returned_at", "remark"]
    list_filter = ["status", "recipient__name", ("notice", street_scoped_filter())]
    list_select_related = ["notice", "recipient"]
    search_fields = ["notice__title", "recipient__name"]
    fields = [
        "notice",
        "recipient",
        "status",
        "sent_at",
        "sent_by_name",
        "acknowledged_at",
        "returned_at",
        "remark",
        "answered_by_name",
    ]
    readonly_fields = fields

    sent_by_name = person_column(FilingReceipt, "sent_by")
    answered_by_name = person_column(FilingReceipt, "answered_by")

    def get_queryset(self, request):
        return filing_receipts_visible_to(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # sending the filing creates the rows

    def has_change_permission(self, request, obj=None):
        return False  # only the recipient answers, on its own page

    def has_delete_permission(self, request, obj=None):
        return False
