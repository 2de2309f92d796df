"""Admin base classes that apply the one scoping rule (portal.rules) everywhere."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .formatting import plain_number
from .models import Community, Street, person_name
from .rules import in_users_scope, is_level_staff, scope_queryset, street_scope_q


def number_column(model, field_name: str):
    """An admin column (or read-only field) showing a decimal without stray zeros (72.0000 → 72).

    Use it like `person_column`: `hours_plain = number_column(ServiceLog, "hours")`.
    """
    description = model._meta.get_field(field_name).verbose_name

    @admin.display(description=description, ordering=field_name)
    def column(self, obj):
        value = getattr(obj, field_name)
        return plain_number(value) if value is not None else None

    column.__name__ = f"{field_name}_plain"
    return column


def person_column(model, field_name: str, *, nobody=None):
    """An admin column (or read-only field) naming the user in `model.field_name`.

    Staff see people's names (portal.models.person_name), never login names.
    Use it as a class attribute and list its name instead of the field's:

        recorded_by_name = person_column(AgreementSignature, "recorded_by")

    The heading is the field's verbose name. `nobody` is shown when the field
    is empty (default: the admin's “-”).
    """
    description = model._meta.get_field(field_name).verbose_name

    @admin.display(description=description, ordering=field_name)
    def column(self, obj):
        user = getattr(obj, field_name)
        return nobody if user is None else person_name(user)

    column.__name__ = f"{field_name}_name"
    return column


# A whole table larger than this is counted by the planner's estimate (issue 14).
ESTIMATE_COUNT_ABOVE = 100_000


class EstimatedCountPaginator(Paginator):
    """Exact counts, except for a whole big table: its row estimate (pg_class.reltuples).

    Only a superuser's unfiltered list reads a whole table (staff lists always carry
    their scope's WHERE); COUNT(*) over a city's million service logs is a sequential
    scan of the table on every page. Filtered lists, and tables never ANALYZEd or
    below ESTIMATE_COUNT_ABOVE rows, are counted exactly.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.where:
            connection = connections[queryset.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                        [queryset.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                if row and row[0] > ESTIMATE_COUNT_ABOVE:
                    return row[0]
        return super().count


def read_only_actions(request, actions: dict) -> dict:
    """District and city staff keep only the export actions: they read and export, never act (issue 15)."""
    if not is_level_staff.test(request.user):
        return actions
    return {name: action for name, action in actions.items() if name.startswith("export")}


class ScopedAdminMixin:
    """Limit an admin to the records in the user's scope.

    `community_path` is the lookup from the model to its community. Lists,
    change pages, exports and actions all go through get_queryset, so a
    record outside the scope is simply not found (404), never shown.
    """

    community_path = "community"
    street_path = None  # a model that keeps its street itself: the lookup to it (scope_q)

    # City scale (issue 14): a street holds ~20,000 service logs and ~2,000 feedback
    # entries. Fifty rows keep a list page under 100 KB and its rendering short, and
    # the "N in total" count over the whole scope (a second COUNT(*) on every
    # filtered page) is left out: the filtered count is shown, "show all" is a link.
    list_per_page = 50
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_queryset(self, request):
        return scope_queryset(
            request.user, super().get_queryset(request), self.community_path, street_path=self.street_path
        )

    @property
    def media(self):
        media = super().media
        if any(isinstance(f, tuple) and f[1] is ScopedCommunityFilter for f in self.list_filter):
            media += autocomplete_filter_media()
        return media

    def action_checkbox(self, obj):
        """The row checkbox as Django renders it, written directly: the widget and
        template rendering per row cost a fifth of a 100-row list's time."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or in_users_scope.test(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or in_users_scope.test(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or in_users_scope.test(request.user, obj)
        )

    def get_actions(self, request):
        return read_only_actions(request, super().get_actions(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only communities (and things in them) the user looks after."""
        if db_field.related_model is Community:
            kwargs["queryset"] = scope_queryset(request.user, Community.objects.all(), "")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# A user whose scope holds more communities than this (a superuser over a city:
# 3,000) is not offered them all as filter links; they pick a street first.
COMMUNITY_FILTER_LIMIT = 60


class ScopedCommunityFilter(admin.RelatedFieldListFilter):
    """The community filter offers only communities in the user's scope (no names leak).

    Street staff see their street's communities, community staff nothing to choose
    (one community: the filter hides itself). A user whose scope is larger than
    COMMUNITY_FILTER_LIMIT sees only the communities of the street chosen in the
    street filter (ScopedStreetFilter on the same path) and the one selected, so
    the page never prints a city's 3,000 names. Above the links, a box finds any
    community of the scope by typing (Django's admin autocomplete view, which asks
    CommunityAdmin: scoped by its get_queryset, searched by its search_fields).
    Use it on any community path:

        list_filter = [("partner__community__street", ScopedStreetFilter),
                       ("partner__community", ScopedCommunityFilter)]

    The admin needs ScopedAdminMixin (its media loads the autocomplete script).
    """

    template = "admin/portal/autocomplete_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.city_wide = self._large_scope
        self.autocomplete = self._autocomplete_box(field, request, model_admin)

    def field_choices(self, field, request, model_admin):
        communities = scope_queryset(request.user, Community.objects.order_by("name"), "")
        # Street and community staff's scope is one street at most; superusers and level staff span many.
        city_wide = getattr(request.user, "is_superuser", False) or is_level_staff.test(request.user)
        self._large_scope = city_wide and (
            communities[: COMMUNITY_FILTER_LIMIT + 1].count() > COMMUNITY_FILTER_LIMIT
        )
        if self._large_scope:
            street = request.GET.get(f"{self.field_path}__street__id__exact")
            narrowed = Q(pk__in=[v for v in self.lookup_val or [] if str(v).isdigit()])
            if street and street.isdigit():
                narrowed |= Q(street_id=int(street))
            communities = communities.filter(narrowed)
        return [(c.pk, c.name) for c in communities]

    def has_output(self):
        return self.city_wide or super().has_output()

    def _autocomplete_box(self, field, request, model_admin):
        """The select2 box naming the selected community (one query when one is selected)."""
        selected = [v for v in self.lookup_val or [] if str(v).isdigit()]
        choices = forms.ModelChoiceField(
            queryset=scope_queryset(request.user, Community.objects.all(), ""), required=False
        )
        widget = AutocompleteSelect(field, model_admin.admin_site, attrs={"data-filter-autocomplete": ""})
        widget.choices = choices.choices
        widget.attrs["data-filter-clear"] = " ".join([self.lookup_kwarg, self.lookup_kwarg_isnull])
        widget.attrs["aria-label"] = _("输入社区名称查找")
        return widget.render(self.lookup_kwarg, selected[0] if selected else None)


def autocomplete_filter_media():
    """Scripts and styles of the community filter's box: Django's select2 and ours."""
    select2 = AutocompleteSelect(None, admin.site).media  # the field only names the request
    ours = ["admin/js/jquery.init.js", "admin/js/autocomplete.js", "portal/autocomplete_filter.js"]
    return select2 + forms.Media(js=ours)  # listed after what it uses, so merging keeps the order


class ScopedStreetFilter(admin.RelatedFieldListFilter):
    """The street filter offers only streets in the user's scope.

    Street and community staff have one street, so the filter hides itself;
    superusers choose among all streets (a city has ~50), district and city
    staff among the streets below them.
    """

    def field_choices(self, field, request, model_admin):
        if getattr(request.user, "is_superuser", False):
            return [(s.pk, s.name) for s in Street.objects.order_by("name")]
        if is_level_staff.test(request.user):
            streets = Street.objects.filter(street_scope_q(request.user, "")).order_by("name")
            return [(s.pk, s.name) for s in streets]
        return []  # staff's scope is one street at most: nothing to choose, no query


def street_scoped_filter(street_path: str = "street"):
    """A related-record filter (a call, a notice, a department) offering only records of
    the user's street, so staff never see another street's titles.

    `street_path` is the lookup from the related model to its Street. A superuser is
    offered the newest COMMUNITY_FILTER_LIMIT records and the one selected, never a
    city's every record.

        list_filter = [("call", street_scoped_filter())]
    """

    class StreetScopedFilter(admin.RelatedFieldListFilter):
        def field_choices(self, field, request, model_admin):
            records = field.related_model._default_manager.all()
            if getattr(request.user, "is_superuser", False):
                selected = [v for v in self.lookup_val or [] if str(v).isdigit()]
                newest = records.order_by("-pk").values("pk")[:COMMUNITY_FILTER_LIMIT]
                records = records.filter(
                    Q(pk__in=list(newest.values_list("pk", flat=True))) | Q(pk__in=selected)
                )
            else:
                streets = Street.objects.filter(street_scope_q(request.user, "")).values("pk")
                records = records.filter(**{f"{street_path}__in": streets})
            return [(r.pk, str(r)) for r in records]

    return StreetScopedFilter


def scoped_community_filters(community_path: str) -> list:
    """The street and community filters for `community_path`, both scoped to the user."""
    return [(f"{community_path}__street", ScopedStreetFilter), (community_path, ScopedCommunityFilter)]


class AppendOnlyAdminMixin:
    """Read-only in the admin: nothing can be added, changed or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AppendOnlyInline(AppendOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


def form_for_user(form_class, user):
    """The admin instantiates forms without the user; bind it for forms that need it."""

    class Bound(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, user=user, **kwargs)

    Bound.__name__ = form_class.__name__
    return Bound
