"""Roadshow, panels, conflict declarations, score sheets and aggregation — rulebook 五(二)1.

Aggregation, stated once:
- a sheet's total is Σ(score × criterion weight), computed in SQL;
- a panel's score is the mean of its members' submitted totals; when the
  street's policy says so and the panel has at least that many scores
  (default 5), one highest and one lowest total are dropped first;
  conflicted members have no sheet and simply do not count;
- the composite is expert weight × expert score + social weight × social
  score (default 60/40), rounded to two decimals with ROUND_HALF_UP only at
  the end (panel scores keep full precision until then);
- ranking: higher composite first; a tie goes to the higher expert-panel
  score, then to the earlier submitted application, then to the lower id.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.domain import message_queue, person_recipients
from messaging.models import OutboxMessage
from partners.domain import partner_transition
from partners.models import Partner, PartnerStatus
from portal.dates import local_today
from portal.domain import audit_log
from portal.models import Role
from portal.xlsx import rows_to_xlsx

from ..models import (
    SEATS_BY_KIND,
    ConflictDeclaration,
    Criterion,
    Panel,
    PanelKind,
    PanelMember,
    Roadshow,
    RoadshowEntry,
    RoadshowStatus,
    Rubric,
    Score,
    ScoreSheet,
    Seat,
    SheetStatus,
)
from ..rules import can_manage_street_record
from .vetting import review_policy_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from ..models import ReviewPolicy

TWO_PLACES = Decimal("0.01")
# Days reviewers have to submit after the roadshow when staff set no deadline. Rulebook 五(二)1
# asks for a composite score from both panels but sets no period: this default is the portal's.
SCORING_DAYS = 3


def plain(number: Decimal) -> str:
    """40.00 → "40", 2.50 → "2.5" (never "4E+1")."""
    return format(number.normalize(), "f")


def _require_manager(by: User, obj: Rubric | Roadshow) -> None:
    if not can_manage_street_record.test(by, obj):
        raise PermissionDenied(_("只有本街道工作人员可以执行该操作。"))


# --- Rubric ------------------------------------------------------------------------


def rubric_copy(*, rubric: Rubric, by: User) -> Rubric:
    """Make the next version of a rubric (a rubric in use is frozen, rulebook 五(二)1)."""
    _require_manager(by, rubric)
    with transaction.atomic():
        latest = (
            Rubric.objects.filter(street=rubric.street, name=rubric.name)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        new = Rubric(street=rubric.street, name=rubric.name, version=latest + 1)
        new.full_clean()
        new.save()
        Criterion.objects.bulk_create(
            [
                Criterion(
                    rubric=new,
                    position=c.position,
                    title=c.title,
                    description=c.description,
                    max_score=c.max_score,
                    weight=c.weight,
                )
                for c in rubric.criteria.all()
            ]
        )
        audit_log(
            subject=new,
            action="reviews.rubric.copied",
            actor=by,
            data={"from": rubric.pk, "version": new.version},
        )
    return new


def rubric_change_problems(rubric: Rubric | None) -> list[str]:
    if rubric is not None and rubric.pk and rubric.in_use:
        return [_("该评估细则已在路演中使用，不能修改；请复制为新版本后修改。")]
    return []


# --- Panels ------------------------------------------------------------------------


def resident_reps_needed(total: int, share: Decimal) -> int:
    """The fewest resident representatives for a social panel of `total` members.

    Exact arithmetic, rounding up: 30% of 10 is 3; 30% of 7 is 2.1, so 3.
    """
    return math.ceil(Decimal(total) * share)


def panel_composition_problems(panel: Panel, members: list[tuple[User, str]]) -> list[str]:
    """Why this set of (user, seat) cannot sit on `panel` (empty when it can).

    Rulebook 五(二)1: 社会评审组 … 群众代表(不少于30%) — the share is the
    street's `resident_rep_min_share`, never below the rulebook's 30%.
    """
    problems = []
    if not members:
        return [_("%(panel)s至少需要一名成员。") % {"panel": panel.get_kind_display()}]
    allowed = SEATS_BY_KIND[panel.kind]
    users = [user for user, _seat in members]
    if len({u.pk for u in users}) != len(users):
        problems.append(_("同一评审人不能在一个评审组中占两个席位。"))
    for user, seat in members:
        if seat not in allowed:
            problems.append(
                _("“%(seat)s”不是%(panel)s的席位。")
                % {"seat": Seat(seat).label, "panel": panel.get_kind_display()}
            )
        profile = getattr(user, "profile", None)
        if profile is None or profile.role != Role.REVIEWER:
            problems.append(_("%(user)s 不是评审专家账号。") % {"user": user.get_username()})
    if panel.kind == PanelKind.SOCIAL:
        share = panel.roadshow.street.resident_rep_min_share
        residents = sum(1 for _user, seat in members if seat == Seat.RESIDENT)
        needed = resident_reps_needed(len(members), share)
        if residents < needed:
            problems.append(
                _(
                    "群众代表不少于%(share)s%%:%(total)d 人的社会评审组至少需要 %(needed)d "
                    "名群众代表，目前只有 %(count)d 名。"
                )
                % {"share": plain(share * 100), "total": len(members), "needed": needed, "count": residents}
            )
    if panel.roadshow_id:
        other = (
            PanelMember.objects.filter(panel__roadshow_id=panel.roadshow_id, user__in=[u.pk for u in users])
            .exclude(panel_id=panel.pk)
            .select_related("user")
        )
        for member in other:
            problems.append(
                _("%(user)s 已在本次路演的另一个评审组中。") % {"user": member.user.get_username()}
            )
    return problems


def panel_set_members(*, panel: Panel, members: list[tuple[User, str]], by: User) -> Panel:
    """Replace the panel's members with `members` [(user, seat)] after checking the composition."""
    _require_manager(by, panel.roadshow)
    if panel.roadshow.status != RoadshowStatus.DRAFT:
        raise ValidationError(_("路演评分已开始，评审组成员不能再调整。"))
    problems = panel_composition_problems(panel, members)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        if panel.pk is None:
            panel.full_clean()
            panel.save()
        panel.members.all().delete()
        PanelMember.objects.bulk_create([PanelMember(panel=panel, user=u, seat=s) for u, s in members])
        audit_log(
            subject=panel.roadshow,
            action="reviews.panel.members_set",
            actor=by,
            community=None,
            data={"panel": panel.kind, "members": [[u.get_username(), s] for u, s in members]},
        )
        _tell_reviewers(panel.roadshow, [u for u, _seat in members], "reviews.roadshow_reviewer")
    return panel


def _roadshow_params(roadshow: Roadshow) -> dict[str, str]:
    return {"when": roadshow.date.isoformat(), "place": roadshow.place, "title": roadshow.title}


def _tell_reviewers(roadshow: Roadshow, users: Iterable, code: str, *, occasion: str = "") -> int:
    """Each reviewer by SMS (the phone on their profile) and e-mail — rulebook 五(二)1."""
    to = []
    for user in users:
        profile = getattr(user, "profile", None)
        to += person_recipients(
            email=user.email, mobile=getattr(profile, "phone", ""), name=user.get_full_name()
        )
    return message_queue(
        code=code,
        to=to,
        params=_roadshow_params(roadshow),
        cause=roadshow,
        occasion=occasion or f"{roadshow.date}|{roadshow.place}",  # a moved roadshow is told again
        street_id=roadshow.street_id,
    )


# --- Roadshow ----------------------------------------------------------------------


def roadshow_entry_problems(roadshow: Roadshow, partner: Partner) -> list[str]:
    problems = []
    if partner.community.street_id != roadshow.street_id:
        problems.append(_("%(name)s 不属于本街道。") % {"name": partner.name})
    if roadshow.status == RoadshowStatus.DRAFT and partner.status != PartnerStatus.SHORTLISTED:
        problems.append(
            _("%(name)s 不在入围名单中（当前状态：%(status)s）。")
            % {"name": partner.name, "status": partner.get_status_display()}
        )
    return problems


def roadshow_set_entries(*, roadshow: Roadshow, partners: list[Partner], by: User) -> Roadshow:
    """Put the shortlisted applicants on the roadshow in presentation order."""
    _require_manager(by, roadshow)
    if roadshow.status != RoadshowStatus.DRAFT:
        raise ValidationError(_("路演评分已开始，出场名单不能再调整。"))
    problems = [p for partner in partners for p in roadshow_entry_problems(roadshow, partner)]
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        roadshow.entries.all().delete()
        RoadshowEntry.objects.bulk_create(
            [RoadshowEntry(roadshow=roadshow, partner=p, position=i) for i, p in enumerate(partners, start=1)]
        )
        audit_log(
            subject=roadshow,
            action="reviews.roadshow.entries_set",
            actor=by,
            data={"partners": [p.pk for p in partners]},
        )
        for partner in partners:  # each applicant: when and where to present (五(二)1)
            application = partner.application
            message_queue(
                code="reviews.roadshow_applicant",
                to=person_recipients(
                    email=application.email, mobile=application.mobile, name=application.contact_name
                ),
                params={**_roadshow_params(roadshow), "reference": application.reference},
                cause=roadshow,
                occasion=f"{roadshow.date}|{roadshow.place}",
                partner_id=partner.pk,
                street_id=roadshow.street_id,
                community_id=partner.community_id,
            )
    return roadshow


def roadshow_open_problems(roadshow: Roadshow) -> list[str]:
    problems = []
    if not roadshow.rubric.criteria.exists():
        problems.append(_("评估细则还没有评分指标。"))
    entries = list(roadshow.entries.select_related("partner__application", "partner__community"))
    if not entries:
        problems.append(_("路演还没有出场的入围对象。"))
    for entry in entries:
        problems += roadshow_entry_problems(roadshow, entry.partner)
    panels = {p.kind: p for p in roadshow.panels.select_related("roadshow__street")}
    for kind in PanelKind:
        panel = panels.get(kind)
        if panel is None:
            problems.append(_("尚未组成%(panel)s。") % {"panel": kind.label})
            continue
        members = [(m.user, m.seat) for m in panel.members.select_related("user__profile")]
        problems += panel_composition_problems(panel, members)
    return problems


def roadshow_open_scoring(*, roadshow: Roadshow, by: User) -> Roadshow:
    """Open scoring; the panel composition is checked again (rulebook 五(二)1)."""
    _require_manager(by, roadshow)
    with transaction.atomic():
        roadshow = Roadshow.objects.select_for_update().get(pk=roadshow.pk)
        if roadshow.status != RoadshowStatus.DRAFT:
            raise ValidationError(_("该路演不在筹备状态，不能开始评分。"))
        problems = roadshow_open_problems(roadshow)
        if problems:
            raise ValidationError(problems)
        policy = review_policy_for(roadshow.street)
        roadshow.status = RoadshowStatus.OPEN
        roadshow.opened_at = timezone.now()
        if roadshow.scoring_deadline is None:
            roadshow.scoring_deadline = default_scoring_deadline(roadshow)
        roadshow.expert_weight = policy.expert_weight
        roadshow.social_weight = policy.social_weight
        roadshow.drop_extremes = policy.drop_extremes
        roadshow.drop_extremes_min_members = policy.drop_extremes_min_members
        roadshow.save(
            update_fields=[
                "status",
                "opened_at",
                "scoring_deadline",
                "expert_weight",
                "social_weight",
                "drop_extremes",
                "drop_extremes_min_members",
            ]
        )
        audit_log(
            subject=roadshow,
            action="reviews.roadshow.scoring_opened",
            actor=by,
            from_state=RoadshowStatus.DRAFT,
            to_state=RoadshowStatus.OPEN,
        )
        _tell_reviewers(
            roadshow, [member.user for member in roadshow_members(roadshow)], "reviews.scoring_open"
        )
    return roadshow


def default_scoring_deadline(roadshow: Roadshow, *, today: dt.date | None = None) -> dt.date:
    """`SCORING_DAYS` after the roadshow (or after today, for a roadshow whose day is past)."""
    return max(roadshow.date, today or local_today()) + dt.timedelta(days=SCORING_DAYS)


def scoring_reminders_due(*, today: dt.date | None = None) -> list[tuple[Roadshow, list[PanelMember]]]:
    """Open roadshows whose scoring closes tomorrow, each with the members still owing a sheet.

    A member owes a sheet when, for any applicant on the roadshow, they have
    neither declared a conflict nor submitted (`scoring_missing`) — 五(二)1.
    """
    tomorrow = (today or local_today()) + dt.timedelta(days=1)
    due = []
    roadshows = Roadshow.objects.filter(status=RoadshowStatus.OPEN, scoring_deadline=tomorrow).order_by("id")
    for roadshow in roadshows:
        owing = {}
        for entry in roadshow.entries.select_related("partner"):
            for member in scoring_missing(entry.partner, roadshow):
                owing.setdefault(member.pk, member)
        if owing:
            due.append((roadshow, list(owing.values())))
    return due


def scoring_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind each reviewer whose sheet is not submitted, the day before scoring closes — 五(二)1.

    Once per (roadshow, deadline, reviewer address, channel): the outbox key
    holds the deadline, so re-runs (beat runs this hourly in the daytime) write
    nothing new, and a worker killed mid-run leaves nothing half-written (one
    transaction) for the next run to finish. A deadline staff move is a new
    occasion: reviewers are reminded again the day before the new date.
    Returns how many new outbox rows this run wrote (0 on a re-run).
    """
    code = "reviews.scoring_closes_tomorrow"
    with transaction.atomic():
        before = OutboxMessage.objects.filter(code=code).count()
        for roadshow, members in scoring_reminders_due(today=today):
            _tell_reviewers(
                roadshow,
                [member.user for member in members],
                code,
                occasion=f"deadline|{roadshow.scoring_deadline.isoformat()}",
            )
        return OutboxMessage.objects.filter(code=code).count() - before


def _member_context(*, member: PanelMember, partner: Partner, by: User | None) -> Roadshow:
    if by is None or member.user_id != by.pk:
        raise PermissionDenied(_("只能以本人身份评分。"))
    roadshow = Roadshow.objects.select_related("rubric").get(pk=member.panel.roadshow_id)
    if roadshow.status != RoadshowStatus.OPEN:
        raise ValidationError(_("该路演当前不在评分阶段。"))
    if not roadshow.entries.filter(partner=partner).exists():
        raise ValidationError(_("该申请人不在本次路演中。"))
    return roadshow


def conflict_declare(
    *, member: PanelMember, partner: Partner, has_conflict: bool, note: str = "", by: User
) -> ConflictDeclaration:
    """A member declares, before scoring, whether they have a conflict of interest.

    Rulebook 二(一) 公开公平: a conflicted member does not score that applicant.
    The declaration is made once; it is part of the record.
    """
    _member_context(member=member, partner=partner, by=by)
    note = (note or "").strip()
    if has_conflict and not note:
        raise ValidationError({"note": _("请简要说明利益关系。")})
    with transaction.atomic():
        if ConflictDeclaration.objects.filter(member=member, partner=partner).exists():
            raise ValidationError(_("您已就该申请人作出声明。"))
        declaration = ConflictDeclaration(
            member=member, partner=partner, has_conflict=has_conflict, note=note
        )
        declaration.full_clean()
        declaration.save()
        audit_log(
            subject=partner,
            action="reviews.conflict.declared",
            actor=by,
            to_state="conflict" if has_conflict else "none",
            note=note,
            community=partner.community,
            data={"roadshow": member.panel.roadshow_id, "panel": member.panel.kind},
        )
    return declaration


def score_sheet_total(criteria: Iterable[Criterion], values: dict) -> Decimal:
    """A sheet's weighted total, Σ(score × criterion weight), exact (no rounding).

    Rulebook 五(二)1 (评审组打分). The one place the total of a single sheet is
    computed in Python: the scoring page, its confirmation step and the locked
    sheet show it, and static/reviews/score-total.js computes the same figure
    as the reviewer types (in hundredths, so the two never differ). `values`
    maps criterion id → Decimal or None; an unscored criterion adds nothing.
    """
    total = Decimal("0")
    for criterion in criteria:
        value = values.get(criterion.pk)
        if value is not None:
            total += Decimal(value) * criterion.weight
    return total


@dataclass(frozen=True)
class SheetLine:
    criterion: Criterion
    value: Decimal

    @property
    def value_display(self) -> str:
        return plain(self.value)

    @property
    def weight_display(self) -> str:
        return plain(self.criterion.weight)


@dataclass(frozen=True)
class SheetPreview:
    """What the reviewer is about to lock: each score and the weighted total."""

    lines: list[SheetLine]
    total: Decimal
    comment: str

    @property
    def total_display(self) -> str:
        return plain(self.total)


def _clean_scores(roadshow: Roadshow, values: dict, *, submit: bool) -> dict[int, Decimal]:
    """Each score between 0 and its criterion's maximum, two decimals at most;
    every criterion scored when submitting. Errors are keyed "criterion_<id>"."""
    criteria = {c.pk: c for c in roadshow.rubric.criteria.all()}
    errors = {}
    cleaned = {}
    for key, raw in values.items():
        criterion = criteria.get(int(key))
        if criterion is None:
            raise ValidationError(_("评分指标不属于本次路演的评估细则。"))
        if raw in (None, ""):
            continue
        try:
            value = Decimal(str(raw))
        except ArithmeticError:
            errors[f"criterion_{criterion.pk}"] = _("请输入数字。")
            continue
        if not value.is_finite() or value < 0:
            errors[f"criterion_{criterion.pk}"] = _("得分不能为负数。")
        elif value > criterion.max_score:
            errors[f"criterion_{criterion.pk}"] = _("得分不能超过满分 %(max)s 分。") % {
                "max": plain(criterion.max_score)
            }
        elif value != value.quantize(TWO_PLACES):
            errors[f"criterion_{criterion.pk}"] = _("得分最多保留两位小数。")
        else:
            cleaned[criterion.pk] = value
    if submit:
        for pk in criteria:
            if pk not in cleaned and f"criterion_{pk}" not in errors:
                errors[f"criterion_{pk}"] = _("提交前请为每一项打分。")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_may_score(*, member: PanelMember, partner: Partner, by: User) -> Roadshow:
    roadshow = _member_context(member=member, partner=partner, by=by)
    declaration = ConflictDeclaration.objects.filter(member=member, partner=partner).first()
    if declaration is None:
        raise ValidationError(_("请先声明是否存在利益冲突。"))
    if declaration.has_conflict:
        raise ValidationError(_("您已声明与该申请人存在利益冲突，不能评分。"))
    if ScoreSheet.objects.filter(member=member, partner=partner, status=SheetStatus.SUBMITTED).exists():
        raise ValidationError(_("评分表已提交并锁定；如需修改，请联系工作人员解锁。"))
    return roadshow


def score_sheet_preview(
    *, member: PanelMember, partner: Partner, values: dict, comment: str = "", by: User
) -> SheetPreview:
    """Check a sheet as for submission and show what would be locked, saving nothing.

    Rulebook 五(二)1: a submitted sheet is final, so the reviewer confirms the
    scores and the weighted total first (the 提交 → 确认提交 step of the
    scoring page). Refuses exactly what `score_sheet_save(submit=True)` refuses.
    """
    roadshow = _check_may_score(member=member, partner=partner, by=by)
    cleaned = _clean_scores(roadshow, values, submit=True)
    criteria = list(roadshow.rubric.criteria.all())
    return SheetPreview(
        lines=[SheetLine(criterion=c, value=cleaned[c.pk]) for c in criteria],
        total=score_sheet_total(criteria, cleaned),
        comment=(comment or "").strip(),
    )


def score_sheet_save(
    *, member: PanelMember, partner: Partner, values: dict, comment: str = "", submit: bool = False, by: User
) -> ScoreSheet:
    """Save a draft or submit a member's score sheet; a submitted sheet is locked.

    Rulebook 五(二)1. `values` maps criterion id → Decimal or None (not yet
    scored). Each score lies between 0 and the criterion's maximum; submitting
    needs every criterion. Errors are keyed "criterion_<id>" so forms show
    them in place. The scoring page submits only after the confirmation step
    (`score_sheet_preview`).
    """
    roadshow = _check_may_score(member=member, partner=partner, by=by)
    cleaned = _clean_scores(roadshow, values, submit=submit)

    with transaction.atomic():
        sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(member=member, partner=partner)
        if sheet.is_locked:
            raise ValidationError(_("评分表已提交并锁定；如需修改，请联系工作人员解锁。"))
        sheet.comment = (comment or "").strip()
        fields = ["comment", "updated_at"]
        if submit:
            sheet.status = SheetStatus.SUBMITTED
            sheet.submitted_at = timezone.now()
            fields += ["status", "submitted_at"]
        sheet.save(update_fields=fields)
        sheet.scores.exclude(criterion_id__in=list(cleaned)).delete()
        for pk, value in cleaned.items():
            Score.objects.update_or_create(sheet=sheet, criterion_id=pk, defaults={"value": value})
        if submit:
            audit_log(
                subject=sheet,
                action="reviews.sheet.submitted",
                actor=by,
                from_state=SheetStatus.DRAFT,
                to_state=SheetStatus.SUBMITTED,
                community=partner.community,
                data={str(pk): str(v) for pk, v in cleaned.items()},
            )
    return sheet


def score_sheet_unlock(*, sheet: ScoreSheet, reason: str, by: User) -> ScoreSheet:
    """Reopen a submitted sheet for its reviewer; the reason is logged."""
    roadshow = Roadshow.objects.get(pk=sheet.member.panel.roadshow_id)
    _require_manager(by, roadshow)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写解锁原因。")})
    with transaction.atomic():
        sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
        if roadshow.status != RoadshowStatus.OPEN:
            raise ValidationError(_("路演评分已结束，评分表不能再解锁。"))
        if not sheet.is_locked:
            raise ValidationError(_("该评分表尚未提交，无需解锁。"))
        sheet.status = SheetStatus.DRAFT
        sheet.submitted_at = None
        sheet.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_log(
            subject=sheet,
            action="reviews.sheet.unlocked",
            actor=by,
            from_state=SheetStatus.SUBMITTED,
            to_state=SheetStatus.DRAFT,
            note=reason,
            community=sheet.partner.community,
        )
    return sheet


# --- Aggregation -------------------------------------------------------------------


def panel_score(totals: list[Decimal], *, drop_extremes: bool, min_members: int) -> Decimal | None:
    """Mean of the totals, without one highest and one lowest when there are enough."""
    if not totals:
        return None
    values = sorted(totals)
    if drop_extremes and len(values) >= min_members:
        values = values[1:-1]
    return sum(values, Decimal("0")) / len(values)


def composite_score(
    expert: Decimal | None, social: Decimal | None, *, expert_weight: Decimal, social_weight: Decimal
) -> Decimal | None:
    """Weighted sum of the panel scores, two decimals, ROUND_HALF_UP."""
    if expert is None or social is None:
        return None
    return (expert * expert_weight + social * social_weight).quantize(TWO_PLACES, ROUND_HALF_UP)


@dataclass
class ResultRow:
    partner: Partner
    position: int
    totals: dict = field(default_factory=dict)  # member id → Decimal total
    conflicted: set = field(default_factory=set)  # member ids
    expert: Decimal | None = None
    social: Decimal | None = None
    composite: Decimal | None = None
    rank: int | None = None

    @property
    def expert_display(self) -> Decimal | None:
        return None if self.expert is None else self.expert.quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def social_display(self) -> Decimal | None:
        return None if self.social is None else self.social.quantize(TWO_PLACES, ROUND_HALF_UP)


def roadshow_policy(roadshow: Roadshow) -> Roadshow | ReviewPolicy:
    """The weights and trimming in force for this roadshow: frozen when scoring opened."""
    if roadshow.expert_weight is not None:
        return roadshow
    return review_policy_for(roadshow.street)


def sheet_totals(roadshow: Roadshow) -> dict[tuple[int, int], Decimal]:
    """(partner id, member id) → Σ(score × weight) of each submitted sheet, in one query."""
    rows = (
        Score.objects.filter(sheet__member__panel__roadshow=roadshow, sheet__status=SheetStatus.SUBMITTED)
        .values("sheet__partner_id", "sheet__member_id")
        .annotate(total=Sum(F("value") * F("criterion__weight")))
    )
    return {(r["sheet__partner_id"], r["sheet__member_id"]): r["total"] for r in rows}


def roadshow_members(roadshow: Roadshow) -> list[PanelMember]:
    return list(
        PanelMember.objects.filter(panel__roadshow=roadshow)
        .select_related("panel", "user")
        .order_by("panel__kind", "id")
    )


def rank_key(row: ResultRow) -> tuple[Decimal, Decimal, dt.datetime, int]:
    """Higher composite, then higher expert score, then earlier application, then lower id."""
    return (
        -(row.composite if row.composite is not None else Decimal("-1")),
        -(row.expert if row.expert is not None else Decimal("-1")),
        row.partner.application.submitted_at,
        row.partner.pk,
    )


def roadshow_results(roadshow: Roadshow) -> list[ResultRow]:
    """Every applicant's sheet totals, panel scores, composite and rank (best first)."""
    policy = roadshow_policy(roadshow)
    members = roadshow_members(roadshow)
    totals = sheet_totals(roadshow)
    conflicts = set(
        ConflictDeclaration.objects.filter(member__panel__roadshow=roadshow, has_conflict=True).values_list(
            "partner_id", "member_id"
        )
    )
    rows = []
    for entry in roadshow.entries.select_related("partner__application", "partner__community"):
        row = ResultRow(partner=entry.partner, position=entry.position)
        by_kind = {PanelKind.EXPERT: [], PanelKind.SOCIAL: []}
        for member in members:
            key = (entry.partner_id, member.pk)
            if key in conflicts:
                row.conflicted.add(member.pk)
            if key in totals:
                row.totals[member.pk] = totals[key]
                by_kind[member.panel.kind].append(totals[key])
        options = {"drop_extremes": policy.drop_extremes, "min_members": policy.drop_extremes_min_members}
        row.expert = panel_score(by_kind[PanelKind.EXPERT], **options)
        row.social = panel_score(by_kind[PanelKind.SOCIAL], **options)
        row.composite = composite_score(
            row.expert, row.social, expert_weight=policy.expert_weight, social_weight=policy.social_weight
        )
        rows.append(row)
    rows.sort(key=rank_key)
    for rank, row in enumerate(rows, start=1):
        row.rank = rank if row.composite is not None else None
    return rows


def scoring_missing(partner: Partner, roadshow: Roadshow | None = None) -> list[PanelMember]:
    """Members who still owe a declaration or a submitted sheet for `partner`."""
    if roadshow is None:
        entry = (
            RoadshowEntry.objects.filter(partner=partner)
            .exclude(roadshow__status=RoadshowStatus.DRAFT)
            .select_related("roadshow")
            .order_by("-roadshow__opened_at")
            .first()
        )
        if entry is None:
            return []
        roadshow = entry.roadshow
    conflicted = set(
        ConflictDeclaration.objects.filter(
            partner=partner, member__panel__roadshow=roadshow, has_conflict=True
        ).values_list("member_id", flat=True)
    )
    submitted = set(
        ScoreSheet.objects.filter(
            partner=partner, member__panel__roadshow=roadshow, status=SheetStatus.SUBMITTED
        ).values_list("member_id", flat=True)
    )
    return [m for m in roadshow_members(roadshow) if m.pk not in conflicted and m.pk not in submitted]


def scoring_is_complete(partner: Partner) -> bool:
    """Every non-conflicted member of both panels submitted a sheet, and each panel has one."""
    entry = (
        RoadshowEntry.objects.filter(partner=partner)
        .exclude(roadshow__status=RoadshowStatus.DRAFT)
        .select_related("roadshow")
        .order_by("-roadshow__opened_at")
        .first()
    )
    if entry is None:
        return False
    if scoring_missing(partner, entry.roadshow):
        return False
    kinds = set(
        ScoreSheet.objects.filter(
            partner=partner, member__panel__roadshow=entry.roadshow, status=SheetStatus.SUBMITTED
        ).values_list("member__panel__kind", flat=True)
    )
    return kinds == {PanelKind.EXPERT, PanelKind.SOCIAL}


def roadshow_close_scoring(*, roadshow: Roadshow, by: User) -> list[ResultRow]:
    """Close scoring when every sheet is in, freezing each composite on the partner.

    Each applicant moves shortlisted → scored through partner_transition("score").
    """
    _require_manager(by, roadshow)
    with transaction.atomic():
        roadshow = Roadshow.objects.select_for_update().get(pk=roadshow.pk)
        if roadshow.status != RoadshowStatus.OPEN:
            raise ValidationError(_("该路演不在评分阶段。"))
        problems = []
        for entry in roadshow.entries.select_related("partner__application"):
            missing = scoring_missing(entry.partner, roadshow)
            if missing:
                problems.append(
                    _("%(name)s：尚有 %(count)d 名评审人未提交评分（%(who)s）。")
                    % {
                        "name": entry.partner.name,
                        "count": len(missing),
                        "who": "、".join(str(m) for m in missing),
                    }
                )
        results = roadshow_results(roadshow)
        for row in results:
            if row.composite is None and not any(row.partner.name in p for p in problems):
                problems.append(
                    _("%(name)s：至少一个评审组没有有效评分，无法计算综合评分。") % {"name": row.partner.name}
                )
        if problems:
            raise ValidationError(problems)
        roadshow.status = RoadshowStatus.CLOSED
        roadshow.closed_at = timezone.now()
        roadshow.save(update_fields=["status", "closed_at"])
        audit_log(
            subject=roadshow,
            action="reviews.roadshow.scoring_closed",
            actor=by,
            from_state=RoadshowStatus.OPEN,
            to_state=RoadshowStatus.CLOSED,
            data={str(r.partner.pk): str(r.composite) for r in results},
        )
        for row in results:
            if row.partner.status == PartnerStatus.SHORTLISTED:
                partner_transition(
                    partner=row.partner,
                    transition="score",
                    by=by,
                    system=True,
                    procedure="reviews.roadshow_close_scoring",
                    composite_score=row.composite,
                    data={"roadshow": roadshow.pk, "rank": row.rank},
                )
    return results


def roadshow_results_xlsx(roadshow: Roadshow) -> bytes:
    """结果表: the roadshow's ranking with every member's sheet total and the panel and composite
    scores (rulebook 五(二)1: 专家评审组 and 社会评审组 each score; the composite ranks)."""
    members = roadshow_members(roadshow)
    headers = [_("排名"), _("出场顺序"), _("申请编号"), _("申请主体"), _("项目名称")]
    headers += [f"{m.panel.get_kind_display()}·{m}" for m in members]
    headers += [_("专家评审组得分"), _("社会评审组得分"), _("综合评分")]
    rows = []
    for row in roadshow_results(roadshow):
        cells = [
            _("回避") if m.pk in row.conflicted else (float(row.totals[m.pk]) if m.pk in row.totals else None)
            for m in members
        ]
        rows.append(
            [
                row.rank,
                row.position,
                row.partner.reference,
                row.partner.name,
                row.partner.application.project_title,
                *cells,
                float(row.expert_display) if row.expert is not None else None,
                float(row.social_display) if row.social is not None else None,
                float(row.composite) if row.composite is not None else None,
            ]
        )
    return rows_to_xlsx(headers, rows, title=_("评分结果"))
