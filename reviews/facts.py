"""Facts the partner lifecycle asks of the review stage (partners.guards.FACTS)."""

from partners.guards import provide

from .domain import scoring_is_complete, vetting_state
from .models import Decision, DecisionOutcome


@provide("vetting_passed")
def vetting_passed(partner) -> bool:
    return vetting_state(partner).passed


@provide("vetting_failed")
def vetting_failed(partner) -> bool:
    return vetting_state(partner).failed


@provide("scoring_complete")
def scoring_complete(partner) -> bool:
    return scoring_is_complete(partner)


@provide("decision_approved")
def decision_approved(partner) -> bool:
    return Decision.objects.filter(partner=partner, outcome=DecisionOutcome.APPROVE).exists()


@provide("decision_not_selected")
def decision_not_selected(partner) -> bool:
    return Decision.objects.filter(partner=partner, outcome=DecisionOutcome.NOT_SELECT).exists()
