"""Who may see and do what with service logs, feedback, evaluations and exits."""

import rules

from portal.rules import (
    can_manage_in_scope,
    can_manage_street_wide,
    can_view_in_scope,
    is_level_staff,
    is_observer,
    is_partner_user,
    is_staff_member,
    is_staff_reader,
    is_superuser,
)


def partner_id_of(user):
    """The partner a partner user belongs to, or None."""
    account = getattr(user, "partner_account", None) if getattr(user, "is_authenticated", False) else None
    try:
        return account.partner_id if account else None
    except Exception:
        return None


def _partner_id(obj):
    if obj is None:
        return None
    if hasattr(obj, "partner_id"):
        return obj.partner_id
    if hasattr(obj, "log"):
        return obj.log.partner_id
    return getattr(obj, "pk", None)  # a Partner itself


@rules.predicate
def is_own_record(user, obj):
    """The record (log, file, feedback, agreement, partner) belongs to the user's partner."""
    pid = partner_id_of(user)
    return pid is not None and pid == _partner_id(obj)


@rules.predicate
def account_writable(user):
    try:
        return not user.partner_account.read_only
    except Exception:
        return False


@rules.predicate
def log_is_open(user, log):
    return log is None or log.is_open


@rules.predicate
def observes_partner_community(user, partner):
    observer = getattr(user, "observer", None)
    return bool(
        observer and observer.active and partner is not None and observer.community_id == partner.community_id
    )


is_partner_member = is_partner_user & is_own_record
# District and city staff read (and export) the records below them (issue 15).
can_view_partner_records = can_view_in_scope | is_partner_member
can_write_own_log = is_partner_member & account_writable & log_is_open
can_review_log = can_manage_in_scope
can_record_observation = is_observer & observes_partner_community
can_moderate_feedback = can_manage_in_scope
can_record_evaluation = can_manage_in_scope
can_record_exit = can_manage_street_wide
can_view_dossier = can_view_in_scope
can_view_dashboard = is_staff_reader

# Named permissions for pages and API.
rules.add_perm("services.write_own_servicelog", can_write_own_log)
rules.add_perm("services.review_servicelog", can_review_log)
rules.add_perm("services.record_observation", can_record_observation)
rules.add_perm("services.moderate_feedback", can_moderate_feedback)
rules.add_perm("services.record_evaluation", can_record_evaluation)
rules.add_perm("services.record_exit", can_record_exit)
rules.add_perm("services.view_dossier", can_view_dossier)
rules.add_perm("services.view_dashboard", can_view_dashboard)
# Comparing streets is for the levels above them (issue 15): district and city staff, the superuser.
can_compare_streets = is_superuser | is_level_staff
rules.add_perm("services.compare_streets", can_compare_streets)

# The admin's model permissions: staff in scope (the admin scopes querysets too).
for model in [
    "servicelog",
    "servicelogfile",
    "feedback",
    "evaluation",
    "evaluationappointment",
    "recognition",
    "observer",
    "observation",
    "observationphoto",
    "partneraccount",
    "logolicence",
    "disciplinesignoff",
    "partnerexit",
]:
    rules.add_perm(f"services.view_{model}", can_manage_in_scope)
    rules.add_perm(f"services.add_{model}", is_staff_member)
    rules.add_perm(f"services.change_{model}", can_manage_in_scope)
rules.add_perm("services.view_scoringcriterion", is_staff_member)
rules.add_perm("services.add_scoringcriterion", can_manage_street_wide)
rules.add_perm("services.change_scoringcriterion", can_manage_street_wide)
# Exits and discipline sign-offs are the street's to record (六(二)3).
rules.set_perm("services.add_partnerexit", can_manage_street_wide)
rules.set_perm("services.add_disciplinesignoff", can_manage_street_wide)

# The renewal decision is the street's (五(三)2); staff in scope may read it.
can_decide_renewal = can_manage_street_wide
rules.add_perm("services.add_renewaldecision", can_decide_renewal)
rules.add_perm("services.view_renewaldecision", can_manage_in_scope)
