from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    # Residents (no account): the needs questionnaire and a partner's satisfaction evaluation.
    path("surveys/questionnaires/<int:pk>/", views.questionnaire_public, name="questionnaire_public"),
    path("surveys/satisfaction/<int:partner_pk>/", views.satisfaction_public, name="satisfaction_public"),
    # Third-party evaluators (their own accounts).
    path("surveys/evaluate/", views.evaluator_home, name="evaluator_home"),
    path("surveys/evaluate/<int:survey_pk>/<int:partner_pk>/", views.evaluator_score, name="evaluator_score"),
]
