"""The satisfaction evaluation's section of a partner's dossier (项目档案, rulebook 六(二)1)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dossier import DossierEntry, DossierSection, dossier_section

from .domain import satisfaction_results
from .models import Rater, SatisfactionAnswer, SatisfactionSettings, SatisfactionSurvey


@dossier_section(order=85)
def satisfaction_section(partner):
    """Each year's evaluation: residents' average, count and distribution; the evaluators' average.

    Seed 002 六4 (居民满意度 evaluated each year) and seed 003 17 (satisfaction as
    the yardstick of results). Shown whether or not the street still runs the
    evaluation: the records are kept.
    """
    results = satisfaction_results(SatisfactionAnswer.objects.filter(partner=partner))
    if not results:
        return None
    surveys = SatisfactionSurvey.objects.in_bulk({survey_id for survey_id, _p, _r in results})
    min_answers = SatisfactionSettings.for_street(partner.community.street_id).min_answers
    entries = []
    for survey in sorted(surveys.values(), key=lambda s: (s.year, s.pk)):
        resident = results.get((survey.pk, partner.pk, Rater.RESIDENT))
        evaluator = results.get((survey.pk, partner.pk, Rater.EVALUATOR))
        parts = []
        if resident is not None:
            parts.append(
                _("居民%(n)s人，平均%(avg)s分（满分%(max)s分）；分布：%(dist)s。")
                % {
                    "n": resident.count,
                    "avg": resident.average,
                    "max": survey.scale_max,
                    "dist": resident.distribution_text(),
                }
            )
            if resident.count < min_answers:
                parts.append(_("居民答卷少于%(min)s份，样本不足。") % {"min": min_answers})
        if evaluator is not None:
            parts.append(
                _("第三方评估机构%(org)s评分%(n)s份，平均%(avg)s分。")
                % {"org": survey.evaluator_organisation, "n": evaluator.count, "avg": evaluator.average}
            )
        entries.append(
            DossierEntry(
                when=survey.closes_on,
                title=_("%(year)s年满意度测评") % {"year": survey.year},
                detail="".join(str(part) for part in parts),
                url=reverse("admin:surveys_satisfactionanswer_changelist")
                + f"?partner__id__exact={partner.pk}&survey__id__exact={survey.pk}",
                source=survey.title,
            )
        )
    return DossierSection(key="satisfaction", title=_("满意度测评"), entries=entries)
