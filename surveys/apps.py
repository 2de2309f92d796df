from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal.cache import public_pages_show


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("需求征询与满意度测评")

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models and registries load here
        from portal.views import register_start_page

        from . import dashboard, dossier, events, retention, rules  # noqa: F401  (registries)
        from .models import NeedsSurveySettings, Questionnaire, SatisfactionSettings, SatisfactionSurvey
        from .public import FEATURE_SCOPE, questionnaire_scope, satisfaction_scope

        # The two public pages: a questionnaire's page shows the questionnaire; a partner's
        # satisfaction page shows its street's open evaluation; either goes when the feature does.
        public_pages_show(Questionnaire, scopes=lambda q: [questionnaire_scope(q.pk)])
        public_pages_show(SatisfactionSurvey, scopes=lambda s: [satisfaction_scope(s.street_id)])
        public_pages_show(NeedsSurveySettings, scopes=lambda _s: [FEATURE_SCOPE])
        public_pages_show(SatisfactionSettings, scopes=lambda _s: [FEATURE_SCOPE])

        # Third-party evaluators have no programme role: after logging in, their scoring page.
        register_start_page(
            lambda user: SatisfactionSurvey.objects.filter(evaluators=user).exists(), "/surveys/evaluate/"
        )
