"""What services tells the apps above it (they may import services; services never imports them).

Receivers run inside the transaction of the change: what they write commits or
rolls back with it, and a refusal they raise (ActionRefused, ValidationError)
refuses the change itself.
"""

from django.dispatch import Signal

# A service log's verification changed: sent with `log`, `from_state`, `to_state` and `by`
# by servicelog_review (open → verified / queried / rejected) and
# servicelog_verification_withdraw (verified → queried), after the row is saved.
servicelog_status_changed = Signal()
