"""Who may move a partner through its lifecycle (named predicates, used everywhere)."""

import rules

from portal.rules import can_manage_in_scope, can_manage_street_wide

# Community or street staff looking after the partner's community.
can_handle_partner = can_manage_in_scope
# Decisions the rulebook gives to the street (党建工作办公室, 党工委).
can_decide_for_street = can_manage_street_wide

rules.add_perm("partners.view_partner", can_handle_partner)
rules.add_perm("partners.forward_application", can_handle_partner)
rules.add_perm("partners.decide", can_decide_for_street)


def fsm_permission(predicate):
    """Adapt a rules predicate (user, obj) to django-fsm's (instance, user) order."""

    def check(instance, user):
        return bool(predicate.test(user, instance))

    check.predicate = predicate
    return check


# The status history is read wherever the partner is.
rules.add_perm("partners.view_partnertransition", can_handle_partner)
