"""Write and read functions for tripartite agreements, their terms, signing and renewal.

Rulebook 四(二)2 (trial 6–12 months, renewals ≤2 years, special ≤3 years),
四(二)3 (rent-free, costs the partner bears), 五(三)1–2 (the tripartite
agreement; decide on renewal 2 months before the end), 六(一)2 and 4
(quantified targets, logo licence).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.domain import (
    message_queue,
    message_rows,
    outbox_write,
    person_recipients,
    staff_groups_by_street,
    staff_recipients,
)
from partners.domain import TransitionRefused, partner_transition, partners_transition_many
from partners.models import SERVING, PartnerStatus
from portal.batching import coalesced
from portal.dates import cn_date, latest_months_after, local_today, months_before, term_end
from portal.domain import audit_log, audit_log_many, require
from portal.models import Role, Street
from portal.pdf import html_to_pdf
from portal.rules import user_profile
from portal.tasks import publish
from portal.uploads import DOCUMENT_KINDS, validate_upload
from spaces.domain import describe_slot, timeslot_create
from spaces.models import TimeSlot

from .models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementSignature,
    AgreementStatus,
    Party,
    ReminderKind,
    RenewalReminder,
    ServiceTarget,
    SpecialApproval,
)
from .rules import (
    can_decide_renewal,
    can_draft_agreement,
    can_record_signature,
    can_record_special_approval,
)
from .tasks import render_agreement_pdf

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from partners.models import Partner
    from portal.models import Community
    from spaces.models import Space

TERM_KINDS = (AgreementKind.FIRST, AgreementKind.RENEWAL)
SECOND_NOTICE_DAYS = 14  # a second notice two weeks before the end
PDF_TEMPLATE = "agreements/pdf/agreement.html"


# --- Standard clauses -----------------------------------------------------------


def default_clauses(street: Street) -> dict[str, str]:
    """The clauses every agreement states, from the rulebook's wording (四(二)1、3, 六(一)4)."""
    brand = street.programme_name or "睦邻合伙人"
    return {
        "permitted_use": _(
            "空间使用权仅限用于开展本协议约定的公益服务及相关经营和服务项目；严禁用于自身经营范围以外的"
            "纯商业盈利活动、与项目无关的私人用途或违规违纪违法活动。"
        ),
        "partner_costs": _(
            "本协议实行免租金政策，乙方无需支付租金，但需自行承担：因使用需求产生的超出空间基础配置的水、电、"
            "网络费用；物业管理费（如有）；运营项目本身所需的物料、耗材、人力等成本；实施的空间更新、改造费用（如有）。"
        ),
        "breach_terms": _(
            "乙方未按约定提供公益服务时数或服务量、弄虚作假、擅自改变空间用途或转借他人的，甲方、丙方有权"
            "责令限期整改；情节严重或整改不到位的，按《“睦邻合伙人”监督管理细则》终止协议。街道、社区工作人员"
            "不得向乙方收取协议规定以外的任何费用。"
        ),
        "exit_terms": _(
            "协议期满自愿退出、评估不合格退出、主动申请退出及因违规违纪违法或不可抗力导致的强制退出等情形，"
            "按《“睦邻合伙人”监督管理细则》履行退出程序；乙方应在退出之日起恢复空间原状并交还。"
        ),
        "logo": _("甲方授予乙方“%(brand)s”标识使用权，仅限于面向社区居民开展公益服务时使用。")
        % {"brand": brand},
    }


# --- Read functions ---------------------------------------------------------------


def _signed_successor_q() -> Exists:
    return Exists(
        Agreement.objects.filter(
            previous=OuterRef("pk"), kind=AgreementKind.RENEWAL, status=AgreementStatus.SIGNED
        )
    )


def current_term(partner: Partner, *, on: dt.date | None = None) -> Agreement | None:
    """The signed term (first or renewal) in force on `on`, else the last one that started before it."""
    on = on or local_today()
    terms = Agreement.objects.filter(
        partner=partner, kind__in=TERM_KINDS, status=AgreementStatus.SIGNED, start_date__lte=on
    ).select_related("community__street")
    return (
        terms.filter(end_date__gte=on).order_by("-start_date", "-id").first()
        or terms.order_by("-end_date", "-id").first()
    )


def current_terms(partner_ids: Iterable[int], *, on: dt.date | None = None) -> dict[int, Agreement]:
    """`current_term` of many partners in one query: partner id → term (none: left out).

    Each term is annotated `has_signed_successor` (a renewal of it is signed), so
    the renewal facts of a whole batch need no query per partner (issue 14).
    """
    on = on or local_today()
    terms = (
        Agreement.objects.filter(
            partner_id__in=partner_ids, kind__in=TERM_KINDS, status=AgreementStatus.SIGNED, start_date__lte=on
        )
        .select_related("community__street")
        .annotate(has_signed_successor=_signed_successor_q())
        .order_by()
    )

    def rank(term):  # in force first, by its start; else the last to end (as current_term)
        in_force = term.end_date >= on
        return (in_force, term.start_date if in_force else term.end_date, term.pk)

    found: dict[int, Agreement] = {}
    for term in terms:
        best = found.get(term.partner_id)
        if best is None or rank(term) > rank(best):
            found[term.partner_id] = term
    return found


def latest_signed_term(partner: Partner) -> Agreement | None:
    return (
        Agreement.objects.filter(partner=partner, kind__in=TERM_KINDS, status=AgreementStatus.SIGNED)
        .order_by("-end_date", "-id")
        .first()
    )


def trial_term(partner: Partner) -> Agreement | None:
    """The partner's signed first agreement: its term is the trial (试用期, 四(二)2)."""
    return (
        Agreement.objects.filter(partner=partner, kind=AgreementKind.FIRST, status=AgreementStatus.SIGNED)
        .select_related("community__street")
        .order_by("id")
        .first()
    )


def trial_evaluation_window(partner: Partner) -> tuple[dt.date, dt.date] | None:
    """The days on which an evaluation may conclude the partner's trial, or None without a trial term.

    试用期满经评估合格 (四(二)2, 五(三)): the evaluation is made at the trial's end,
    so the window is [trial end − N months, trial end], N being the street's
    `trial_evaluation_window_months` (1 by default), counted in calendar months
    and clamped to the month's last day (`portal.dates.months_before`).
    """
    term = trial_term(partner)
    if term is None:
        return None
    months = term.community.street.trial_evaluation_window_months
    return months_before(term.end_date, months), term.end_date


def signed_successor(term: Agreement) -> Agreement | None:
    return term.successors.filter(kind=AgreementKind.RENEWAL, status=AgreementStatus.SIGNED).first()


def renewal_reminder_date(term: Agreement) -> dt.date:
    """The day the renewal window opens — 五(三)2 协议期满前2个月.

    The calendar date the street's `renewal_notice_months` (2 by default)
    before the term's end, clamped to the month's last day: a term ending
    31 Aug is reminded on 30 Jun, one ending 30 Apr on 28 (or 29) Feb.
    """
    return months_before(term.end_date, term.community.street.renewal_notice_months)


def term_in_renewal_window(term: Agreement, *, today: dt.date | None = None) -> bool:
    """The term's renewal window has opened (`renewal_reminder_date`, Asia/Shanghai) — 五(三)2."""
    today = today or local_today()
    return today >= renewal_reminder_date(term)


def agreement_is_complete(agreement: Agreement) -> bool:
    return all(agreement.signatures.filter(party=party).exists() for party in Party.values)


def signatures_by_party(agreement: Agreement) -> dict[str, AgreementSignature | None]:
    found = {s.party: s for s in agreement.signatures.all()}
    return {party: found.get(party) for party in Party.values}


def agreement_spaces(agreement: Agreement) -> list[Space]:
    seen = {}
    for slot in agreement.timeslots.all():
        seen.setdefault(slot.space_id, slot.space)
    return list(seen.values())


# --- Term rules -------------------------------------------------------------------


def term_problems(
    *,
    partner: Partner,
    kind: str,
    start_date: dt.date,
    months: int,
    special_approval: SpecialApproval | None = None,
    exclude: Agreement | None = None,
    today: dt.date | None = None,
) -> dict[str, list[str]]:
    """Every term rule the proposed term breaks, by form field, each message naming its rule.

    四(二)2: the first agreement is a trial of 6–12 months; each renewal at most
    2 years, at most 3 years for a special project with the community
    committees' request and the street committee's review; terms follow each
    other without gap or overlap.

    五(三)1: the agreement is signed after the notice, so a first term may not
    be backdated: it starts at most the street's `agreement_start_grace_days`
    (30 by default; the rulebook sets no number) before `today`, the day it is
    drafted. The grace limits only a start someone chooses. A renewal's start
    is fixed by the previous term (its end + 1 day, no gap — 四(二)2), so a
    renewal decided or drafted late (agreement_draft_next_term) still starts
    there and is not refused for lying in the past.
    """
    street = partner.community.street
    today = today or local_today()
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    others = Agreement.objects.filter(partner=partner).exclude(status=AgreementStatus.VOID)
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
    if months is None or months < 1:
        add("months", _("请填写协议期限（整月数）。"))
        return problems

    if kind == AgreementKind.FIRST:
        if others.filter(kind=AgreementKind.FIRST).exists():
            add("kind", _("该合伙人已有首次签约协议；之后的协议应为续签或补充协议。"))
        if partner.status != PartnerStatus.SIGNING:
            add(
                "kind",
                _("合伙人当前状态为“%(status)s”，只有“待签约”的合伙人可以签订首次协议（试用期）。")
                % {"status": partner.get_status_display()},
            )
        if not street.trial_min_months <= months <= street.trial_max_months:
            add(
                "months",
                _("首次签约为试用期，期限应为%(min)s–%(max)s个月（办法四（二）2），当前为%(months)s个月。")
                % {"min": street.trial_min_months, "max": street.trial_max_months, "months": months},
            )
        if special_approval is not None:
            add("special_approval", _("特殊续签审批只适用于续签协议。"))
        earliest = today - dt.timedelta(days=street.agreement_start_grace_days)
        if start_date and start_date < earliest:
            add(
                "start_date",
                _(
                    "协议起始日不能早于 %(earliest)s（起草当天前%(days)s天）；"
                    "协议在公示无异议后签订（办法五（三）1），不得倒签。"
                )
                % {"earliest": earliest.isoformat(), "days": street.agreement_start_grace_days},
            )
    elif kind == AgreementKind.RENEWAL:
        previous = latest_signed_term(partner)
        if previous is None:
            add("kind", _("该合伙人尚无已签署的协议，不能续签。"))
        else:
            expected = previous.end_date + dt.timedelta(days=1)
            if start_date != expected:
                add(
                    "start_date",
                    _(
                        "续签协议应自上一期协议（%(number)s）截止日的次日 %(date)s 起算，"
                        "前后期限不得间断或重叠（办法四（二）2）。"
                    )
                    % {"number": previous.number, "date": expected.isoformat()},
                )
            if others.filter(kind=AgreementKind.RENEWAL, previous=previous).exists():
                add("kind", _("上一期协议（%(number)s）已有续签协议。") % {"number": previous.number})
        if partner.status not in SERVING:
            add(
                "kind",
                _("合伙人当前状态为“%(status)s”，不能续签。") % {"status": partner.get_status_display()},
            )
        if months > street.renewal_special_max_months:
            add(
                "months",
                _("续签期限最长不超过%(max)s个月（特殊优质项目，办法四（二）2），当前为%(months)s个月。")
                % {"max": street.renewal_special_max_months, "months": months},
            )
        elif months > street.renewal_max_months:
            if special_approval is None:
                add(
                    "months",
                    _(
                        "每次续签期限一般不超过%(max)s个月（办法四（二）2）；超过须经社区“两委”研究申请、"
                        "街道党工委审核，并登记特殊续签审批。当前为%(months)s个月。"
                    )
                    % {"max": street.renewal_max_months, "months": months},
                )
            elif special_approval.partner_id != partner.pk:
                add("special_approval", _("该特殊续签审批不属于本合伙人。"))
            elif special_approval.months < months:
                add(
                    "months",
                    _("特殊续签审批批准的期限为%(approved)s个月，少于本期%(months)s个月。")
                    % {"approved": special_approval.months, "months": months},
                )
    else:
        add("kind", _("补充协议请在已签署的协议上起草。"))

    if start_date and months and not problems.get("start_date"):
        end = term_end(start_date, months)
        overlapping = others.filter(kind__in=TERM_KINDS, start_date__lte=end, end_date__gte=start_date)
        for other in overlapping:
            add(
                "start_date",
                _("与协议 %(number)s（%(start)s 至 %(end)s）的期限重叠，前后期限不得重叠。")
                % {"number": other.number, "start": other.start_date, "end": other.end_date},
            )
    return problems


def _raise_problems(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError(problems)


def _next_number(partner: Partner, start_date: dt.date) -> str:
    base = f"MLXY-{start_date:%Y}-{partner.pk:05d}"
    count = Agreement.objects.filter(number__startswith=base).count()
    return f"{base}-{count + 1:02d}"


# --- Write functions --------------------------------------------------------------


def agreement_create(
    *,
    partner: Partner,
    kind: str,
    start_date: dt.date,
    months: int,
    services_description: str = "",
    special_approval: SpecialApproval | None = None,
    targets: list[dict] | None = None,
    clauses: dict | None = None,
    by: User,
    instance: Agreement | None = None,
    today: dt.date | None = None,
) -> Agreement:
    """Draft one term of a partner's agreement, checked against the term rules (四(二)2, 五(三)1).

    `targets` are dicts of ServiceTarget fields (metric, period, value,
    target_group). `instance` lets the admin save the form's own object.
    `today` is the day of drafting (doors leave it to the real today; the demo
    replays history with it); a first term may start at most the street's
    grace before it (see term_problems).
    """
    require(can_draft_agreement.test(by, partner), _("您没有权限为该合伙人起草协议。"))
    with transaction.atomic():
        # One drafting at a time per partner: the term rules read the other terms.
        type(partner).objects.select_for_update().filter(pk=partner.pk).first()
        _raise_problems(
            term_problems(
                partner=partner,
                kind=kind,
                start_date=start_date,
                months=months,
                special_approval=special_approval,
                today=today,
            )
        )
        defaults = default_clauses(partner.community.street)
        clauses = {**defaults, **(clauses or {})}
        agreement = instance or Agreement()
        agreement.partner = partner
        agreement.community = partner.community
        agreement.kind = kind
        agreement.start_date = start_date
        agreement.end_date = term_end(start_date, months)
        agreement.status = AgreementStatus.DRAFT
        agreement.previous = latest_signed_term(partner) if kind == AgreementKind.RENEWAL else None
        agreement.special_approval = special_approval
        agreement.services_description = (
            services_description or agreement.services_description or partner.application.project_title
        )
        for field in ("permitted_use", "partner_costs", "breach_terms", "exit_terms"):
            if not getattr(agreement, field):
                setattr(agreement, field, clauses[field])
        agreement.created_by = by if getattr(by, "is_authenticated", False) else None
        agreement.number = _next_number(partner, start_date)
        agreement.full_clean()
        agreement.save()
        for target in targets or []:
            agreement_target_set(agreement=agreement, by=by, **target)
        audit_log(
            subject=agreement,
            action="agreements.agreement.drafted",
            actor=by,
            to_state=agreement.status,
            data={"kind": kind, "start": start_date.isoformat(), "months": months},
        )
        _tell_partner_when_ready(agreement)
    return agreement


def agreement_supplement_create(
    *, agreement: Agreement, effective_from: dt.date, services_description: str, by: User
) -> Agreement:
    """Draft a supplementary agreement (补充协议) to a signed term — rulebook 七3.

    A signed agreement is never edited: what changes is written down in a
    supplement that runs from `effective_from` to the end of the term it amends
    and is signed by the same three parties.
    """
    require(can_draft_agreement.test(by, agreement), _("您没有权限为该协议起草补充协议。"))
    errors = {}
    if not agreement.is_term or agreement.status != AgreementStatus.SIGNED:
        errors["agreement"] = [_("补充协议只能针对已签署的协议期限起草。")]
    elif not agreement.start_date <= effective_from <= agreement.end_date:
        errors["effective_from"] = [
            _("补充协议的生效日期应在原协议期限（%(start)s 至 %(end)s）之内。")
            % {"start": agreement.start_date, "end": agreement.end_date}
        ]
    if not (services_description or "").strip():
        errors["services_description"] = [_("请写明补充或变更的内容。")]
    _raise_problems(errors)
    with transaction.atomic():
        count = Agreement.objects.filter(previous=agreement, kind=AgreementKind.SUPPLEMENTARY).count()
        supplement = Agreement(
            partner=agreement.partner,
            community=agreement.community,
            kind=AgreementKind.SUPPLEMENTARY,
            number=f"{agreement.number}-B{count + 1}",
            start_date=effective_from,
            end_date=agreement.end_date,
            previous=agreement,
            services_description=services_description,
            permitted_use=agreement.permitted_use,
            partner_costs=agreement.partner_costs,
            breach_terms=agreement.breach_terms,
            exit_terms=agreement.exit_terms,
            logo_licence=agreement.logo_licence,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        supplement.full_clean()
        supplement.save()
        audit_log(
            subject=supplement,
            action="agreements.agreement.supplement_drafted",
            actor=by,
            data={"amends": agreement.number},
        )
        _tell_partner_when_ready(supplement)
    return supplement


def _require_draft(agreement: Agreement) -> None:
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError(_("协议已签署或作废，不能修改；如需变更，请起草补充协议或下一期协议。"))
    if agreement.signatures.exists():
        raise ValidationError(_("协议已有签约方签字，内容不能再修改；如需变更，请作废后重新起草。"))


def agreement_target_set(
    *,
    agreement: Agreement,
    metric: str,
    value: Decimal | int | str,
    period: str = "month",
    target_group: str = "",
    by: User,
) -> ServiceTarget:
    """Set one quantified target (服务量化指标, 六(一)2) of a draft agreement."""
    require(can_draft_agreement.test(by, agreement), _("您没有权限修改该协议。"))
    with transaction.atomic():
        _require_draft(agreement)
        target, _created = ServiceTarget.objects.get_or_create(
            agreement=agreement,
            metric=metric,
            period=period,
            target_group=target_group or "",
            defaults={"value": Decimal(str(value))},
        )
        target.value = Decimal(str(value))
        target.full_clean()
        target.save()
        audit_log(subject=agreement, action="agreements.agreement.target_set", actor=by, note=str(target))
        _tell_partner_when_ready(agreement)
    return target


def agreement_timeslot_add(
    *,
    agreement: Agreement,
    space: Space,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    title: str = "",
    by: User,
) -> TimeSlot:
    """Grant the partner a weekly time slot in a space for the agreement's term.

    The space's calendar refuses overlaps (四(二)1 错峰使用), naming the conflict.
    """
    require(can_draft_agreement.test(by, agreement), _("您没有权限修改该协议。"))
    if space.community_id != agreement.community_id:
        raise ValidationError({"space": _("只能使用本社区的空间。")})
    with transaction.atomic():
        _require_draft(agreement)
        slot = timeslot_create(
            space=space,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            valid_from=agreement.start_date,
            valid_to=agreement.end_date,
            partner=agreement.partner,
            title=title or agreement.partner.name,
            by=by,
        )
        agreement.timeslots.add(slot)
        audit_log(
            subject=agreement,
            action="agreements.agreement.timeslot_added",
            actor=by,
            note=describe_slot(slot),
        )
        _tell_partner_when_ready(agreement)
    return slot


def agreement_is_editable(agreement: Agreement) -> bool:
    """Drafts nobody has signed yet; afterwards changes are a supplement or the next term."""
    return agreement.status == AgreementStatus.DRAFT and not agreement.signatures.exists()


def agreement_clauses_update(*, agreement: Agreement, values: dict, by: User) -> Agreement:
    """Edit the clauses of a draft before anyone signs (rulebook 五(三)1: the agreement states
    rights, space use, services, supervision and breach terms). Signed text never changes."""
    require(can_draft_agreement.test(by, agreement), _("您不能修改该协议。"))
    if not agreement_is_editable(agreement):
        raise ValidationError(_("协议已有签署记录，不能再修改；请签订补充协议或下一期协议。"))
    if not values:
        return agreement
    for field, value in values.items():
        setattr(agreement, field, value)
    agreement.full_clean()
    with transaction.atomic():
        agreement.save(update_fields=list(values))
        audit_log(
            subject=agreement,
            action="agreements.agreement.clauses_changed",
            actor=by,
            data={"fields": sorted(values)},
        )
        _tell_partner_when_ready(agreement)
    return agreement


def agreement_void(*, agreement: Agreement, by: User, note: str = "") -> Agreement:
    """Withdraw a draft that will not be signed; its slots are freed."""
    require(can_draft_agreement.test(by, agreement), _("您没有权限修改该协议。"))
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != AgreementStatus.DRAFT:
            raise ValidationError(_("只有草拟中的协议可以作废。"))
        slots = list(locked.timeslots.all())
        locked.timeslots.clear()
        for slot in slots:
            slot.delete()
        locked.status = AgreementStatus.VOID
        locked.special_approval = None  # the approval may serve the redrafted term
        locked.save(update_fields=["status", "special_approval"])
        audit_log(
            subject=locked,
            action="agreements.agreement.voided",
            actor=by,
            from_state=AgreementStatus.DRAFT,
            to_state=AgreementStatus.VOID,
            note=note,
        )
    agreement.refresh_from_db()
    return locked


def _content_problems(agreement: Agreement) -> list[str]:
    problems = []
    if agreement.kind in TERM_KINDS:
        if not agreement.targets.exists():
            problems.append(_("协议尚未填写公益服务量化指标（办法六（一）2），不能签署。"))
        if not agreement.timeslots.exists():
            problems.append(_("协议尚未约定使用的空间与时段，不能签署。"))
    if not agreement.services_description.strip():
        problems.append(_("协议尚未填写公益服务内容，不能签署。"))
    return problems


def _tell_partner_when_ready(agreement: Agreement) -> None:
    """Tell the partner a draft is ready to sign, once, as soon as it can be signed — 五(三)1.

    "Ready" is the moment the draft has everything signing requires
    (`_content_problems` empty: services, targets, space and time slots). Call
    it inside the transaction of each change that can complete a draft; the
    outbox key (the agreement, the message, the address) makes later calls
    no-ops, so the partner is told once per agreement.
    """
    if agreement.status != AgreementStatus.DRAFT or _content_problems(agreement):
        return
    application = agreement.partner.application
    message_queue(
        code="agreements.ready_to_sign",
        to=person_recipients(
            email=application.email, mobile=application.mobile, name=application.contact_name
        ),
        params={"number": agreement.number},
        cause=agreement,
        partner_id=agreement.partner_id,
        street_id=agreement.community.street_id,
        community_id=agreement.community_id,
    )


def agreement_sign(
    *,
    agreement: Agreement,
    party: str,
    signatory: str,
    signed_on: dt.date,
    scan: UploadedFile | None = None,
    by: User,
) -> AgreementSignature:
    """Record one party's signature; the third completes the agreement — 五(三)1.

    The social-work station, the community and the partner each sign. When
    all three have, the agreement is signed (never edited afterwards) and the
    partner moves signing → trial (first agreement) or renewal_due → active
    (renewal). A refused move undoes the signature, so nothing half-done stays.
    """
    require(can_record_signature.test(by, agreement), _("您没有权限登记该协议的签署。"))
    signatory = (signatory or "").strip()
    errors = {}
    if party not in Party.values:
        errors["party"] = [_("请选择签约方。")]
    if not signatory:
        errors["signatory"] = [_("请填写签字人姓名。")]
    if signed_on is None:
        errors["signed_on"] = [_("请填写签署日期。")]
    elif signed_on > local_today():
        errors["signed_on"] = [_("签署日期不能晚于今天。")]
    if scan is not None:
        try:
            validate_upload(scan, kinds={k: DOCUMENT_KINDS[k] for k in ("pdf", "jpg", "png")})
        except ValidationError as error:
            errors["scan"] = error.messages
    _raise_problems(errors)

    with transaction.atomic():
        locked = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("partner__application", "community__street")
            .get(pk=agreement.pk)
        )
        if locked.status != AgreementStatus.DRAFT:
            raise ValidationError(_("协议已签署或作废，不能再登记签字。"))
        if locked.signatures.filter(party=party).exists():
            raise ValidationError({"party": [_("%(party)s已签署该协议。") % {"party": Party(party).label}]})
        problems = _content_problems(locked)
        if problems:
            raise ValidationError(problems)
        signature = AgreementSignature(
            agreement=locked, party=party, signatory=signatory, signed_on=signed_on, recorded_by=by
        )
        if scan is not None:
            signature.scan.save(getattr(scan, "name", "scan"), scan, save=False)
        signature.full_clean()
        signature.save()
        audit_log(
            subject=locked,
            action="agreements.agreement.party_signed",
            actor=by,
            note=f"{Party(party).label}：{signatory}",
            data={"party": party, "signed_on": signed_on.isoformat()},
        )
        if agreement_is_complete(locked):
            _complete(locked, by=by)
    agreement.refresh_from_db()
    return signature


def _complete(agreement: Agreement, *, by: User) -> None:
    agreement.status = AgreementStatus.SIGNED
    agreement.signed_at = timezone.now()
    agreement.save(update_fields=["status", "signed_at"])
    audit_log(
        subject=agreement,
        action="agreements.agreement.signed",
        actor=by,
        from_state=AgreementStatus.DRAFT,
        to_state=AgreementStatus.SIGNED,
    )
    partner = agreement.partner
    transition = None
    if agreement.kind == AgreementKind.FIRST and partner.status == PartnerStatus.SIGNING:
        transition = "sign"
    elif agreement.kind == AgreementKind.RENEWAL and partner.status == PartnerStatus.RENEWAL_DUE:
        transition = "renew"
    if transition:
        try:
            partner_transition(
                partner=partner,
                transition=transition,
                by=by,
                note=_("三方协议 %(number)s 已签署。") % {"number": agreement.number},
                data={"agreement": agreement.number},
            )
        except TransitionRefused as refused:
            raise ValidationError(refused.messages) from None
    transaction.on_commit(lambda: _queue_pdf(agreement.pk))


def special_approval_record(
    *,
    partner: Partner,
    months: int,
    committees_request_on: dt.date,
    committees_request_reference: str,
    street_review_on: dt.date,
    street_review_reference: str,
    note: str = "",
    by: User,
    instance: SpecialApproval | None = None,
) -> SpecialApproval:
    """Record the special extension of a renewal (≤3 years) — 四(二)2 两委研究申请、党工委审核."""
    require(can_record_special_approval.test(by, partner), _("特殊续签审批须由街道工作人员登记。"))
    street = partner.community.street
    approval = instance or SpecialApproval()
    approval.partner = partner
    approval.months = months
    approval.committees_request_on = committees_request_on
    approval.committees_request_reference = committees_request_reference
    approval.street_review_on = street_review_on
    approval.street_review_reference = street_review_reference
    approval.note = note
    approval.recorded_by = by if getattr(by, "is_authenticated", False) else None
    approval.full_clean()
    if months > street.renewal_special_max_months:
        raise ValidationError(
            {
                "months": _("特殊续签最长%(max)s个月（办法四（二）2）。")
                % {"max": street.renewal_special_max_months}
            }
        )
    with transaction.atomic():
        approval.save()
        audit_log(
            subject=approval,
            action="agreements.special_approval.recorded",
            actor=by,
            community=partner.community,
            data={"months": months},
        )
    return approval


def agreement_draft_next_term(*, term: Agreement, months: int | None = None, by: User) -> Agreement:
    """Draft the term after `term` (start = its end + 1 day) with its services, targets and
    weekly slots, to be adjusted and signed — 五(三)2 续签."""
    street = term.community.street
    months = months or min(term.months or street.renewal_max_months, street.renewal_max_months)
    special = None
    if months > street.renewal_max_months:
        special = (
            SpecialApproval.objects.filter(partner=term.partner, months__gte=months, agreement__isnull=True)
            .order_by("-street_review_on")
            .first()
        )
    clauses = {f: getattr(term, f) for f in ("permitted_use", "partner_costs", "breach_terms", "exit_terms")}
    next_term = agreement_create(
        partner=term.partner,
        kind=AgreementKind.RENEWAL,
        start_date=term.end_date + dt.timedelta(days=1),
        months=months,
        services_description=term.services_description,
        special_approval=special,
        clauses=clauses,
        by=by,
        targets=[
            {"metric": t.metric, "period": t.period, "value": t.value, "target_group": t.target_group}
            for t in term.targets.all()
        ],
    )
    weekly = {
        (s.space_id, s.weekday, s.start_time, s.end_time): s for s in term.timeslots.all() if s.is_weekly
    }
    for slot in weekly.values():
        agreement_timeslot_add(
            agreement=next_term,
            space=slot.space,
            weekday=slot.weekday,
            start_time=slot.start_time,
            end_time=slot.end_time,
            title=slot.title,
            by=by,
        )
    return next_term


# --- Renewal reminders (五(三)2) -------------------------------------------------


def terms_awaiting_decision(*, today: dt.date | None = None, by: User | None = None) -> list[Agreement]:
    """Signed current terms whose window has opened, with no decision and no signed next term.

    Rulebook 五(三)2: the same window as `term_in_renewal_window`, as an end-date
    bound for SQL (`latest_months_after` inverts `months_before`). Each street
    sets its own `renewal_notice_months`, but they take few distinct values: one
    query reads them, and one query reads the terms of every street at once,
    one end-date bound per distinct value (plus one for the prefetched
    reminders) — a constant number of queries whatever the number of streets
    and terms. `by` (a street staff member) narrows it to their street in SQL;
    callers still check the rule (`_terms_for`).
    """
    return list(_awaiting_decision(today or local_today(), by))


def _awaiting_decision(today: dt.date, by: User | None) -> QuerySet[Agreement]:
    months_values = sorted(set(Street.objects.values_list("renewal_notice_months", flat=True)))
    if not months_values:
        return Agreement.objects.none()
    window = Q()
    for months in months_values:
        window |= Q(
            community__street__renewal_notice_months=months,
            end_date__lte=latest_months_after(today, months),
        )
    terms = Agreement.objects.filter(
        window,
        kind__in=TERM_KINDS,
        status=AgreementStatus.SIGNED,
        partner__status__in=list(SERVING),
    )
    profile = user_profile(by) if by is not None and not by.is_superuser else None
    if profile is not None and profile.role == Role.STREET_STAFF:
        terms = terms.filter(community__street_id=profile.street_id)
    return (
        terms.exclude(_signed_successor_q())
        .filter(renewal_decision__isnull=True)  # services.RenewalDecision
        .select_related("partner__application", "community__street")
        .prefetch_related("reminders")
        # Street by street (streets are listed by name), then by end date.
        .order_by("community__street__name", "community__street_id", "end_date", "id")
    )


def _work_q(today: dt.date) -> Q:
    """Terms with something left to do (`_reminder_work`, in SQL): an hourly run with nothing
    due then reads no term at all, however many are waiting for a decision."""

    def reminded(kind: str) -> Exists:
        return Exists(RenewalReminder.objects.filter(agreement=OuterRef("pk"), kind=kind))

    return (
        ~reminded(ReminderKind.WINDOW)
        | Q(partner__status=PartnerStatus.ACTIVE)
        | (Q(end_date__lte=today + dt.timedelta(days=SECOND_NOTICE_DAYS)) & ~reminded(ReminderKind.TWO_WEEKS))
        | (Q(end_date__lte=today) & ~reminded(ReminderKind.END_DATE))
    )


def reminder_kinds_due(term: Agreement, today: dt.date) -> list[str]:
    kinds = [ReminderKind.WINDOW]
    if today >= term.end_date - dt.timedelta(days=SECOND_NOTICE_DAYS):
        kinds.append(ReminderKind.TWO_WEEKS)
    if today >= term.end_date:
        kinds.append(ReminderKind.END_DATE)
    return kinds


def staff_emails(community: Community) -> list[str]:
    """The community's staff and the street office: who hears about renewals."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(profile__role=Role.COMMUNITY_STAFF, profile__community=community)
            | Q(profile__role=Role.STREET_STAFF, profile__street=community.street_id)
        )
    )
    return sorted(set(users.values_list("email", flat=True)))


def staff_emails_by_community(communities: list[Community]) -> dict[int, list[str]]:
    """`staff_emails` for many communities in one query: community id → sorted addresses."""
    community_ids = {c.pk for c in communities}
    street_ids = {c.street_id for c in communities}
    rows = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(profile__role=Role.COMMUNITY_STAFF, profile__community__in=community_ids)
            | Q(profile__role=Role.STREET_STAFF, profile__street__in=street_ids)
        )
        .values_list("email", "profile__role", "profile__community_id", "profile__street_id")
    )
    by_community: dict[int, set[str]] = {pk: set() for pk in community_ids}
    by_street: dict[int, set[str]] = {pk: set() for pk in street_ids}
    for email, role, community_id, street_id in rows:
        if role == Role.COMMUNITY_STAFF and community_id in by_community:
            by_community[community_id].add(email)
        if role == Role.STREET_STAFF and street_id in by_street:
            by_street[street_id].add(email)
    return {c.pk: sorted(by_community[c.pk] | by_street[c.street_id]) for c in communities}


def _reminder_work(term: Agreement, today: dt.date) -> tuple[bool, list[str]]:
    """What a run would do for this term: mark it renewal_due, and which reminder kinds to send."""
    existing = set(term.reminded_kinds)  # annotated by _terms_for
    mark = ReminderKind.WINDOW in existing and term.partner.status == PartnerStatus.ACTIVE
    return mark, [k for k in reminder_kinds_due(term, today) if k not in existing]


# What the send path reads of a term and its relations (templates, outbox rows, audit
# records, the scope check): not the clauses' long texts nor the application's other fields.
SEND_COLUMNS = (
    "partner_id",
    "community_id",
    "kind",
    "number",
    "end_date",
    "partner__status",
    "partner__application__applicant_name",
    "partner__application__email",
    "partner__application__mobile",
    "community__name",
    "community__contact_phone",
    "community__street_id",
    "community__street__name",
    "community__street__district_id",
)


def _terms_for(by: User | None, today: dt.date, *, columns: tuple[str, ...] = ()) -> list[Agreement]:
    """The terms with work left (`_work_q`), each with the kinds of reminder it already had
    (`reminded_kinds`: on PostgreSQL read in the same query, elsewhere — SQLite under
    `make run` — in one more); `columns` limits what is read of them."""
    terms = _awaiting_decision(today, by).filter(_work_q(today)).prefetch_related(None)
    in_one_query = connection.vendor == "postgresql"
    if in_one_query:
        terms = terms.annotate(
            reminded_kinds=ArraySubquery(
                RenewalReminder.objects.filter(agreement=OuterRef("pk")).order_by().values("kind")
            )
        )
    if columns:
        terms = terms.only(*columns)
    terms = list(terms)
    if not in_one_query:
        kinds: dict[int, list[str]] = {t.pk: [] for t in terms}
        for agreement_id, kind in RenewalReminder.objects.filter(agreement__in=terms).values_list(
            "agreement_id", "kind"
        ):
            kinds[agreement_id].append(kind)
        for term in terms:
            term.reminded_kinds = kinds[term.pk]
    if by is None:
        return terms
    return [t for t in terms if can_decide_renewal.test(by, t)]


def renewal_reminders_due(*, today: dt.date | None = None, by: User | None = None) -> list[Agreement]:
    """Terms a run of renewal_reminders_send would act on now (those `by` may act on) — 五(三)2."""
    today = today or local_today()
    return [t for t in _terms_for(by, today) if any(_reminder_work(t, today))]


def renewal_reminders_send(*, today: dt.date | None = None, by: User | None = None) -> list[RenewalReminder]:
    """Send the renewal reminders now due, each once per term and kind — 五(三)2.

    Window (2 months before the end): the partner moves active → renewal_due
    (a trial partner's reminder is only recorded), and community staff, the
    street office and the partner are told what to prepare. Two weeks before
    the end without a decision: a second notice. On the end date without a
    decision: staff are alerted; the partner is never exited silently.

    The beat task runs it for every street (`by` None, recorded as 系统); a
    street staff member's 立即检查到期 runs it for the terms of their street,
    recorded as theirs.

    One transaction writes the reminders, their outbox messages and their audit
    records, so a reminder exists exactly when its messages do (issue 17: a
    worker killed mid-run loses nothing and sends nothing twice).

    Queries: two to find the terms with something to do (`terms_awaiting_decision`
    narrowed by `_work_q`, with the kinds each was already sent and only the
    columns used), so a run with nothing due costs the same whatever the number
    of streets and terms. When some are due: their staff addresses, time slots
    with their spaces and staff groups, then one INSERT of all reminders (ON
    CONFLICT DO NOTHING: a concurrent run inserts none of the same), one of all
    outbox rows and one of all audit records, each a single statement — 8,
    whatever the number due (issue 14). Window reminders to active partners add
    their move to renewal_due, through the state machine for all of them at once
    (`partners_transition_many`: 4), and their communities' dashboard rows,
    recomputed once at the end (5) — the same for one partner or a city's.
    """
    today = today or local_today()
    work = []
    for term in _terms_for(by, today, columns=SEND_COLUMNS):
        mark, kinds = _reminder_work(term, today)
        if mark or kinds:
            work.append((term, mark, kinds))
    if not work:
        return []
    staff_by_community = staff_emails_by_community(
        list({t.community_id: t.community for t, _, _ in work}.values())
    )
    # The spaces the messages name, with their slots in one query.
    prefetch_related_objects(
        [t for t, _, kinds in work if kinds],
        Prefetch("timeslots", queryset=TimeSlot.objects.select_related("space").only("space__name")),
    )
    groups = staff_groups_by_street({t.community.street_id for t, _, kinds in work if kinds})
    # coalesced(): the partners moved to renewal_due share their communities' summary rows,
    # recomputed once per community at the end of the batch (portal.batching).
    # No savepoint: run by the beat task or a request (ATOMIC_REQUESTS off), this block is the
    # transaction; inside a caller's, the caller's is (an error rolls the whole of it back).
    with transaction.atomic(savepoint=False), coalesced():
        # Reminded during the trial, evaluated and made active since: now it is due.
        _mark_renewal_due([term for term, mark, _kinds in work if mark], by=by)
        wanted = []
        for term, _mark, kinds in work:
            partner_email = term.partner.application.email
            for kind in kinds:
                to_partner = kind != ReminderKind.END_DATE
                wanted.append(
                    RenewalReminder(
                        agreement=term,
                        kind=kind,
                        partner_status=term.partner.status,
                        recipients=staff_by_community[term.community_id]
                        + ([partner_email] if to_partner and partner_email else []),
                    )
                )
        sent = _reminders_insert(wanted)
        # The window opens on an active partner: it moves to renewal_due (only for reminders this
        # run inserted: a concurrent run that sent the same one moved the partner itself).
        _mark_renewal_due(
            [
                r.agreement
                for r in sent
                if r.kind == ReminderKind.WINDOW and r.agreement.partner.status == PartnerStatus.ACTIVE
            ],
            by=by,
        )
        messages, events = [], []
        for reminder in sent:
            messages += _reminder_effects(
                reminder=reminder,
                term=reminder.agreement,
                staff=staff_by_community[reminder.agreement.community_id],
                groups=groups,
                today=today,
                by=by,
                events=events,
            )
        # One INSERT each, however many are due (issue 14: ≤ 10 queries for a whole city).
        outbox_write(messages, batch_size=None)
        audit_log_many(events, batch_size=None)
    return sent


def _reminders_insert(reminders: list[RenewalReminder]) -> list[RenewalReminder]:
    """Insert the reminders not yet recorded, in one statement; returns those inserted.

    The unique (agreement, kind) row is the lock: a concurrent run's INSERT waits for
    this transaction, then skips the same rows (ON CONFLICT DO NOTHING), so only one
    run sends each reminder.
    """
    if not reminders:
        return []
    meta = RenewalReminder._meta
    columns = [meta.get_field(name).column for name in ("agreement", "kind", "recipients", "partner_status")]
    created_at = meta.get_field("created_at").column
    now = timezone.now()
    rows, params = [], []
    for reminder in reminders:
        rows.append("(%s, %s, %s, %s, %s)")
        params += [
            reminder.agreement_id,
            reminder.kind,
            json.dumps(reminder.recipients),
            reminder.partner_status,
            now,
        ]
    table = connection.ops.quote_name(meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}, {created_at}) VALUES {', '.join(rows)} "
        f"ON CONFLICT ({columns[0]}, {columns[1]}) DO NOTHING RETURNING id, {columns[0]}, {columns[1]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = {(agreement_id, kind): pk for pk, agreement_id, kind in cursor.fetchall()}
    sent = []
    for reminder in reminders:
        pk = inserted.get((reminder.agreement_id, reminder.kind))
        if pk is not None:
            reminder.pk, reminder.created_at = pk, now
            sent.append(reminder)
    return sent


def _mark_renewal_due(terms: list[Agreement], *, by: User | None = None) -> None:
    """Move the terms' partners to renewal_due, all in one batch (issue 14); a refusal is audited.

    Each term's `partner` becomes the moved instance, so what follows (messages, audit
    records) sees the new status.
    """
    if not terms:
        return
    moved, refused = partners_transition_many(
        partners=[term.partner for term in terms],
        transition="mark_renewal_due",
        by=by,
        system=by is None,
        notes={
            term.partner_id: _("协议 %(number)s 将于 %(end)s 期满。")
            % {"number": term.number, "end": term.end_date.isoformat()}
            for term in terms
        },
    )
    now_partner = {partner.pk: partner for partner in moved}
    for term in terms:
        if term.partner_id in now_partner:
            term.partner = now_partner[term.partner_id]
    events: list = []
    for term in terms:
        if term.partner_id in refused:
            audit_log(
                subject=term.partner,
                action="agreements.reminder.transition_refused",
                actor=by,
                note="；".join(refused[term.partner_id]),
                into=events,
            )
    audit_log_many(events, batch_size=None)


def _reminder_effects(
    *,
    reminder: RenewalReminder,
    term: Agreement,
    staff: list[str],
    groups: dict,
    today: dt.date,
    events: list,
    by: User | None = None,
) -> list:
    """The reminder's outbox rows (returned) and audit record (appended to `events`)."""
    partner = term.partner
    kind = reminder.kind
    context = {
        "term": term,
        "partner": partner,
        "kind": kind,
        "kind_label": reminder.get_kind_display(),
        "spaces": agreement_spaces(term),
        "end_date": term.end_date,
        "days_left": (term.end_date - today).days,
        "is_trial": term.kind == AgreementKind.FIRST,
        "street": term.community.street,
        "community": term.community,
    }
    # Renewal messages are required notices (五(三)2): no opt-out lookup.
    where = {
        "cause": reminder,
        "partner_id": partner.pk,
        "community_id": term.community_id,
        "opted_out": set(),
    }
    rows = message_rows(
        code="agreements.renewal_overdue_staff"
        if kind == ReminderKind.END_DATE
        else "agreements.renewal_staff",
        to=staff_recipients(street_id=term.community.street_id, emails=staff, groups=groups),
        context=context,
        **where,
    )
    if kind != ReminderKind.END_DATE:
        application = partner.application
        rows += message_rows(
            code="agreements.renewal_partner",
            to=person_recipients(email=application.email, mobile=application.mobile),
            context=context,
            params={"end": term.end_date.isoformat()},
            **where,
        )
    audit_log(
        subject=term,
        action=f"agreements.reminder.{kind}",
        actor=by,
        to_state=partner.status,
        data={"recipients": reminder.recipients},
        community=term.community,
        into=events,
    )
    return rows


# --- The printable agreement --------------------------------------------------------

CN_DIGITS = "零一二三四五六七八九"
TARGETS_ARTICLE = 5  # the article followed by the targets table


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (article numbers 第一条…)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


UNKNOWN = "—"


def agreement_parties(agreement: Agreement, signatures: dict) -> list[dict]:
    """The three parties as the agreement names them (rulebook 五(三)1: 社工站、合伙人、社区).

    Each with its address, legal representative or contact, phone and unified social credit
    code as the records hold them; "—" where a record does not (a street's social-work station
    and a community have no credit code or legal representative on file).
    """
    street = agreement.community.street
    community = agreement.community
    application = agreement.partner.application
    rows = (
        (
            Party.STATION,
            _("甲方"),
            {
                "name": street.social_work_station or f"{street.name}社工站",
                "address": street.address,
                "representative": "",
                "phone": street.contact_phone,
                "credit_code": "",
            },
        ),
        (
            Party.PARTNER,
            _("乙方"),
            {
                "name": application.applicant_name,
                "address": application.address,
                "representative": application.legal_representative or application.contact_name,
                "phone": application.mobile,
                "credit_code": application.credit_code,
            },
        ),
        (
            Party.COMMUNITY,
            _("丙方"),
            {
                "name": community.name,
                "address": community.address,
                "representative": community.contact_name,
                "phone": community.contact_phone,
                "credit_code": "",
            },
        ),
    )
    return [
        {
            "party": party,
            "role": role,
            **{key: value or UNKNOWN for key, value in details.items()},
            "signature": signatures.get(party),
        }
        for party, role, details in rows
    ]


def agreement_pdf_context(agreement: Agreement) -> dict:
    street = agreement.community.street
    partner = agreement.partner
    slots = list(agreement.timeslots.select_related("space").order_by("space__name", "weekday", "start_time"))
    spaces = agreement_spaces(agreement)
    clauses = default_clauses(street)
    signatures = signatures_by_party(agreement)
    parties = agreement_parties(agreement, signatures)
    articles = [
        (
            _("协议期限"),
            [
                _("本协议期限自 %(start)s 起至 %(end)s 止，共 %(months)s 个月。%(trial)s")
                % {
                    "start": cn_date(agreement.start_date),
                    "end": cn_date(agreement.end_date),
                    "months": agreement.months or "",
                    "trial": _("首次签约期间为试用期，试用期满经评估合格后可续签。")
                    if agreement.kind == AgreementKind.FIRST
                    else "",
                }
            ],
        ),
        (
            _("空间与使用时段"),
            [_("丙方提供以下空间供乙方按约定时段使用（空间共享、错峰使用）：")]
            + [
                f"{slot.space.name}（{slot.space.address or slot.space.community.name}，{slot.space.area_m2}㎡）："
                f"{slot.get_weekday_display()} {slot.start_time:%H:%M}–{slot.end_time:%H:%M}"
                for slot in slots
            ],
        ),
        (_("使用范围"), [agreement.permitted_use]),
        (_("公益服务内容"), [agreement.services_description]),
        (
            _("公益服务量化指标"),
            [
                _(
                    "乙方承诺在协议期内提供下表所列公益服务，作为运行情况评估的依据，并定期提交"
                    "《公益服务记录表》及相关图片、视频材料。"
                )
            ],
        ),
        (_("免租金及费用承担"), [agreement.partner_costs]),
        (_("标识使用权"), [clauses["logo"] if agreement.logo_licence else _("本协议不授予标识使用权。")]),
        (_("违约责任"), [agreement.breach_terms]),
        (_("退出"), [agreement.exit_terms]),
        (
            _("其他"),
            [
                _(
                    "本协议未尽事宜，由各方协商解决，或通过补充协议明确。本协议一式三份，三方各执一份，"
                    "自三方签字之日起生效。"
                )
            ],
        ),
    ]
    targets_article = TARGETS_ARTICLE
    if agreement.kind == AgreementKind.SUPPLEMENTARY:
        amended = agreement.previous
        articles = [
            (
                _("补充协议的依据"),
                [
                    _("本补充协议是对三方协议 %(number)s 的补充，自 %(start)s 起生效，至 %(end)s 止。")
                    % {
                        "number": amended.number if amended else "",
                        "start": cn_date(agreement.start_date),
                        "end": cn_date(agreement.end_date),
                    }
                ],
            ),
            (_("补充和变更的内容"), [agreement.services_description]),
            (
                _("其他"),
                [
                    _(
                        "原协议其他条款继续有效；与本补充协议不一致的，以本补充协议为准。本补充协议一式三份，"
                        "三方各执一份，自三方签字之日起生效。"
                    )
                ],
            ),
        ]
        targets_article = None
    return {
        "agreement": agreement,
        "street": street,
        "community": agreement.community,
        "partner": partner,
        "application": partner.application,
        "spaces": spaces,
        "slots": slots,
        "targets": list(agreement.targets.all()),
        "articles": [
            {
                "number": chinese_number(i),
                "title": title,
                "paragraphs": paragraphs,
                "targets_table": i == targets_article,
            }
            for i, (title, paragraphs) in enumerate(articles, start=1)
        ],
        "parties": parties,
        "party_rows": [
            (label, [p[key] for p in parties])
            for label, key in (
                (_("名称"), "name"),
                (_("地址"), "address"),
                (_("法定代表人/联系人"), "representative"),
                (_("联系电话"), "phone"),
                (_("统一社会信用代码"), "credit_code"),
            )
        ],
        "programme": street.programme_name,
    }


def agreement_pdf_html(agreement: Agreement) -> tuple[str, dict]:
    context = agreement_pdf_context(agreement)
    return render_to_string(PDF_TEMPLATE, context), context


def agreement_content_hash(agreement: Agreement) -> str:
    html, _context = agreement_pdf_html(agreement)
    return hashlib.sha256(html.encode()).hexdigest()


def agreement_document_current(agreement: Agreement) -> AgreementDocument | None:
    """The cached PDF of the agreement as it reads now, if it has been rendered."""
    return agreement.documents.filter(content_hash=agreement_content_hash(agreement)).first()


def agreement_document_render(*, agreement: Agreement) -> AgreementDocument:
    """Render the agreement to PDF once per version (content hash) and keep it privately."""
    html, _context = agreement_pdf_html(agreement)
    digest = hashlib.sha256(html.encode()).hexdigest()
    existing = agreement.documents.filter(content_hash=digest).first()
    if existing:
        return existing
    data = html_to_pdf(html)  # the HTML the digest was taken of: rendered once
    document = AgreementDocument(agreement=agreement, content_hash=digest, size=len(data))
    document.file.save(f"{agreement.number}.pdf", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:  # a concurrent render stored the same version first
        document.file.delete(save=False)
        return agreement.documents.get(content_hash=digest)
    return document


def _queue_pdf(agreement_pk: int) -> None:
    publish(render_agreement_pdf, agreement_id=agreement_pk)


def agreement_pdf_request(*, agreement: Agreement) -> AgreementDocument | None:
    """The current PDF if ready; otherwise queue its rendering (after commit) and return None."""
    document = agreement_document_current(agreement)
    if document is None:
        transaction.on_commit(lambda: _queue_pdf(agreement.pk))
    return document
