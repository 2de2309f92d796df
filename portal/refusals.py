"""Domain refusals shown to staff: one helper for admin actions, admin views and staff pages.

The API has its own mapping (portal.api.exception_handler); forms put refusals on
their fields (portal.forms.attach_domain_error). Here a refusal becomes Django
`messages.error`, with an optional prefix naming the record it concerns.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from .exceptions import ActionRefused

REFUSALS = (ValidationError, ActionRefused, PermissionDenied)


def refusal_messages(error) -> list[str]:
    """The messages of a refusal, translated, in order."""
    if isinstance(error, ActionRefused | ValidationError):
        return [str(message) for message in error.messages]
    return [str(error)]


def report_refusal(request, error, *, prefix: str = "", join: str | None = None) -> None:
    """Show a refusal as error messages: one per reason, or one joined with `join`."""
    texts = refusal_messages(error)
    if join is not None:
        texts = [join.join(texts)]
    for text in texts:
        messages.error(request, f"{prefix}{text}")


class refusals_as_messages:  # noqa: N801 - used like a function: `with refusals_as_messages(request) as outcome:`
    """Run a domain call; a refusal becomes error messages instead of an exception.

    `outcome.refused` says whether it was refused, so the caller can report success otherwise.
    """

    def __init__(self, request, *, prefix: str = "", join: str | None = None, catch=REFUSALS):
        self.request, self.prefix, self.join, self.catch = request, prefix, join, catch
        self.refused = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc is None or not isinstance(exc, self.catch):
            return False
        self.refused = True
        report_refusal(self.request, exc, prefix=self.prefix, join=self.join)
        return True
