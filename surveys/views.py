"""The residents' two phone pages (questionnaire, satisfaction) and the evaluators' scoring pages.

Views collect input and call the domain; a street that does not run the
piece answers 404 (`portal.features.feature_required`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from partners.models import SERVING, Partner
from partners.public import partner_page_scope
from portal.cache import public_page
from portal.exceptions import ActionRefused
from portal.features import feature_required, streets_with
from portal.forms import attach_domain_error
from portal.refusals import refusals_as_messages
from portal.views import ratelimited

from . import domain
from .forms import EvaluatorScoreForm, QuestionnaireAnswerForm, SatisfactionAnswerForm
from .models import (
    NeedsSurveySettings,
    Questionnaire,
    Rater,
    SatisfactionAnswer,
    SatisfactionSettings,
    SatisfactionSurvey,
)
from .public import FEATURE_SCOPE, device_token, questionnaire_scope, remember_device, satisfaction_scope

# A community centre's wifi is one address for many phones: generous, but not unlimited.
ANSWER_RATE = "60/h"


def _answered(request, url: str, token: str, *, counted: bool) -> HttpResponseRedirect:
    response = redirect(url + ("?thanks=1" if counted else "?repeat=1"))
    remember_device(response, token)
    return response


@public_page(scopes=lambda request, pk: [questionnaire_scope(pk), FEATURE_SCOPE], params=("thanks", "repeat"))
@ratelimit(key="ip", rate=ANSWER_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def questionnaire_public(request, pk):
    """The needs questionnaire on a phone (seed 002 六2), reached by its QR code, without an account."""
    questionnaire = get_object_or_404(Questionnaire.objects.select_related("street", "community"), pk=pk)
    feature_required(NeedsSurveySettings, questionnaire.street_id)
    if getattr(request, "limited", False):
        return ratelimited(request)
    url = reverse("surveys:questionnaire_public", args=[questionnaire.pk])
    is_open = domain.questionnaire_is_open(questionnaire)
    settings = NeedsSurveySettings.for_street(questionnaire.street_id)
    form = QuestionnaireAnswerForm(
        request.POST if request.method == "POST" and is_open else None,
        questionnaire=questionnaire,
        communities=domain.questionnaire_communities(questionnaire),
        max_choices=settings.max_choices,
    )
    if form.is_bound and form.is_valid():
        token, _new = device_token(request)
        if form.cleaned_data.get("website"):
            return _answered(request, url, token, counted=True)  # a bot: pretend, keep nothing
        try:
            with refusals_as_messages(request, catch=(ActionRefused,)) as outcome:
                _answer, counted = domain.questionnaire_answer(
                    questionnaire=questionnaire,
                    community=form.cleaned_data["community"],
                    categories=form.cleaned_data["categories"],
                    other_needs=form.cleaned_data.get("other_needs", ""),
                    phone=form.cleaned_data["phone"],
                    device=token,
                )
        except ValidationError as error:
            attach_domain_error(form, error)
        else:
            if not outcome.refused:
                return _answered(request, url, token, counted=counted)
    return render(
        request,
        "surveys/questionnaire_public.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "is_open": is_open,
            "thanks": request.GET.get("thanks") == "1",
            "repeat": request.GET.get("repeat") == "1",
        },
    )


@public_page(
    scopes=lambda request, partner_pk: [partner_page_scope(partner_pk), satisfaction_scope(), FEATURE_SCOPE],
    params=("thanks", "repeat"),
)
@ratelimit(key="ip", rate=ANSWER_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def satisfaction_public(request, partner_pk):
    """A serving partner's satisfaction evaluation on a phone (seed 002 六4), reached by its QR code."""
    partner = get_object_or_404(
        Partner.objects.select_related("application", "community"), pk=partner_pk, status__in=SERVING
    )
    feature_required(SatisfactionSettings, partner.community.street_id)
    if getattr(request, "limited", False):
        return ratelimited(request)
    survey = domain.satisfaction_survey_current(partner.community.street_id)
    form = None
    if survey is not None:
        form = SatisfactionAnswerForm(
            request.POST if request.method == "POST" else None, scale_max=survey.scale_max
        )
    if form is not None and form.is_bound and form.is_valid():
        url = reverse("surveys:satisfaction_public", args=[partner.pk])
        token, _new = device_token(request)
        if form.cleaned_data.get("website"):
            return _answered(request, url, token, counted=True)
        try:
            with refusals_as_messages(request, catch=(ActionRefused,)) as outcome:
                _answer, counted = domain.satisfaction_answer(
                    survey=survey,
                    partner=partner,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    phone=form.cleaned_data["phone"],
                    device=token,
                )
        except ValidationError as error:
            attach_domain_error(form, error)
        else:
            if not outcome.refused:
                return _answered(request, url, token, counted=counted)
    return render(
        request,
        "surveys/satisfaction_public.html",
        {
            "partner": partner,
            "survey": survey,
            "form": form,
            "thanks": request.GET.get("thanks") == "1",
            "repeat": request.GET.get("repeat") == "1",
        },
    )


# --- Third-party evaluators ---------------------------------------------------------------


def _evaluator_surveys(user):
    return (
        SatisfactionSurvey.objects.filter(evaluators=user, street_id__in=streets_with(SatisfactionSettings))
        .select_related("street")
        .order_by("-year", "street__name")
    )


@login_required
def evaluator_home(request):
    """The evaluations the user was assigned to, with each serving partner and the user's own score."""
    surveys = list(_evaluator_surveys(request.user))
    if not surveys:
        raise PermissionDenied
    mine = {
        (a.survey_id, a.partner_id): a
        for a in SatisfactionAnswer.objects.filter(
            survey__in=surveys, rater=Rater.EVALUATOR, evaluator=request.user
        )
    }
    rows = [
        (
            survey,
            domain.satisfaction_is_open(survey),
            [
                (partner, mine.get((survey.pk, partner.pk)))
                for partner in domain.satisfaction_partners(survey)
            ],
        )
        for survey in surveys
    ]
    return render(request, "surveys/evaluator_home.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def evaluator_score(request, survey_pk, partner_pk):
    """An evaluator scores one partner (seed 002 六4 第三方专业机构); only the assigned accounts."""
    survey = get_object_or_404(SatisfactionSurvey.objects.select_related("street"), pk=survey_pk)
    feature_required(SatisfactionSettings, survey.street_id)
    if not request.user.has_perm("surveys.score_satisfaction", survey):
        raise PermissionDenied
    partner = get_object_or_404(domain.satisfaction_partners(survey), pk=partner_pk)
    existing = SatisfactionAnswer.objects.filter(
        survey=survey, partner=partner, rater=Rater.EVALUATOR, evaluator=request.user
    ).first()
    initial = {"score": existing.score, "comment": existing.comment} if existing else None
    form = EvaluatorScoreForm(
        request.POST if request.method == "POST" else None, initial=initial, scale_max=survey.scale_max
    )
    is_open = domain.satisfaction_is_open(survey)
    if form.is_bound and form.is_valid() and is_open:
        try:
            with refusals_as_messages(request, catch=(ActionRefused,)) as outcome:
                domain.satisfaction_score(
                    survey=survey,
                    partner=partner,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
        except ValidationError as error:
            attach_domain_error(form, error)
        else:
            if not outcome.refused:
                return redirect(reverse("surveys:evaluator_home") + "?saved=1")
    return render(
        request,
        "surveys/evaluator_score.html",
        {"survey": survey, "partner": partner, "form": form, "is_open": is_open, "existing": existing},
    )
