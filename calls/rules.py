"""Who may handle recruitment calls and applications (named predicates, used everywhere)."""

import rules

from portal.rules import (
    can_manage_in_scope,
    can_view_in_scope,
    is_staff_member,
    is_street_staff,
    is_superuser,
)


@rules.predicate
def call_in_users_street(user, call):
    """The call belongs to the street this staff member works for."""
    if call is None:
        return True
    profile = getattr(user, "profile", None)
    return profile is not None and profile.street_id == call.street_id


# Calls are the street's (rulebook 五(一)1: the street publishes the call).
can_manage_calls = is_superuser | (is_street_staff & call_in_users_street)
# Applications are handled by the community that owns them and by the street.
can_handle_application = can_manage_in_scope
# District and city staff read applications and their documents (issue 15).
can_view_application = can_view_in_scope

rules.add_perm("calls.manage_call", can_manage_calls)
rules.add_perm("calls.view_application_documents", can_handle_application)
rules.add_perm("calls.request_documents", can_handle_application)

# Admin access to this app's models (the app itself: config/rules.py).
rules.add_perm("calls.view_recruitmentcall", is_staff_member)
rules.add_perm("calls.add_recruitmentcall", is_superuser | is_street_staff)
rules.add_perm("calls.change_recruitmentcall", can_manage_calls)
rules.add_perm("calls.view_application", can_handle_application)
rules.add_perm("calls.change_application", can_handle_application)
rules.add_perm("calls.view_applicationdocument", can_handle_application)
rules.add_perm("calls.view_documentrequest", can_handle_application)
