"""The one entry point that changes a partner's status.

Admin buttons, API actions and Celery tasks all call `partner_transition`
(the scheduled jobs moving many partners at once, `partners_transition_many`,
which makes the same checks); nothing else touches `Partner.status`.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from organisations.models import Organisation
from portal.batching import records_bulk_written
from portal.choices import ExitReason
from portal.domain import audit_log
from portal.exceptions import ActionRefused

from . import guards, workflow
from .models import Partner, PartnerTransition
from .signals import partner_transition_recorded, partner_transitioned

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from django.contrib.auth.models import AnonymousUser, User
    from django_fsm import Transition


class TransitionRefused(ActionRefused):
    """A partner transition that may not happen now; `messages` say why."""


@dataclass(frozen=True)
class AvailableTransition:
    name: str
    label: str
    target: str
    note_required: bool
    needs_reason: bool
    procedure: str = ""  # taken only through this procedure (see workflow.Transition)
    procedure_admin_url: str = ""


# Derived from the declaration (partners/workflow.py); kept for callers that want a dict.
TRANSITION_LABELS = {t.name: t.label for t in workflow.TRANSITIONS.values()}


def _transitions_by_name() -> dict[str, list[Transition]]:
    field = Partner._meta.get_field("status")
    result = {}
    for t in field.get_all_transitions(Partner):
        result.setdefault(t.name, []).append(t)
    return result


def _transition_for(partner: Partner, name: str) -> Transition | None:
    for t in _transitions_by_name().get(name, []):
        if t.source in (partner.status, "*"):
            return t
    return None


def transition_blockers(partner: Partner, name: str) -> list[str]:
    """Why `name` cannot happen now, as translated messages (empty when it can)."""
    if name not in _transitions_by_name():
        return [_("未知的操作：%(name)s。") % {"name": name}]
    t = _transition_for(partner, name)
    if t is None:
        return [
            _("当前状态“%(status)s”下不能执行“%(action)s”。")
            % {"status": partner.get_status_display(), "action": workflow.label(name)}
        ]
    return [str(getattr(c, "message", c.__name__)) for c in t.conditions if not c(partner)]


def available_transitions(partner: Partner, user: User | AnonymousUser | None) -> list[AvailableTransition]:
    """Transitions this user may take now: from this state, guards met, permitted."""
    result = []
    for t in _available(partner):
        if user is not None and not t.has_perm(partner, user):
            continue
        spec = workflow.TRANSITIONS[t.name]
        result.append(
            AvailableTransition(
                name=t.name,
                label=str(spec.label),
                target=t.target,
                note_required=spec.note_required,
                needs_reason=spec.needs_reason,
                procedure=spec.procedure,
                procedure_admin_url=spec.procedure_admin_url,
            )
        )
    return result


def blocked_transitions(partner: Partner, user: User | AnonymousUser | None) -> list[tuple[str, list[str]]]:
    """Next steps this user could take from here but whose conditions are not met yet,
    each with the reasons — so staff see what is still missing."""
    result = []
    seen = set()
    for t in Partner._meta.get_field("status").get_all_transitions(Partner):
        if t.source not in (partner.status, "*") or t.name in seen:
            continue
        seen.add(t.name)
        if all(c(partner) for c in t.conditions) or (user is not None and not t.has_perm(partner, user)):
            continue
        reasons = [str(c.message) for c in t.conditions if not c(partner)]
        result.append((str(workflow.label(t.name)), reasons))
    return result


def _available(partner: Partner) -> Iterator[Transition]:
    for t in Partner._meta.get_field("status").get_all_transitions(Partner):
        if t.source in (partner.status, "*") and all(c(partner) for c in t.conditions):
            yield t


def _check_reason(spec: workflow.Transition, partner: Partner, kwargs: dict) -> list[str]:
    reason = kwargs.get("reason")
    if reason not in ExitReason.values:
        return [_("请选择退出情形（五种之一）。")]
    guard = spec.reason_guards.get(reason)
    return [str(guard.message)] if guard is not None and not guard(partner) else []


def _refusal(
    locked: Partner,
    transition: str,
    *,
    by: User | None,
    system: bool,
    as_applicant: bool,
    note: str,
    procedure: str,
    kwargs: dict,
) -> list[str]:
    """Why `locked` may not take `transition` now (empty when it may): the checks every door shares.

    In order: the transition exists from this state; only its procedure takes it
    (`Transition.procedure`); the caller may (a task only automatic transitions,
    the applicant only theirs, staff by permission); then the guards, the note and
    the exit reason.
    """
    method = getattr(locked, transition, None)
    t = _transition_for(locked, transition) if method is not None else None
    if t is None:
        return transition_blockers(locked, transition)
    spec = workflow.TRANSITIONS[transition]
    if spec.via_procedure and procedure != spec.procedure:
        return [str(spec.procedure_message)]
    if system:
        if not spec.automatic:
            return [_("该操作必须由工作人员执行。")]
    elif as_applicant:
        if not spec.applicant:
            return [_("申请人不能执行该操作。")]
    elif by is None or not t.has_perm(locked, by):
        return [_("您没有权限执行“%(action)s”。") % {"action": spec.label}]
    problems = transition_blockers(locked, transition)
    if spec.note_required and not note:
        problems.append(_("请填写说明。"))
    if spec.needs_reason:
        problems += _check_reason(spec, locked, kwargs)
    if problems or not can_proceed(method):
        return problems or [_("当前不能执行该操作。")]
    return []


def _history_row(
    locked: Partner,
    transition: str,
    from_state: str,
    *,
    by: User | None,
    as_applicant: bool = False,
    note: str = "",
    data: dict | None = None,
) -> PartnerTransition:
    """The (unsaved) history row of a transition just taken: who (a user, else 申请人 or 系统), from → to."""
    if by is not None and getattr(by, "is_authenticated", False):
        actor, actor_label = by, ""
    else:
        actor, actor_label = None, (_("申请人") if as_applicant else _("系统"))
    return PartnerTransition(
        partner=locked,
        transition=transition,
        from_state=from_state,
        to_state=locked.status,
        actor=actor,
        actor_label=actor_label,
        note=note,
        data=data or {},
    )


def _announce(locked: Partner, row: PartnerTransition, *, by: User | None) -> None:
    """Tell the other apps: inside the transaction (their records), then after commit (their side effects)."""
    partner_transition_recorded.send(sender=Partner, partner=locked, transition=row, by=by)
    transaction.on_commit(
        functools.partial(partner_transitioned.send, sender=Partner, partner=locked, transition=row, by=by)
    )


def partner_transition(
    *,
    partner: Partner,
    transition: str,
    by: User | None = None,
    note: str = "",
    data: dict | None = None,
    system: bool = False,
    as_applicant: bool = False,
    expected_status: str | None = None,
    procedure: str = "",
    **kwargs: Any,
) -> Partner:
    """Move `partner` along `transition`, or raise TransitionRefused saying why.

    `by` is the acting user. `system=True` is for Celery tasks acting on the
    programme's own schedule (only transitions marked automatic);
    `as_applicant=True` for the applicant's own withdrawal through the
    private status link. `expected_status` is the status the user saw: if
    someone else moved the partner meanwhile, the second click is refused.
    `procedure` is passed only by the procedure the workflow names for a
    transition with effects beyond the status (`Transition.procedure`, e.g.
    "services.partner_exit" for exit, rulebook 六(二)3): any other caller is
    refused with the declaration's message saying where to do it, so every
    door (admin, API, task) has the same effects.
    Extra keyword arguments go to the transition method (e.g. reason=…).
    """
    note = (note or "").strip()
    with transaction.atomic():
        try:
            locked = (
                Partner.objects.select_for_update(of=("self",))
                .select_related("application", "community")
                .get(pk=partner.pk)
            )
        except Partner.DoesNotExist:
            raise TransitionRefused(_("该记录已不存在。")) from None
        if expected_status and locked.status != expected_status:
            raise TransitionRefused(
                _("该记录已被他人处理，当前状态为“%(status)s”，请刷新后再试。")
                % {"status": locked.get_status_display()}
            )
        problems = _refusal(
            locked,
            transition,
            by=by,
            system=system,
            as_applicant=as_applicant,
            note=note,
            procedure=procedure,
            kwargs=kwargs,
        )
        if problems:
            raise TransitionRefused(problems)

        spec = workflow.TRANSITIONS[transition]
        method = getattr(locked, transition)
        from_state = locked.status
        method(**kwargs)
        locked.status_changed_at = timezone.now()
        try:
            locked.save(update_fields=["status", "status_changed_at", *spec.writes])
        except ConcurrentTransition:
            raise TransitionRefused(_("该记录已被他人处理，请刷新后再试。")) from None

        row = _history_row(
            locked,
            transition,
            from_state,
            by=by,
            as_applicant=as_applicant,
            note=note,
            data={**(data or {}), **{k: str(v) for k, v in kwargs.items() if v is not None}},
        )
        row.save()
        _announce(locked, row, by=by)

    # The caller's instance reflects the new state too.
    partner.refresh_from_db()
    return locked


def partners_transition_many(
    *,
    partners: Iterable[Partner],
    transition: str,
    by: User | None = None,
    system: bool = False,
    notes: Mapping[int, str] | None = None,
) -> tuple[list[Partner], dict[int, list[str]]]:
    """`partner_transition` for many partners at once: the scheduled jobs' (issue 14).

    Each partner gets the same checks as one at a time (`_refusal`): the
    transition from its state, `system` only for automatic transitions or
    else `by`'s permission, and the guards. The guards' facts are read once
    for the batch (`guards.facts_read`), the partners are locked in one query,
    their status written in one UPDATE per source state and their history in
    one INSERT, whatever their number; each history row then sends the same
    signals as `partner_transition`. `notes` are the history rows' notes by
    partner id.

    Only for transitions that change nothing but the status (no procedure,
    exit reason, note or other field): those go through `partner_transition`.

    Returns the partners moved (locked instances in their new state) and the
    refusals (partner id → messages); a refused partner is left as it was.
    """
    spec = workflow.TRANSITIONS[transition]
    if spec.via_procedure or spec.needs_reason or spec.note_required or spec.writes:
        raise ValueError(f"'{transition}' changes more than the status: take it with partner_transition.")
    ids = sorted({p.pk for p in partners})
    notes = notes or {}
    moved: list[tuple[Partner, str]] = []
    refused: dict[int, list[str]] = {}
    if not ids:
        return [], refused
    # No savepoint: inside a caller's transaction (the renewal scan's) an error undoes the whole.
    with transaction.atomic(savepoint=False):
        batch = list(
            Partner.objects.select_for_update(of=("self",))
            .select_related("application", "community")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        for pk in set(ids) - {p.pk for p in batch}:
            refused[pk] = [_("该记录已不存在。")]
        now = timezone.now()
        with guards.facts_read(batch, [f.name for f in spec.facts]):
            for locked in batch:
                problems = _refusal(
                    locked,
                    transition,
                    by=by,
                    system=system,
                    as_applicant=False,
                    note="",
                    procedure="",
                    kwargs={},
                )
                if problems:
                    refused[locked.pk] = problems
                    continue
                from_state = locked.status
                getattr(locked, transition)()
                locked.status_changed_at = now
                moved.append((locked, from_state))
        if not moved:
            return [], refused
        by_source: dict[str, list[int]] = {}
        for locked, from_state in moved:
            by_source.setdefault(from_state, []).append(locked.pk)
        for from_state, pks in by_source.items():
            # The rows are locked: none can have left `from_state` since they were read. Should
            # one have, the whole batch is refused, as ConcurrentTransition refuses one partner.
            updated = Partner.objects.filter(pk__in=pks, status=from_state).update(
                status=spec.target, status_changed_at=now
            )
            if updated != len(pks):
                raise TransitionRefused(_("该记录已被他人处理，请刷新后再试。"))
        for locked, _from_state in moved:
            locked._update_initial_state()  # as after save(): the instance may be saved again
        # No post_save for an UPDATE: the summaries hear of the communities changed.
        records_bulk_written.send(sender=Partner, community_ids={p.community_id for p, _s in moved})
        rows = PartnerTransition.objects.bulk_create(
            _history_row(locked, transition, from_state, by=by, note=(notes.get(locked.pk) or "").strip())
            for locked, from_state in moved
        )
        for (locked, _from_state), row in zip(moved, rows, strict=True):
            _announce(locked, row, by=by)
    return [locked for locked, _from_state in moved], refused


def organisation_link_problem(*, partner: Partner, organisation: Organisation) -> str:
    """Why `partner` may not point to `organisation` ("" when it may): only its own street's registry."""
    if organisation.community.street_id != partner.community.street_id:
        return _("只能关联本街道社区组织名录中的组织。")
    return ""


@transaction.atomic
def partner_organisation_link(
    *, partner: Partner, organisation: Organisation | None, by: User | None
) -> Partner:
    """Point a partner to the registry record of its organisation, or clear it (None).

    长宁 seed 003 四(一)5 (社区社会组织"安家"工程: idle rooms for community
    organisations) meets rulebook 三 (who may be a partner): a partner that is a
    community organisation is found under its tier in the registry. The record
    must be of the partner's own street; the link is audited on the partner.
    """
    partner = Partner.objects.select_for_update().select_related("community").get(pk=partner.pk)
    if organisation is not None:
        organisation = Organisation.objects.select_related("community").get(pk=organisation.pk)
        problem = organisation_link_problem(partner=partner, organisation=organisation)
        if problem:
            raise ValidationError({"organisation": problem})
    before = partner.organisation_id
    if before == (organisation.pk if organisation else None):
        return partner
    partner.organisation = organisation
    partner.save(update_fields=["organisation"])
    audit_log(
        subject=partner,
        action="partners.partner.organisation_linked"
        if organisation
        else "partners.partner.organisation_unlinked",
        actor=by,
        note=str(organisation) if organisation else "",
        data={"from": before, "to": organisation.pk if organisation else None},
    )
    return partner


# --- The applicant's steps ----------------------------------------------------------


class StepState:
    DONE = "done"
    CURRENT = "current"
    NEXT = "next"
    STOPPED = "stopped"


@dataclass(frozen=True)
class TimelineStep:
    key: str
    title: str
    state: str  # StepState
    entered_at: datetime.datetime | None  # when the partner reached the step (done, current, stopped)


@dataclass(frozen=True)
class Timeline:
    steps: list[TimelineStep]
    ended: bool
    ended_at: datetime.datetime | None = None
    reason: str = ""  # the public reason of an ended path (the transition's label, the exit reason)


def partner_timeline(partner: Partner) -> Timeline:
    """The application's progress as steps (申请 → 联审 → 路演 → 评审决定 → 公示 → 签约 → 试用期 → 正式运行).

    Rulebook 五(一)–(三), 六(二)3: the steps are the workflow's main line
    (`workflow.STEPS`); the dates are those of the status history. A path that
    ended (not shortlisted, not selected, objection upheld, withdrawn, exited)
    stops at the step it ended in, with the public reason: the transition's
    label, and for an exit the 退出情形 — never the staff's note.
    """
    history = list(PartnerTransition.objects.filter(partner=partner).order_by("created_at", "id"))
    entered: dict[str, datetime.datetime] = {workflow.INITIAL: partner.created_at}
    for row in history:
        entered.setdefault(row.to_state, row.created_at)
    step_of = {state: i for i, (_k, _t, states) in enumerate(workflow.STEPS) for state in states}
    ending = history[-1] if partner.status in workflow.FINAL and history else None
    if ending is not None:
        here = step_of.get(ending.from_state, 0)
    else:
        here = step_of.get(partner.status, 0)
    steps = []
    for i, (key, title, states) in enumerate(workflow.STEPS):
        if ending is not None and i > here:
            break
        if i < here:
            state = StepState.DONE
        elif i == here:
            state = StepState.STOPPED if ending is not None else StepState.CURRENT
        else:
            state = StepState.NEXT
        reached = [entered[s] for s in states if s in entered] if state != StepState.NEXT else []
        steps.append(
            TimelineStep(key=key, title=str(title), state=state, entered_at=min(reached, default=None))
        )
    if ending is None:
        return Timeline(steps=steps, ended=False)
    reason = str(workflow.label(ending.transition))
    if partner.status == workflow.S.EXITED and partner.exit_reason:
        reason = f"{reason}：{ExitReason(partner.exit_reason).label}"
    return Timeline(steps=steps, ended=True, ended_at=ending.created_at, reason=reason)
