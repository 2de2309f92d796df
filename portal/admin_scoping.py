"""Admin base classes that apply the one scoping rule (portal.rules) everywhere."""

from __future__ import annotations

from django.contrib import admin

from .models import Community
from .rules import in_users_scope, scope_queryset


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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only communities (and things in them) the user looks after."""
        if db_field.related_model is Community:
            kwargs["queryset"] = scope_queryset(request.user, Community.objects.all(), "")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
