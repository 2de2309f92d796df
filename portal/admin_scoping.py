"""Admin base classes that apply the one scoping rule (portal.rules) everywhere."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q

from .models import Community, Street, person_name
from .rules import in_users_scope, is_level_staff, scope_queryset, street_scope_q


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

    def get_queryset(self, request):
        return scope_queryset(request.user, super().get_queryset(request), self.community_path)

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
    the page never prints a city's 3,000 names. Use it on any community path:

        list_filter = [("partner__community__street", ScopedStreetFilter),
                       ("partner__community", ScopedCommunityFilter)]
    """

    def field_choices(self, field, request, model_admin):
        communities = scope_queryset(request.user, Community.objects.order_by("name"), "")
        # Street and community staff's scope is one street at most; superusers and level staff span many.
        city_wide = getattr(request.user, "is_superuser", False) or is_level_staff.test(request.user)
        if city_wide and communities[: COMMUNITY_FILTER_LIMIT + 1].count() > COMMUNITY_FILTER_LIMIT:
            street = request.GET.get(f"{self.field_path}__street__id__exact")
            narrowed = Q(pk__in=[v for v in self.lookup_val or [] if str(v).isdigit()])
            if street and street.isdigit():
                narrowed |= Q(street_id=int(street))
            communities = communities.filter(narrowed)
        return [(c.pk, c.name) for c in communities]


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
