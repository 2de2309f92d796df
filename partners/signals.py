from django.dispatch import Signal

# Sent after the transaction that moved a partner commits.
# kwargs: partner, transition (PartnerTransition row), by (user or None).
partner_transitioned = Signal()
