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


@rules.predicate
def is_district_staff(user):
    return user_role(user) == Role.DISTRICT_STAFF


@rules.predicate
def is_city_staff(user):
    return user_role(user) == Role.CITY_STAFF


# District and city staff (issue 15) see and export everything below them, read-only:
# they hold no add/change/delete permission, no transition and no domain write.
is_level_staff = is_district_staff | is_city_staff

# Who may write: the street and community that run the programme (and superusers).
is_staff_member = is_superuser | is_street_staff | is_community_staff
# Who may read the programme's staff pages: the writers and the levels above them.
is_staff_reader = is_staff_member | is_level_staff


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
    if profile.role in (Role.DISTRICT_STAFF, Role.CITY_STAFF):
        return street_in_level(profile, community.street)
    return False


def street_in_level(profile, street) -> bool:
    """Whether `street` lies below a district or city staff member's level."""
    if street is None or street.district_id is None:
        return False
    if profile.role == Role.DISTRICT_STAFF:
        return street.district_id == profile.district_id
    if profile.role == Role.CITY_STAFF:
        return profile.city_id is not None and street.district.city_id == profile.city_id
    return False


@rules.predicate
def in_users_levels(user, obj):
    """The record (or its community) lies in a street below the user's district or city."""
    profile = user_profile(user)
    if profile is None or obj is None:
        return obj is None
    street = getattr(obj, "street", None)
    if street is None:
        community = community_of(obj)
        street = community.street if community is not None else None
    return street_in_level(profile, street)


can_manage_in_scope = is_superuser | ((is_street_staff | is_community_staff) & in_users_scope)
can_manage_street_wide = is_superuser | (is_street_staff & in_users_scope)
# Read access: whoever may manage the record, and the levels above its street.
can_view_in_scope = can_manage_in_scope | (is_level_staff & in_users_scope)


def scope_queryset(
    user, qs: QuerySet, community_path: str = "community", *, street_path: str | None = None
) -> QuerySet:
    """Limit `qs` to the records in the user's scope.

    `community_path` is the lookup from the model to its Community, e.g.
    "community" or "partner__community". Street staff see their street,
    community staff their community, superusers everything, others nothing.
    `street_path` is a shorter lookup to the same street, for a model that
    keeps its street itself (a service log's `street`), so the levels from
    the street up filter on it without joining the community.
    """
    return qs.filter(scope_q(user, community_path, street_path=street_path))


def scope_q(user, community_path: str = "community", *, street_path: str | None = None) -> Q:
    """The same scope as a Q object, for annotations and subqueries."""
    if getattr(user, "is_superuser", False):
        return Q()
    profile = user_profile(user)
    if profile is None:
        return Q(pk__in=[])
    prefix = f"{community_path}__" if community_path else ""
    street = f"{street_path}_id" if street_path else f"{prefix}street_id"
    above = f"{street_path}__" if street_path else f"{prefix}street__"
    if profile.role == Role.STREET_STAFF and profile.street_id:
        return Q(**{street: profile.street_id})
    if profile.role == Role.COMMUNITY_STAFF and profile.community_id:
        return Q(**{f"{prefix}id": profile.community_id})
    if profile.role == Role.DISTRICT_STAFF and profile.district_id:
        return Q(**{f"{above}district_id": profile.district_id})
    if profile.role == Role.CITY_STAFF and profile.city_id:
        return Q(**{f"{above}district__city_id": profile.city_id})
    return Q(pk__in=[])


def street_scope_q(user, street_path: str = "street") -> Q:
    """The scope of records that belong to a street (a call, a notice, a meeting).

    `street_path` is the lookup from the model to its Street ("" for Street itself).
    Street and community staff see their street's records, district and city staff
    those of every street below them, superusers everything, others nothing.
    """
    if getattr(user, "is_superuser", False):
        return Q()
    profile = user_profile(user)
    if profile is None:
        return Q(pk__in=[])
    prefix = f"{street_path}__" if street_path else ""
    street_id = profile.street_id
    if profile.role == Role.COMMUNITY_STAFF and not street_id and profile.community_id:
        street_id = profile.community.street_id
    if profile.role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF) and street_id:
        return Q(**{f"{prefix}id": street_id})
    if profile.role == Role.DISTRICT_STAFF and profile.district_id:
        return Q(**{f"{prefix}district_id": profile.district_id})
    if profile.role == Role.CITY_STAFF and profile.city_id:
        return Q(**{f"{prefix}district__city_id": profile.city_id})
    return Q(pk__in=[])


def street_scope_queryset(user, qs: QuerySet, street_path: str = "street") -> QuerySet:
    """Limit `qs` (records of a street) to the user's scope (street_scope_q)."""
    return qs.filter(street_scope_q(user, street_path))


def has_several_streets(user) -> bool:
    """Whether the user's scope spans more than one street (superusers, district and city staff)."""
    return bool(getattr(user, "is_superuser", False) or is_level_staff.test(user))


# Staff open every programme app in the admin; what they then see and may do
# is decided per model (each app's rules.py) and per record (the scope above).
PROGRAMME_APPS = [
    "portal",
    "spaces",
    "calls",
    "partners",
    "notices",
    "reviews",
    "agreements",
    "services",
    "surveys",
]
for _app in PROGRAMME_APPS:
    rules.set_perm(_app, is_staff_reader)

# The foundation's own records: staff read them, within their scope.
rules.set_perm("portal.view_community", is_staff_reader)
rules.set_perm("portal.view_auditevent", is_staff_reader)
rules.set_perm("portal.view_street", is_staff_reader)
rules.set_perm("portal.change_street", is_superuser | is_street_staff)
rules.set_perm("portal.view_profile", is_superuser | is_street_staff | is_level_staff)
rules.set_perm("portal.view_district", is_superuser | is_level_staff)
rules.set_perm("portal.view_city", is_superuser | is_city_staff)
rules.set_perm("portal.view_levelpolicy", is_superuser | is_level_staff)


def level_staff_may_read(user, perm: str, obj=None) -> bool:
    """District and city staff hold every programme app's view permission, within their scope.

    One rule instead of an `| is_level_staff` on each app's view_* line: the levels
    read everything below them and write nothing (issue 15). `perm` is
    "app.view_…" (models and read-only pages such as view_dossier, view_dashboard).
    """
    app, _dot, codename = perm.partition(".")
    if app not in PROGRAMME_APPS or not codename.startswith("view_"):
        return False
    if not is_level_staff.test(user):
        return False
    if obj is None:
        return True
    if community_of(obj) is None and hasattr(obj, "street"):
        profile = user_profile(user)
        return street_in_level(profile, obj.street)
    return bool(in_users_scope.test(user, obj))


class LevelStaffReadBackend:
    """Authentication backend granting level_staff_may_read (AUTHENTICATION_BACKENDS)."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if not getattr(user_obj, "is_active", False):
            return False
        return level_staff_may_read(user_obj, perm, obj)
