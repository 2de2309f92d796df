"""Who may vet, run a roadshow, score and decide (django-rules predicates).

Street-level records (roadshows, rubrics, committee meetings) belong to a
street: the street's staff manage them. Reviewers act only on the roadshows
whose panels they sit on.
"""

import rules

from portal.models import Role, Street
from portal.rules import (
    can_manage_in_scope,
    can_manage_street_wide,
    community_of,
    in_users_levels,
    is_level_staff,
    is_superuser,
    user_profile,
)

from .models import PanelMember


def street_id_of(obj):
    """The street a review record belongs to, following its parents."""
    if isinstance(obj, Street):
        return obj.pk
    if hasattr(obj, "street_id"):
        return obj.street_id
    for parent in ("roadshow", "rubric", "panel", "meeting", "member"):
        if hasattr(obj, f"{parent}_id"):
            return street_id_of(getattr(obj, parent))
    community = community_of(obj)
    return community.street_id if community is not None else None


@rules.predicate
def is_street_staff_of(user, obj):
    """Street staff of the street `obj` belongs to (`obj.street_id`)."""
    profile = user_profile(user)
    if profile is None or profile.role != Role.STREET_STAFF:
        return False
    return obj is None or profile.street_id == street_id_of(obj)


@rules.predicate
def is_on_roadshow_panel(user, roadshow):
    if roadshow is None or not getattr(user, "is_authenticated", False):
        return False

    return PanelMember.objects.filter(panel__roadshow=roadshow, user=user).exists()


@rules.predicate
def is_vetting_department_member(user, department):
    """One of the accounts linked to this vetting department (VettingDepartment.members)."""
    if department is None or not getattr(user, "is_authenticated", False):
        return False
    return department.members.filter(pk=user.pk).exists()


@rules.predicate
def roadshow_is_closed(user, roadshow):
    return roadshow is not None and roadshow.is_closed


# Vetting and committee decisions are the street's (五(一)3, 五(二)2).
can_vet = can_manage_street_wide
can_view_vetting = can_manage_in_scope
# A department's conclusion is recorded by that department's own accounts; a
# superuser may record it on the department's behalf (五(一)3, 七2).
can_record_vetting_for = is_superuser | (is_street_staff_of & is_vetting_department_member)
can_manage_street_record = is_superuser | is_street_staff_of
# The scoring page: panel members only; results after scoring is closed.
can_score_roadshow = is_on_roadshow_panel
can_view_results = (
    can_manage_street_record
    | (is_level_staff & in_users_levels)  # district and city staff read (issue 15)
    | (is_on_roadshow_panel & roadshow_is_closed)
)

rules.add_perm("reviews.vet", can_vet)
rules.add_perm("reviews.view_vetting", can_view_vetting)
rules.add_perm("reviews.record_vetting_for", can_record_vetting_for)
rules.add_perm("reviews.manage_roadshow", can_manage_street_record)
rules.add_perm("reviews.score", can_score_roadshow)
rules.add_perm("reviews.view_results", can_view_results)


# Admin model permissions: street staff run the review stage; community staff
# may read the vetting of their own communities' applicants.
_STREET_MODELS = [
    "reviewpolicy",
    "vettingdepartment",
    "rubric",
    "criterion",
    "roadshow",
    "roadshowentry",
    "panel",
    "panelmember",
    "committeemeeting",
    "decision",
    "sitevisit",
    "scoresheet",
    "conflictdeclaration",
]
for _model in _STREET_MODELS:
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"reviews.{_action}_{_model}", can_manage_street_record)
rules.add_perm("reviews.view_vettingcheck", can_view_vetting)
for _action in ("add", "change"):
    rules.add_perm(f"reviews.{_action}_vettingcheck", can_vet)
