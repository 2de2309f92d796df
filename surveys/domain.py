"""Write and read functions of the needs questionnaire and the satisfaction evaluation (seed 002 六2, 六4).

Either piece works only while its street runs it (`portal.features`); turned
off, its pages are gone and its records stay.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from calls.domain import call_needs_check
from calls.models import CallStatus, RecruitmentCall
from partners.models import SERVING, Partner
from portal.choices import ServiceCategory
from portal.dates import local_today
from portal.domain import audit_log
from portal.exceptions import ActionRefused
from portal.features import StreetFeature, feature_enabled
from portal.models import Community, Role
from portal.rules import user_profile
from spaces.domain import resident_need_save
from spaces.models import CollectionMethod, ResidentNeed

from .models import (
    NeedsSurveySettings,
    Questionnaire,
    QuestionnaireAnswer,
    Rater,
    SatisfactionAnswer,
    SatisfactionSettings,
    SatisfactionSurvey,
    ShortlistEntry,
)
from .public import keyed_hash, phone_digits

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _mobile_hash(phone: str) -> str:
    """The keyed hash of a mainland mobile number, '' when none; ValidationError on a malformed one."""
    digits = phone_digits(phone)
    if not digits:
        return ""
    if len(digits) != 11 or not digits.startswith("1"):
        raise ValidationError({"phone": _("请填写11位手机号码，或留空。")})
    return keyed_hash("phone", digits)


def _require(model: type[StreetFeature], street_id: int, message: str) -> None:
    if not feature_enabled(model, street_id):
        raise ActionRefused(message)


def survey_settings_save(
    *, settings: NeedsSurveySettings | SatisfactionSettings, by: User
) -> NeedsSurveySettings | SatisfactionSettings:
    """Change a street's numbers of either piece (seed 002 六2, 六4: the programme sets none;
    these are the portal's defaults). Switching a piece on or off is the programme presets' job
    (`portal.domain.street_programmes_apply`)."""
    settings.full_clean()
    with transaction.atomic():
        settings.save()
        audit_log(
            subject=settings,
            action="surveys.settings.changed",
            actor=by,
            note=str(settings),
            data={
                f.name: getattr(settings, f.name)
                for f in settings._meta.concrete_fields
                if f.name not in ("id", "street", "updated_at")
            },
        )
    return settings


# --- The needs questionnaire (seed 002 六2) ------------------------------------------------


def questionnaire_save(
    *, questionnaire: Questionnaire, by: User, fields: dict | None = None
) -> Questionnaire:
    """Create or change a street's (or a community's) annual needs questionnaire.

    Seed 002 六2: the 邻里汇 council may each year ask residents and community
    units what services they need (需求问卷调查、需求征询). One questionnaire a
    year per community or per street (the model's constraint); its categories are
    the needs list's (rulebook 四(一)2); it is open at most the street's
    `max_days_open` days, first and last day included.
    """
    for name, value in (fields or {}).items():
        setattr(questionnaire, name, value)
    created = questionnaire.pk is None
    _require(NeedsSurveySettings, questionnaire.street_id, _("本街道未启用需求征询问卷。"))
    settings = NeedsSurveySettings.for_street(questionnaire.street_id)
    errors = {}
    if questionnaire.community_id and questionnaire.community.street_id != questionnaire.street_id:
        errors["community"] = _("社区不属于所选街道。")
    profile = user_profile(by)
    if (
        profile is not None
        and profile.role == Role.COMMUNITY_STAFF
        and questionnaire.community_id != profile.community_id
    ):
        # A community asks its own residents; the whole street is the street's to ask.
        errors["community"] = _("社区工作人员只能为本社区建立问卷。")
    chosen = questionnaire.categories or []
    if not chosen or any(c not in ServiceCategory.values for c in chosen):
        errors["categories"] = _("请至少选择一个服务类别。")
    if questionnaire.opens_on and questionnaire.closes_on:
        days = (questionnaire.closes_on - questionnaire.opens_on).days + 1
        if days < 1:
            errors["closes_on"] = _("截止日期不能早于开始日期。")
        elif days > settings.max_days_open:
            errors["closes_on"] = _("问卷最长开放%(max)s天（本次%(days)s天）。") % {
                "max": settings.max_days_open,
                "days": days,
            }
    if errors:
        raise ValidationError(errors)
    if created and by is not None and by.is_authenticated:
        questionnaire.created_by = by
    questionnaire.full_clean()
    with transaction.atomic():
        questionnaire.save()
        audit_log(
            subject=questionnaire,
            action=f"surveys.questionnaire.{'created' if created else 'changed'}",
            actor=by,
            community=questionnaire.community,
            note=f"{questionnaire.title}（{questionnaire.opens_on} 至 {questionnaire.closes_on}）",
        )
    return questionnaire


def questionnaire_is_open(questionnaire: Questionnaire, today: dt.date | None = None) -> bool:
    today = today or local_today()
    return questionnaire.opens_on <= today <= questionnaire.closes_on


def questionnaire_communities(questionnaire: Questionnaire) -> QuerySet[Community]:
    """The communities a resident may answer for: the questionnaire's, or its street's."""
    if questionnaire.community_id:
        return Community.objects.filter(pk=questionnaire.community_id)
    return Community.objects.filter(street_id=questionnaire.street_id).order_by("name")


def questionnaire_answer(
    *,
    questionnaire: Questionnaire,
    community: Community | None,
    categories: list[str],
    other_needs: str = "",
    device: str,
    phone: str = "",
    today: dt.date | None = None,
) -> tuple[QuestionnaireAnswer, bool]:
    """Record a resident's answer; (the answer, whether it counted).

    Seed 002 六2 (问需于民): anyone may answer, without an account. One answer
    counts per device (`device`: the token of the signed cookie) and per phone
    number, when one is given: a repeat returns the answer already counted and
    changes nothing. At most the street's `max_choices` categories.
    """
    _require(NeedsSurveySettings, questionnaire.street_id, _("本街道未启用需求征询问卷。"))
    if not questionnaire_is_open(questionnaire, today):
        raise ActionRefused(
            _("本问卷的填写时间为%(start)s至%(end)s，现在不能提交。")
            % {"start": questionnaire.opens_on, "end": questionnaire.closes_on}
        )
    settings = NeedsSurveySettings.for_street(questionnaire.street_id)
    errors = {}
    allowed = questionnaire_communities(questionnaire)
    if community is None or not allowed.filter(pk=community.pk).exists():
        errors["community"] = _("请选择您所在的社区。")
    categories = list(dict.fromkeys(categories or []))
    other_needs = (other_needs or "").strip()
    if any(c not in (questionnaire.categories or []) for c in categories):
        errors["categories"] = _("所选服务类别不在本问卷中。")
    elif len(categories) > settings.max_choices:
        errors["categories"] = _("最多选择%(max)s项（您选了%(n)s项）。") % {
            "max": settings.max_choices,
            "n": len(categories),
        }
    elif not categories and not other_needs:
        errors["categories"] = _("请至少选择一项服务，或写下您的其他需求。")
    if len(other_needs) > 500:
        errors["other_needs"] = _("其他需求请控制在500字以内。")
    try:
        phone_hash = _mobile_hash(phone)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    device_hash = keyed_hash("device", device)
    same = Q(device_hash=device_hash) | (Q(phone_hash=phone_hash) if phone_hash else Q(pk__in=[]))
    existing = questionnaire.answers.filter(same).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            answer = QuestionnaireAnswer.objects.create(
                questionnaire=questionnaire,
                community=community,
                categories=categories,
                other_needs=other_needs,
                device_hash=device_hash,
                phone_hash=phone_hash,
            )
            audit_log(
                subject=questionnaire,
                action="surveys.questionnaire.answered",
                community=community,
                data={"categories": categories},
            )
    except IntegrityError:  # the same device or phone, a moment earlier in another request
        return questionnaire.answers.filter(same).first(), False
    return answer, True


@dataclass
class TallyRow:
    """One row of the 需求遴选清单: how many answers of a community chose a category."""

    community: Community
    category: str
    count: int
    shortlisted: bool
    entry: ShortlistEntry | None = None

    @property
    def category_label(self) -> str:
        return str(dict(ServiceCategory.choices).get(self.category, self.category))


@dataclass
class Tally:
    answers: int
    min_answers: int
    rows: list[TallyRow] = field(default_factory=list)
    other_needs: int = 0

    @property
    def shortlist(self) -> list[TallyRow]:
        return [row for row in self.rows if row.shortlisted]


def questionnaire_tally(questionnaire: Questionnaire) -> Tally:
    """The 需求遴选清单 (seed 002 六2): per community and category, the answers choosing it.

    A category chosen by at least the street's `min_answers` answers of a
    community is shortlisted. Three queries whatever the number of answers.
    """
    min_answers = NeedsSurveySettings.for_street(questionnaire.street_id).min_answers
    counts: Counter = Counter()
    total = other = 0
    for community_id, categories, other_needs in questionnaire.answers.values_list(
        "community_id", "categories", "other_needs"
    ).order_by():
        total += 1
        other += bool(other_needs)
        for category in categories or []:
            counts[(community_id, category)] += 1
    communities = Community.objects.in_bulk({cid for cid, _c in counts})
    entries = {
        (e.community_id, e.category): e for e in questionnaire.shortlist.select_related("need").order_by()
    }
    rows = [
        TallyRow(
            community=communities[cid],
            category=category,
            count=n,
            shortlisted=n >= min_answers,
            entry=entries.get((cid, category)),
        )
        for (cid, category), n in counts.items()
    ]
    rows.sort(key=lambda row: (row.community.name, -row.count, row.category))
    return Tally(answers=total, min_answers=min_answers, rows=rows, other_needs=other)


def questionnaire_confirm(
    *,
    questionnaire: Questionnaire,
    by: User,
    call: RecruitmentCall | None = None,
    today: dt.date | None = None,
) -> list[ResidentNeed]:
    """Confirm the shortlist into the 居民需求清单, and list it on a draft call if one is given.

    Seed 002 六2: the 需求遴选清单 formed from the answers is what service
    projects are designed from; rulebook 四(一)2 and 五(一)1: the needs list
    feeds the recruitment call. Only after the questionnaire has closed (the
    day after `closes_on`); each shortlisted (community, category) becomes one
    need (收集方式: 问卷调查, 涉及居民人数: the answers choosing it), once.
    With `call` (a draft call of the same street), the questionnaire's
    confirmed needs are added to the call's needs. Returns the needs created.
    """
    today = today or local_today()
    _require(NeedsSurveySettings, questionnaire.street_id, _("本街道未启用需求征询问卷。"))
    if today <= questionnaire.closes_on:
        raise ActionRefused(
            _("问卷%(end)s截止，截止后才能确认需求遴选清单。") % {"end": questionnaire.closes_on}
        )
    if call is not None and call.status != CallStatus.DRAFT:
        raise ActionRefused(_("只能把需求列入草稿状态的招募公告。"))
    with transaction.atomic():
        # One confirmation at a time: two clerks pressing at once must not list a need twice.
        list(
            Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).order_by().values_list("pk")
        )
        tally = questionnaire_tally(questionnaire)
        created = []
        for row in tally.shortlist:
            if row.entry is not None:
                continue
            need = resident_need_save(
                need=ResidentNeed(
                    community=row.community,
                    title=_("%(category)s（%(year)s年需求征询，%(n)s人选择）")
                    % {"category": row.category_label, "year": questionnaire.year, "n": row.count},
                    category=row.category,
                    collection_method=CollectionMethod.QUESTIONNAIRE,
                    collected_by=questionnaire.title[:50],
                    collected_on=questionnaire.closes_on,
                    residents_count=row.count,
                ),
                by=by,
            )
            ShortlistEntry.objects.create(
                questionnaire=questionnaire,
                community=row.community,
                category=row.category,
                answers_count=row.count,
                need=need,
                confirmed_by=by,
            )
            created.append(need)
        if not created and call is None:
            raise ActionRefused(
                _("没有新的入选需求可确认（入选需至少%(n)s人选择）。") % {"n": tally.min_answers}
            )
        listed = []
        if call is not None:
            needs = list(
                ResidentNeed.objects.filter(shortlist_entry__questionnaire=questionnaire).select_related(
                    "community"
                )
            )
            call_needs_check(street=call.street, needs=needs)
            call.needs.add(*needs)
            listed = [need.pk for need in needs]
        audit_log(
            subject=questionnaire,
            action="surveys.questionnaire.confirmed",
            actor=by,
            community=questionnaire.community,
            note=_("列入居民需求清单%(n)s条") % {"n": len(created)}
            + (_("，列入招募公告“%(call)s”") % {"call": call.title} if call is not None else ""),
            data={
                "needs": [need.pk for need in created],
                "call": call.pk if call else None,
                "listed": listed,
            },
        )
    return created


# --- The satisfaction evaluation (seed 002 六4, seed 003 17) ----------------------------------


def satisfaction_survey_save(
    *, survey: SatisfactionSurvey, by: User, fields: dict | None = None, evaluators: list[User] | None = None
) -> SatisfactionSurvey:
    """Create or change a street's annual satisfaction evaluation of its serving partners.

    Seed 002 六4: each year residents' satisfaction (居民满意度) is evaluated,
    entrusted to a third-party organisation (第三方专业机构); seed 003 17: a
    常态化 evaluation whose yardstick is residents' satisfaction. Once a year per
    street; the scale is the street's `scale_max` when the evaluation is created,
    and stays with it. `evaluators` (when given) are the accounts of the third-party
    organisation that may score it.
    """
    for name, value in (fields or {}).items():
        setattr(survey, name, value)
    created = survey.pk is None
    _require(SatisfactionSettings, survey.street_id, _("本街道未启用满意度测评。"))
    if created:
        survey.scale_max = SatisfactionSettings.for_street(survey.street_id).scale_max
        if by is not None and by.is_authenticated:
            survey.created_by = by
    if survey.opens_on and survey.closes_on and survey.closes_on < survey.opens_on:
        raise ValidationError({"closes_on": _("截止日期不能早于开始日期。")})
    survey.full_clean()
    with transaction.atomic():
        survey.save()
        if evaluators is not None:
            survey.evaluators.set(evaluators)
        audit_log(
            subject=survey,
            action=f"surveys.satisfaction.{'created' if created else 'changed'}",
            actor=by,
            note=f"{survey.title}（{survey.opens_on} 至 {survey.closes_on}）",
        )
    return survey


def satisfaction_is_open(survey: SatisfactionSurvey, today: dt.date | None = None) -> bool:
    today = today or local_today()
    return survey.opens_on <= today <= survey.closes_on


def satisfaction_partners(survey: SatisfactionSurvey) -> QuerySet[Partner]:
    """The partners the evaluation covers: those of its street serving now (trial, active, renewal due)."""
    return (
        Partner.objects.filter(community__street_id=survey.street_id, status__in=SERVING)
        .select_related("application", "community")
        .order_by("community__name", "id")
    )


def satisfaction_survey_current(street_id: int, today: dt.date | None = None) -> SatisfactionSurvey | None:
    """The street's evaluation open today, if any (the resident's page of a partner shows it)."""
    today = today or local_today()
    return (
        SatisfactionSurvey.objects.filter(street_id=street_id, opens_on__lte=today, closes_on__gte=today)
        .order_by("-year")
        .first()
    )


def _check_score(survey: SatisfactionSurvey, partner: Partner, score: int, today: dt.date | None) -> None:
    _require(SatisfactionSettings, survey.street_id, _("本街道未启用满意度测评。"))
    if not satisfaction_is_open(survey, today):
        raise ActionRefused(
            _("本次测评的时间为%(start)s至%(end)s，现在不能提交。")
            % {"start": survey.opens_on, "end": survey.closes_on}
        )
    if partner.community.street_id != survey.street_id or partner.status not in SERVING:
        raise ActionRefused(_("该合伙人不在本次测评范围内。"))
    if not isinstance(score, int) or not 1 <= score <= survey.scale_max:
        raise ValidationError({"score": _("请选择1至%(max)s分。") % {"max": survey.scale_max}})


def satisfaction_answer(
    *,
    survey: SatisfactionSurvey,
    partner: Partner,
    score: int,
    comment: str = "",
    device: str,
    phone: str = "",
    today: dt.date | None = None,
) -> tuple[SatisfactionAnswer, bool]:
    """A resident scores a serving partner's service; (the answer, whether it counted).

    Seed 002 六4 (居民满意度), seed 003 17 (成效让居民评判): anonymous, on a phone
    page reached by the partner's QR code, while the evaluation is open. One
    answer per partner counts per device and per phone number (as for the
    questionnaire); a repeat changes nothing.
    """
    _check_score(survey, partner, score, today)
    errors = {}
    comment = (comment or "").strip()
    if len(comment) > 500:
        errors["comment"] = _("意见建议请控制在500字以内。")
    try:
        phone_hash = _mobile_hash(phone)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    device_hash = keyed_hash("device", device)
    same = Q(device_hash=device_hash) | (Q(phone_hash=phone_hash) if phone_hash else Q(pk__in=[]))
    mine = SatisfactionAnswer.objects.filter(survey=survey, partner=partner, rater=Rater.RESIDENT)
    existing = mine.filter(same).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            answer = SatisfactionAnswer.objects.create(
                survey=survey,
                partner=partner,
                rater=Rater.RESIDENT,
                score=score,
                comment=comment,
                device_hash=device_hash,
                phone_hash=phone_hash,
            )
    except IntegrityError:
        return mine.filter(same).first(), False
    return answer, True


def satisfaction_score(
    *,
    survey: SatisfactionSurvey,
    partner: Partner,
    score: int,
    comment: str = "",
    by: User,
    today: dt.date | None = None,
) -> SatisfactionAnswer:
    """A third-party evaluator scores a partner (seed 002 六4 委托第三方专业机构).

    Only the evaluator accounts assigned to this evaluation; one score per
    evaluator and partner, which the evaluator may revise while it is open.
    """
    if not survey.evaluators.filter(pk=by.pk).exists():
        raise ActionRefused(_("您不是本次测评的评估人员。"))
    _check_score(survey, partner, score, today)
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": _("评估意见请控制在2000字以内。")})
    with transaction.atomic():
        answer, created = SatisfactionAnswer.objects.select_for_update().get_or_create(
            survey=survey,
            partner=partner,
            rater=Rater.EVALUATOR,
            evaluator=by,
            defaults={"score": score, "comment": comment},
        )
        before = None if created else answer.score
        if not created:
            answer.score, answer.comment = score, comment
            answer.save(update_fields=["score", "comment"])
        audit_log(
            subject=partner,
            action="surveys.satisfaction.scored",
            actor=by,
            from_state="" if before is None else str(before),
            to_state=str(score),
            note=survey.title,
            data={"survey": survey.pk},
        )
    return answer


@dataclass
class Result:
    """Scores of one kind of rater: count, average (2 decimals) and how many gave each score."""

    scale_max: int
    count: int = 0
    total: int = 0
    distribution: dict[int, int] = field(default_factory=dict)

    @property
    def average(self) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(self.total) / Decimal(self.count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def distribution_text(self) -> str:
        """'5分 3人、4分 1人、…' from the top score down."""
        return "、".join(
            _("%(score)s分%(n)s人") % {"score": s, "n": self.distribution.get(s, 0)}
            for s in range(self.scale_max, 0, -1)
        )


def satisfaction_results(answers: QuerySet[SatisfactionAnswer]) -> dict[tuple[int, int, str], Result]:
    """{(survey_id, partner_id, rater): Result} of `answers`, grouped in SQL (one query)."""
    results: dict = {}
    rows = (
        answers.values("survey_id", "survey__scale_max", "partner_id", "rater", "score")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        key = (row["survey_id"], row["partner_id"], row["rater"])
        result = results.setdefault(key, Result(scale_max=row["survey__scale_max"]))
        result.count += row["n"]
        result.total += row["score"] * row["n"]
        result.distribution[row["score"]] = row["n"]
    return results


UNIT_PATHS = {
    "partner": ("partner", "partner__application__applicant_name"),
    "community": ("partner__community", "partner__community__name"),
    "street": ("partner__community__street", "partner__community__street__name"),
}


def satisfaction_by_unit(answers: QuerySet[SatisfactionAnswer], unit: str) -> dict:
    """{(unit id, unit name): {rater: Result}} of `answers` per partner, community or street (one query)."""
    path, name = UNIT_PATHS[unit]
    grouped: dict = defaultdict(dict)
    for row in (
        answers.values(f"{path}_id", name, "rater", "score", "survey__scale_max")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = (row[f"{path}_id"], row[name])
        result = grouped[key].setdefault(row["rater"], Result(scale_max=row["survey__scale_max"]))
        result.count += row["n"]
        result.total += row["score"] * row["n"]
        result.distribution[row["score"]] = result.distribution.get(row["score"], 0) + row["n"]
    return dict(grouped)
