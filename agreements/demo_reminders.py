"""Demo step after the services step: the renewal reminders beat would send today.

Runs the same idempotent task beat runs, so the demo partner whose term ends
within the window is `renewal_due` right after `make run` starts.
"""

from .tasks import send_renewal_reminders


def load(ctx):
    send_renewal_reminders()
