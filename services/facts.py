"""Facts this app provides to the partner state machine (partners.guards.FACTS)."""

from partners.guards import provide

from .models import Conclusion, DisciplineSignoff, Evaluation, EvaluationKind


@provide("trial_evaluation_passed")
def trial_evaluation_passed(partner) -> bool:
    """The latest end-of-trial evaluation concluded 'pass'."""
    latest = (
        Evaluation.objects.filter(partner=partner, kind=EvaluationKind.TRIAL)
        .order_by("-evaluated_on", "-id")
        .first()
    )
    return latest is not None and latest.conclusion == Conclusion.PASS


@provide("evaluation_failed")
def evaluation_failed(partner) -> bool:
    """The latest evaluation (of any kind) concluded 'fail'."""
    latest = Evaluation.objects.filter(partner=partner).order_by("-evaluated_on", "-id").first()
    return latest is not None and latest.conclusion == Conclusion.FAIL


@provide("violation_signed_off")
def violation_signed_off(partner) -> bool:
    """The discipline office signed off a violation of this partner."""
    return DisciplineSignoff.objects.filter(partner=partner).exists()
