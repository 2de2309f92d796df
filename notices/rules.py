"""Who may do what with public notices and objections (rulebook 五(二)3)."""

import rules

from partners.rules import can_decide_for_street
from portal.rules import can_view_in_scope, is_street_staff, is_superuser, scope_q, street_scope_q, user_role

from .models import Objection, PublicNotice


@rules.predicate
def notice_in_users_street(user, notice):
    """The notice belongs to the street this staff member works for."""
    if notice is None:
        return True
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    return profile is not None and profile.street_id == notice.street_id


# Notices are a street decision (党工委会议): street staff draft, publish and file.
can_manage_notice = is_superuser | (is_street_staff & notice_in_users_street)
# Objections are investigated by the street; community staff may read their own.
can_view_objection = can_view_in_scope  # district and city staff read too (issue 15)
can_investigate_objection = can_decide_for_street

rules.add_perm("notices.view_publicnotice", is_superuser | is_street_staff)
rules.add_perm("notices.add_publicnotice", is_superuser | is_street_staff)
rules.add_perm("notices.change_publicnotice", can_manage_notice)
rules.add_perm("notices.delete_publicnotice", can_manage_notice)
rules.add_perm("notices.view_noticeentry", is_superuser | is_street_staff)
rules.add_perm("notices.view_objection", can_view_objection)
rules.add_perm("notices.change_objection", can_investigate_objection)


def notices_visible_to(user, qs=None):
    """Notices a staff member may see in the back office: their street's, or all."""
    qs = PublicNotice.objects.all() if qs is None else qs
    if getattr(user, "is_superuser", False):
        return qs
    if user_role(user) not in ("street_staff", "district_staff", "city_staff"):
        return qs.none()
    return qs.filter(street_scope_q(user, "street"))


def objections_visible_to(user, qs=None):
    qs = Objection.objects.all() if qs is None else qs
    return qs.filter(scope_q(user, "entry__partner__community"))
