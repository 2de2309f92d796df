"""Who may see and do what: one place, used by admin, views, API and FSM alike.

Role predicates (django-rules) say *who* someone is; `scope_queryset` says
*where* they may look. Each app's rules.py combines these into named
permissions (`partners.forward_application`, …).
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from .models import Role


def user_profile(user):
    """The user's programme profile (role and scope), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Exception:  # RelatedObjectDoesNotExist: a user without a role
        return None


def user_role(user) -> str | None:
    profile = user_profile(user)
    return profile.role if profile else None


@rules.predicate
def is_superuser(user):
    return bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_street_staff(user):
    return user_role(user) == Role.STREET_STAFF


@rules.predicate
def is_community_staff(user):
    return user_role(user) == Role.COMMUNITY_STAFF


@rules.predicate
def is_reviewer(user):
    return user_role(user) == Role.REVIEWER


@rules.predicate
def is_observer(user):
    return user_role(user) == Role.OBSERVER


@rules.predicate
def is_partner_user(user):
    return user_role(user) == Role.PARTNER


is_staff_member = is_superuser | is_street_staff | is_community_staff


def community_of(obj):
    """The community a record belongs to (follows `.community` or `.get_community()`)."""
    if obj is None:
        return None
    if hasattr(obj, "get_community"):
        return obj.get_community()
    return getattr(obj, "community", None)


@rules.predicate
def in_users_scope(user, obj):
    """The record belongs to a community this staff member looks after."""
    if obj is None:
        return True
    if getattr(user, "is_superuser", False):
        return True
    profile = user_profile(user)
    community = community_of(obj)
    if profile is None or community is None:
        return False
    if profile.role == Role.STREET_STAFF:
        return community.street_id == profile.street_id
    if profile.role == Role.COMMUNITY_STAFF:
        return community.pk == profile.community_id
    return False


can_manage_in_scope = is_superuser | ((is_street_staff | is_community_staff) & in_users_scope)
can_manage_street_wide = is_superuser | (is_street_staff & in_users_scope)


def scope_queryset(user, qs: QuerySet, community_path: str = "community") -> QuerySet:
    """Limit `qs` to the records in the user's scope.

    `community_path` is the lookup from the model to its Community, e.g.
    "community" or "partner__community". Street staff see their street,
    community staff their community, superusers everything, others nothing.
    """
    return qs.filter(scope_q(user, community_path))


def scope_q(user, community_path: str = "community") -> Q:
    """The same scope as a Q object, for annotations and subqueries."""
    if getattr(user, "is_superuser", False):
        return Q()
    profile = user_profile(user)
    if profile is None:
        return Q(pk__in=[])
    prefix = f"{community_path}__" if community_path else ""
    if profile.role == Role.STREET_STAFF and profile.street_id:
        return Q(**{f"{prefix}street_id": profile.street_id})
    if profile.role == Role.COMMUNITY_STAFF and profile.community_id:
        return Q(**{f"{prefix}id": profile.community_id})
    return Q(pk__in=[])


# Staff open every programme app in the admin; what they then see and may do
# is decided per model (each app's rules.py) and per record (the scope above).
PROGRAMME_APPS = ["portal", "spaces", "calls", "partners", "notices", "reviews", "agreements", "services"]
for _app in PROGRAMME_APPS:
    rules.set_perm(_app, is_staff_member)

# The foundation's own records: staff read them, within their scope.
rules.set_perm("portal.view_community", is_staff_member)
rules.set_perm("portal.view_auditevent", is_staff_member)
rules.set_perm("portal.view_street", is_staff_member)
rules.set_perm("portal.change_street", is_superuser | is_street_staff)
rules.set_perm("portal.view_profile", is_superuser | is_street_staff)
