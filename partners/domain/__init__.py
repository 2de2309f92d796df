from .applications import (  # noqa: I001
    application_can_withdraw,
    application_forward,
    application_from_status_token,
    application_lookup,
    application_pdf,
    application_request_documents,
    application_stage,
    application_status_token,
    application_status_url,
    application_submit,
    application_withdraw,
    applications_forward,
    applications_summary_rows,
    applications_summary_xlsx,
    call_archive,
    call_close,
    call_publish,
    calls_close_due,
    calls_due_to_close,
    calls_public,
    document_request_from_token,
    document_request_fulfil,
    document_request_token,
    render_markdown,
)
from .lifecycle import (
    TransitionRefused,
    available_transitions,
    partner_transition,
    transition_blockers,
)

__all__ = ["TransitionRefused", "available_transitions", "partner_transition", "transition_blockers"]
__all__ += [
    "application_can_withdraw", "application_forward", "application_from_status_token",
    "application_lookup", "application_pdf", "application_request_documents", "application_stage",
    "application_status_token", "application_status_url", "application_submit",
    "application_withdraw", "applications_forward", "applications_summary_rows",
    "applications_summary_xlsx", "call_archive", "call_close", "call_publish", "calls_close_due",
    "calls_due_to_close", "calls_public", "document_request_from_token", "document_request_fulfil",
    "document_request_token", "render_markdown",
]
