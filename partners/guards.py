"""Facts the partner state machine asks of other apps.

The lifecycle's guards depend on records kept elsewhere (vetting checks in
`reviews`, signed agreements in `agreements`, evaluations in `services`).
To keep imports flowing one way, those apps *provide* named facts here
(in their AppConfig.ready) and the machine only asks for them by name. A
fact nobody provides is false, so a stage whose app is missing stays shut.
"""

from __future__ import annotations

from collections.abc import Callable

_providers: dict[str, Callable] = {}


def provide(name: str):
    """Register `func(partner) -> bool` as the provider of fact `name`."""

    def register(func):
        _providers[name] = func
        return func

    return register


def fact(name: str, partner) -> bool:
    provider = _providers.get(name)
    return bool(provider(partner)) if provider else False


def is_provided(name: str) -> bool:
    return name in _providers


# The facts the machine asks for, with who should provide them.
FACTS = {
    "vetting_passed": "reviews: every vetting department of the street has passed",
    "vetting_failed": "reviews: at least one vetting department has failed",
    "scoring_complete": "reviews: every score sheet for the applicant is submitted",
    "decision_approved": "reviews: the committee decision approves the applicant",
    "decision_not_selected": "reviews: the committee decision does not select the applicant",
    "notice_published": "partners: a published public notice lists the applicant",
    "notice_period_over": "partners: that notice has run at least the street's minimum",
    "objection_open": "partners: an objection about the applicant is still open",
    "objection_upheld": "partners: an objection about the applicant was upheld",
    "first_agreement_signed": "agreements: the first (trial) agreement is signed by all three parties",
    "renewal_window_open": "agreements: the current term ends within the reminder window",
    "renewal_agreement_signed": "agreements: the next term's agreement is signed by all three parties",
    "trial_evaluation_passed": "services: the trial evaluation concluded 'pass'",
    "evaluation_failed": "services: the latest evaluation concluded 'fail'",
    "violation_signed_off": "services: the discipline office signed off a forced exit",
}
