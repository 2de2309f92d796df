"""Admin for the three lists, the shared-use calendar, coverage and list imports.

Everything is scoped (ScopedAdminMixin): community staff see their community,
street staff their whole street. Saves and deletions go through
spaces.domain so the overlap rule and the audit trail always apply.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from portal.admin_scoping import ScopedAdminMixin, number_column, person_column, scoped_community_filters
from portal.choices import ServiceCategory, TargetGroup
from portal.dates import local_today
from portal.ledgers import LedgerExportMixin
from portal.models import Community
from portal.rules import scope_queryset
from portal.uploads import IMAGE_KINDS, serve_private_file, validate_upload

from .calendar import space_week
from .coverage import provided_needs_coverage, serving_partners_services
from .domain import (
    describe_slot,
    prospect_save,
    resident_need_save,
    space_save,
    timeslot_create,
    timeslot_delete,
    timeslot_update,
    timeslot_validate,
    timeslots_active_or_upcoming,
)
from .imports import import_job_confirm, import_job_create, import_job_progress, import_job_queue
from .models import (
    ImportJob,
    ImportKind,
    Prospect,
    ResidentNeed,
    Space,
    SpacePhoto,
    TimeSlot,
)
from .resources import ProspectResource, ResidentNeedResource, SpaceResource, TimeSlotResource


class ScopedExportMixin(LedgerExportMixin):
    """Export the (scoped, filtered) change list as a ledger: XLSX or CSV with Chinese headers.

    The columns are the import's, so an exported file can be edited and imported again
    (the import skips the ledger's title row).
    """

    import_export_change_list_template = "admin/spaces/change_list_lists.html"
    import_kind = ""

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "import_kind": self.import_kind}
        return super().changelist_view(request, extra_context)


class ChoiceListField(forms.MultipleChoiceField):
    """A JSONField holding a list of choice codes, edited as checkboxes."""

    widget = forms.CheckboxSelectMultiple


# --- Spaces -----------------------------------------------------------------------


class SpacePhotoForm(forms.ModelForm):
    class Meta:
        model = SpacePhoto
        fields = ["file", "caption"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and hasattr(upload, "content_type"):
            validate_upload(upload, kinds=IMAGE_KINDS)
        return upload

    def save(self, commit=True):
        upload = self.cleaned_data.get("file")
        if upload is not None and hasattr(upload, "content_type"):
            self.instance.original_name = upload.name[:255]
        return super().save(commit)


class SpacePhotoInline(admin.TabularInline):
    model = SpacePhoto
    form = SpacePhotoForm
    extra = 0
    fields = ["preview", "file", "caption"]
    readonly_fields = ["preview"]

    @admin.display(description=_("预览"))
    def preview(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:spaces_space_photo", args=[obj.space_id, obj.pk])
        return format_html(
            '<a href="{0}"><img src="{0}" alt="{1}" style="max-height:80px"></a>',
            url,
            obj.caption or obj.original_name,
        )


@admin.register(Space)
class SpaceAdmin(ScopedExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [SpaceResource]
    ledger_date_field = "created_at"
    import_kind = ImportKind.SPACES
    area_m2_plain = number_column(Space, "area_m2")
    list_display = [
        "name",
        "community",
        "area_m2_plain",
        "nature",
        "occupancy",
        "capacity",
        "facility_list",
        "current_use",
    ]
    list_filter = [
        *scoped_community_filters("community"),
        "nature",
        "occupancy",
        "has_water",
        "has_network",
        "is_accessible",
    ]
    search_fields = ["name", "address", "notes"]
    list_select_related = ["community"]
    inlines = [SpacePhotoInline]
    readonly_fields = ["current_use", "week_link"]
    fieldsets = [
        (None, {"fields": ["community", "name", "address", "area_m2", "nature", "occupancy"]}),
        (
            _("配套设施"),
            {
                "fields": [
                    "has_water",
                    "has_power",
                    "has_network",
                    "has_furniture",
                    "is_accessible",
                    "capacity",
                    "opening_hours",
                ]
            },
        ),
        (_("地图位置"), {"fields": ["latitude", "longitude"]}),
        (_("使用情况"), {"fields": ["current_use", "week_link", "notes"]}),
    ]

    def get_queryset(self, request):
        today = local_today()
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "timeslots",
                    to_attr="slots_now",
                    queryset=timeslots_active_or_upcoming(today).select_related("partner__application"),
                )
            )
        )

    @admin.display(description=_("配套设施"))
    def facility_list(self, obj):
        return "、".join(obj.facilities) or "—"

    @admin.display(description=_("当前使用"))
    def current_use(self, obj):
        slots = getattr(obj, "slots_now", None)
        if slots is None:
            slots = list(
                timeslots_active_or_upcoming(local_today())
                .filter(space=obj)
                .select_related("partner__application")
            )
        if not slots:
            return _("暂无安排")
        return format_html_join(mark_safe("<br>"), "{}", ((describe_slot(s),) for s in slots))

    @admin.display(description=_("周历"))
    def week_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:spaces_space_week", args=[obj.pk]), _("查看本周使用安排")
        )

    def save_model(self, request, obj, form, change):
        space_save(space=obj, by=request.user)

    def get_urls(self):
        return [
            path("<int:pk>/week/", self.admin_site.admin_view(self.week_view), name="spaces_space_week"),
            path(
                "<int:pk>/photos/<int:photo_pk>/",
                self.admin_site.admin_view(self.photo_view),
                name="spaces_space_photo",
            ),
        ] + super().get_urls()

    def _space_in_scope(self, request, pk) -> Space:
        space = get_object_or_404(
            scope_queryset(request.user, Space.objects.select_related("community")), pk=pk
        )
        if not self.has_view_permission(request, space):
            raise PermissionDenied
        return space

    def week_view(self, request, pk):
        """The space's week (who uses it when), with links to the previous and next week."""
        space = self._space_in_scope(request, pk)
        try:
            week_of = parse_date(request.GET.get("week") or "")
        except ValueError:  # a well-formed but impossible date, e.g. 2026-13-45
            week_of = None
        week = space_week(space, week_of=week_of)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "space": space,
            "week": week,
            "title": _("%(space)s · 使用周历") % {"space": space.name},
            "week_url": reverse("admin:spaces_space_week", args=[space.pk]),
        }
        return TemplateResponse(request, "admin/spaces/space_week.html", context)

    def photo_view(self, request, pk, photo_pk):
        space = self._space_in_scope(request, pk)
        photo = get_object_or_404(SpacePhoto, pk=photo_pk, space=space)
        return serve_private_file(photo.file, filename=photo.original_name or None, inline=True)


# --- Time slots ---------------------------------------------------------------------


class TimeSlotForm(forms.ModelForm):
    class Meta:
        model = TimeSlot
        fields = [
            "space",
            "partner",
            "title",
            "weekday",
            "date",
            "start_time",
            "end_time",
            "valid_from",
            "valid_to",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = TimeSlot(pk=self.instance.pk, **{f: cleaned.get(f) for f in self.Meta.fields})
        try:
            timeslot_validate(candidate)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return cleaned


@admin.register(TimeSlot)
class TimeSlotAdmin(ScopedExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    community_path = "space__community"
    resource_classes = [TimeSlotResource]
    import_kind = ImportKind.TIMESLOTS
    form = TimeSlotForm
    list_display = ["space", "who", "weekday", "date", "start_time", "end_time", "valid_from", "valid_to"]
    list_filter = [*scoped_community_filters("space__community"), "weekday"]
    search_fields = ["space__name", "title", "partner__application__applicant_name"]
    list_select_related = ["space__community", "partner__application"]
    autocomplete_fields = []

    @admin.display(description=_("使用方"))
    def who(self, obj):
        return obj.partner.name if obj.partner_id else (obj.title or _("社区活动"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "space":
            kwargs["queryset"] = scope_queryset(request.user, Space.objects.select_related("community"))
        elif db_field.name == "partner":
            kwargs["queryset"] = scope_queryset(request.user, Partner.objects.select_related("application"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data.get(f) for f in TimeSlotForm.Meta.fields}
        if change:
            timeslot_update(slot=TimeSlot.objects.get(pk=obj.pk), by=request.user, **data)
        else:
            obj.pk = timeslot_create(by=request.user, **data).pk

    def delete_model(self, request, obj):
        timeslot_delete(slot=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for slot in queryset.select_related("space__community", "partner__application"):
            timeslot_delete(slot=slot, by=request.user)


# --- Resident needs and coverage ----------------------------------------------------------


class ResidentNeedForm(forms.ModelForm):
    target_groups = ChoiceListField(label=_("服务对象"), choices=TargetGroup.choices, required=False)

    class Meta:
        model = ResidentNeed
        fields = [
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


@admin.register(ResidentNeed)
class ResidentNeedAdmin(ScopedExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = ResidentNeedForm
    resource_classes = [ResidentNeedResource]
    ledger_date_field = "collected_on"
    import_kind = ImportKind.NEEDS
    list_display = [
        "title",
        "community",
        "category",
        "collection_method",
        "residents_count",
        "target_group_list",
        "space",
        "covered_by",
    ]
    list_filter = [*scoped_community_filters("community"), "category", "collection_method"]
    search_fields = ["title", "description", "collected_by"]
    list_select_related = ["community", "space__community", "covered_by__application"]
    date_hierarchy = "collected_on"

    @admin.display(description=_("服务对象"))
    def target_group_list(self, obj):
        return obj.get_target_groups_display() or "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "space":
            kwargs["queryset"] = scope_queryset(request.user, Space.objects.select_related("community"))
        elif db_field.name == "covered_by":
            kwargs["queryset"] = scope_queryset(request.user, Partner.objects.select_related("application"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        resident_need_save(need=obj, by=request.user)

    def get_urls(self):
        return [
            path("coverage/", self.admin_site.admin_view(self.coverage_view), name="spaces_coverage")
        ] + super().get_urls()

    def coverage_view(self, request):
        """Needs next to the serving partners' services: the gaps a recruitment call should fill."""
        if not request.user.has_perm("spaces.view_coverage"):
            raise PermissionDenied
        needs = self.get_queryset(request)
        community = request.GET.get("community")
        if community and community.isdigit():
            needs = needs.filter(community_id=int(community))
        category = request.GET.get("category")
        if category in ServiceCategory.values:
            needs = needs.filter(category=category)
        rows = provided_needs_coverage(needs)
        communities = scope_queryset(request.user, Community.objects.all(), "")
        services = serving_partners_services(
            communities.filter(pk=int(community)) if community and community.isdigit() else communities
        )
        only_gaps = request.GET.get("gaps") == "1"
        if only_gaps:
            rows = [r for r in rows if not r.is_covered]
        summary: dict = {}
        for row in provided_needs_coverage(needs) if only_gaps else rows:
            entry = summary.setdefault(
                row.need.category,
                {
                    "label": row.need.get_category_display(),
                    "needs": 0,
                    "uncovered": 0,
                    "residents": 0,
                    "uncovered_residents": 0,
                },
            )
            entry["needs"] += 1
            entry["residents"] += row.need.residents_count
            if not row.is_covered:
                entry["uncovered"] += 1
                entry["uncovered_residents"] += row.need.residents_count
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "rows": rows,
            "title": _("需求覆盖情况"),
            "summary": sorted(summary.values(), key=lambda e: -e["uncovered_residents"]),
            "communities": communities,
            "services": services,
            "categories": ServiceCategory.choices,
            "selected_community": community or "",
            "selected_category": category or "",
            "only_gaps": only_gaps,
        }
        return TemplateResponse(request, "admin/spaces/coverage.html", context)


# --- Prospects and invitations ------------------------------------------------------------


class ProspectForm(forms.ModelForm):
    categories = ChoiceListField(label=_("服务类别"), choices=ServiceCategory.choices, required=False)

    class Meta:
        model = Prospect
        fields = [
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


@admin.register(Prospect)
class ProspectAdmin(ScopedExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = ProspectForm
    resource_classes = [ProspectResource]
    ledger_date_field = "created_at"
    import_kind = ImportKind.PROSPECTS
    list_display = [
        "name",
        "community",
        "kind",
        "contact_name",
        "phone",
        "email",
        "category_list",
        "contact_status",
    ]
    list_filter = [*scoped_community_filters("community"), "kind", "contact_status"]
    search_fields = ["name", "contact_name", "offer"]
    list_select_related = ["community"]

    @admin.display(description=_("服务类别"))
    def category_list(self, obj):
        return obj.get_categories_display() or "—"

    def save_model(self, request, obj, form, change):
        prospect_save(prospect=obj, by=request.user)

    def has_invite_permission(self, request):
        return request.user.has_perm("spaces.invite_prospect")


# --- List imports ----------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("清单"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("文件（XLSX 或 CSV）"),
        help_text=_("第一行为中文列名，与导出文件相同。整份文件有任何错误行都不会导入。"),
    )


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "kind",
        "status",
        "total",
        "new_count",
        "update_count",
        "created_by_name",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]

    created_by_name = person_column(ImportJob, "created_by")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(created_by=request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("spaces.view_importjob", obj)

    def has_add_permission(self, request):
        return request.user.has_perm("spaces.add_importjob")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/status/",
                self.admin_site.admin_view(self.status_view),
                name="spaces_importjob_status",
            ),
        ] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        """Upload a list file; the worker checks it and the status page shows the result."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(
            request.POST or None,
            request.FILES or None,
            initial={"kind": request.GET.get("kind", ImportKind.SPACES)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                job = import_job_create(
                    kind=form.cleaned_data["kind"], uploaded=form.cleaned_data["file"], by=request.user
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                import_job_queue(job=job)
                return HttpResponseRedirect(reverse("admin:spaces_importjob_status", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": _("导入清单"),
        }
        return TemplateResponse(request, "admin/spaces/import_upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:spaces_importjob_status", args=[object_id]))

    def status_view(self, request, pk):
        """Progress (refreshes itself without JavaScript), preview, errors, and the confirm button."""
        job = self.get_queryset(request).filter(pk=pk).select_related("created_by").first()
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        if request.method == "POST" and "confirm" in request.POST:
            if import_job_confirm(job=job, by=request.user):
                self.message_user(request, _("已确认，正在后台导入。"), messages.INFO)
            return HttpResponseRedirect(reverse("admin:spaces_importjob_status", args=[job.pk]))
        done = import_job_progress(job)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "job": job,
            "done": done,
            "percent": int(done * 100 / job.total) if job.total else 0,
            "title": _("导入任务：%(name)s") % {"name": job.original_name},
        }
        return TemplateResponse(request, "admin/spaces/import_status.html", context)
