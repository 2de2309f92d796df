"""Who may read the delivery log and retry or cancel messages: staff, within their scope."""

import rules

from portal.rules import is_staff_member, is_street_staff, is_superuser

rules.set_perm("messaging", is_staff_member)
rules.add_perm("messaging.view_outboxmessage", is_staff_member)
# Retry and cancel are changes to the row (admin actions need change permission).
rules.add_perm("messaging.change_outboxmessage", is_staff_member)
rules.add_perm("messaging.view_optout", is_superuser | is_street_staff)
rules.add_perm("messaging.add_optout", is_superuser | is_street_staff)
rules.add_perm("messaging.view_staffgroup", is_superuser | is_street_staff)
rules.add_perm("messaging.change_staffgroup", is_superuser | is_street_staff)
rules.add_perm("messaging.add_staffgroup", is_superuser)
