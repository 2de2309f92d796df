"""Who may keep the three lists and book spaces (named predicates, used by admin, views and API)."""

import rules

from portal.rules import can_manage_in_scope, is_staff_member, is_superuser

# Community staff keep their community's lists; street staff see their whole street.
can_manage_lists = can_manage_in_scope


@rules.predicate
def is_import_owner(user, job):
    return job is None or job.created_by_id == getattr(user, "pk", None)


can_use_import_job = is_staff_member & (is_superuser | is_import_owner)

for model in ("space", "spacephoto", "timeslot", "residentneed", "prospect"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"spaces.{action}_{model}", can_manage_lists)
rules.add_perm("spaces.view_prospectinvitation", can_manage_lists)
rules.add_perm("spaces.invite_prospect", can_manage_lists)
rules.add_perm("spaces.view_importjob", can_use_import_job)
rules.add_perm("spaces.add_importjob", is_staff_member)
rules.add_perm("spaces.view_coverage", is_staff_member)
