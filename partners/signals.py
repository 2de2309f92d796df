from django.dispatch import Signal

# Sent after the transaction that moved a partner commits.
# kwargs: partner, transition (PartnerTransition row), by (user or None).
partner_transitioned = Signal()

# Sent inside the transaction that moves a partner, right after its history row is written:
# for receivers whose writes must stand or fall with the transition, like the outbox
# messages that tell people about it (issue 17). Same kwargs.
partner_transition_recorded = Signal()
