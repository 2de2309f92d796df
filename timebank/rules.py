"""Who may see and do what in the time bank: staff in scope, in a street that runs it."""

import rules

from portal.features import scope_runs
from portal.models import Street
from portal.rules import (
    can_manage_in_scope,
    can_view_in_scope,
    is_staff_member,
    is_staff_reader,
    is_street_staff,
    is_superuser,
    street_scope_q,
)

from .models import TimeBankSettings


@rules.predicate
def scope_runs_timebank(user):
    """Some street in the user's scope runs the time bank (else its admin lists are hidden).

    A query over the user's streets rather than the record: the switch is the street's (issue 20).
    """
    return scope_runs(user, TimeBankSettings)


@rules.predicate
def street_in_scope(user, settings_row):
    """The street of the settings row is the user's (or below their level)."""
    if settings_row is None:
        return True
    return Street.objects.filter(street_scope_q(user, ""), pk=settings_row.street_id).exists()


# The admin's app and model permissions. The admin also scopes every queryset to the
# user's communities in streets that run the time bank.
can_see_timebank = is_staff_reader & scope_runs_timebank
rules.set_perm("timebank", can_see_timebank)
for model in ["volunteer", "volunteercredit", "benefit", "redemption", "account", "entry"]:
    rules.add_perm(f"timebank.view_{model}", can_see_timebank & can_view_in_scope)
for model in ["volunteer", "volunteercredit", "benefit", "redemption"]:
    rules.add_perm(f"timebank.add_{model}", is_staff_member & scope_runs_timebank)
for model in ["volunteer", "benefit"]:  # credits, redemptions and ledger lines are never edited
    rules.add_perm(f"timebank.change_{model}", can_see_timebank & can_manage_in_scope)
# The rate and cap are the street's numbers.
can_set_rate = is_superuser | (is_street_staff & scope_runs_timebank & street_in_scope)
rules.add_perm("timebank.view_timebanksettings", is_superuser | (can_see_timebank & street_in_scope))
rules.add_perm("timebank.change_timebanksettings", can_set_rate)
