"""The partner workflow, declared once: states, the facts it asks, its transitions.

Rulebook sections 四–六. Everything else is derived from this module:

* the django-fsm transition methods of `Partner` (`transition_methods`),
* labels, flags and `update_fields` in `partners.domain.partner_transition`,
* the API's transition choices and the admin's buttons,
* `partners.guards.FACTS` and the system checks in `partners.checks`,
* the Mermaid diagram in docs/partner-lifecycle.md (`manage.py partner_diagram`),
* the test factories' shortest paths (`shortest_paths`).

To add or change a transition, edit `TRANSITIONS` below (and, for a new fact,
`Fact` it and provide it in the app that owns the record); see CONTRIBUTING.md.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from portal.choices import ExitReason

from . import guards
from .rules import can_decide_for_street, can_handle_partner, fsm_permission


class PartnerStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    VETTING = "vetting", _("联审联查中")
    SHORTLISTED = "shortlisted", _("已入围")
    REJECTED = "rejected", _("未通过")
    SCORED = "scored", _("路演已评分")
    APPROVED = "approved", _("党工委已通过")
    NOT_SELECTED = "not_selected", _("未入选")
    IN_NOTICE = "in_notice", _("公示中")
    SIGNING = "signing", _("待签约")
    TRIAL = "trial", _("试用期")
    ACTIVE = "active", _("正式运行")
    RENEWAL_DUE = "renewal_due", _("待续签")
    EXITED = "exited", _("已退出")
    WITHDRAWN = "withdrawn", _("已撤回")


S = PartnerStatus
INITIAL = S.SUBMITTED
# Before the agreement is signed the applicant may still withdraw.
WITHDRAWABLE = [S.SUBMITTED, S.VETTING, S.SHORTLISTED, S.SCORED, S.APPROVED, S.IN_NOTICE, S.SIGNING]
EXITABLE = [S.TRIAL, S.ACTIVE, S.RENEWAL_DUE]
FINAL = {S.REJECTED, S.NOT_SELECTED, S.EXITED, S.WITHDRAWN}
# States in which the partner is admitted and serving residents.
SERVING = {S.TRIAL, S.ACTIVE, S.RENEWAL_DUE}


# The applicant's steps (issue 19): the main line's states, in the machine's own
# order (`main_line`), grouped under the names an applicant knows. A step is
# current while the partner is in one of its states. `partners.checks` and the
# tests hold the groups to the machine: together they are the main line, in order.
STEPS: tuple[tuple[str, object, tuple[str, ...]], ...] = (
    ("apply", _("申请"), (S.SUBMITTED,)),
    ("vetting", _("联审"), (S.VETTING,)),
    ("roadshow", _("路演"), (S.SHORTLISTED,)),
    ("decision", _("评审决定"), (S.SCORED,)),
    ("notice", _("公示"), (S.APPROVED, S.IN_NOTICE)),
    ("signing", _("签约"), (S.SIGNING,)),
    ("trial", _("试用期"), (S.TRIAL,)),
    ("active", _("正式运行"), (S.ACTIVE, S.RENEWAL_DUE)),
)


# --- Facts: questions the machine asks of records kept by other apps ----------


@dataclass(frozen=True)
class Fact:
    """A named yes/no question about a partner, answered by `owner`'s facts.py.

    The owner registers the answer with `@partners.guards.provide(name)`.
    """

    name: str
    owner: str  # the app label expected to provide it
    meaning: str  # plain English, for FACTS, the checks and the docs

    def required(self, message) -> Guard:
        """A guard that holds when the fact is true; `message` says why not."""
        return Guard(message, fact=self)

    def absent(self, message) -> Guard:
        """A guard that holds when the fact is false ("no open objection")."""
        return Guard(message, fact=self, negated=True)


@dataclass(frozen=True, eq=False)
class Guard:
    """A transition condition that can say, in the user's language, why it failed.

    Either a fact (possibly negated) or a predicate on the partner itself.
    Guards are the django-fsm `conditions` of the generated methods.
    """

    message: object  # a gettext_lazy string
    fact: Fact | None = None
    negated: bool = False
    predicate: Callable | None = None
    name: str = ""

    def __call__(self, partner) -> bool:
        if self.fact is not None:
            return guards.fact(self.fact.name, partner) != self.negated
        return bool(self.predicate(partner))

    @property
    def __name__(self) -> str:
        if self.fact is not None:
            return f"{'not ' if self.negated else ''}{self.fact.name}"
        return self.name or self.predicate.__name__


def check(message, predicate: Callable, name: str = "") -> Guard:
    """A guard on the partner record itself (no other app involved)."""
    return Guard(message, predicate=predicate, name=name or predicate.__name__)


VETTING_PASSED = Fact("vetting_passed", "reviews", "every vetting department of the street has passed")
VETTING_FAILED = Fact("vetting_failed", "reviews", "at least one vetting department has failed")
SCORING_COMPLETE = Fact("scoring_complete", "reviews", "every score sheet for the applicant is submitted")
DECISION_APPROVED = Fact("decision_approved", "reviews", "the committee decision approves the applicant")
DECISION_NOT_SELECTED = Fact(
    "decision_not_selected", "reviews", "the committee decision does not select the applicant"
)
NOTICE_PUBLISHED = Fact("notice_published", "notices", "a published public notice lists the applicant")
NOTICE_PERIOD_OVER = Fact(
    "notice_period_over", "notices", "that notice has run at least the street's minimum"
)
OBJECTION_OPEN = Fact("objection_open", "notices", "an objection about the applicant is still open")
OBJECTION_UPHELD = Fact("objection_upheld", "notices", "an objection about the applicant was upheld")
FIRST_AGREEMENT_SIGNED = Fact(
    "first_agreement_signed", "agreements", "the first (trial) agreement is signed by all three parties"
)
RENEWAL_WINDOW_OPEN = Fact(
    "renewal_window_open", "agreements", "the current term ends within the reminder window"
)
RENEWAL_AGREEMENT_SIGNED = Fact(
    "renewal_agreement_signed", "agreements", "the next term's agreement is signed by all three parties"
)
TRIAL_EVALUATION_PASSED = Fact("trial_evaluation_passed", "services", "the trial evaluation concluded 'pass'")
EVALUATION_FAILED = Fact("evaluation_failed", "services", "the latest evaluation concluded 'fail'")
VIOLATION_SIGNED_OFF = Fact(
    "violation_signed_off", "services", "the discipline office signed off a forced exit"
)

has_composite_score = check(
    _("尚无综合评分。"), lambda partner: partner.composite_score is not None, name="has_composite_score"
)
no_upheld_objection = OBJECTION_UPHELD.absent(_("有异议经调查成立，不能进入签约。"))
notice_period_over = NOTICE_PERIOD_OVER.required(_("公示期尚未届满。"))


# --- Transitions ----------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One edge (or fan-in of edges) of the partner state machine.

    `writes` maps each model field the transition sets to the keyword argument
    it takes the value from; `partner_transition` saves exactly those fields.
    `reason_guards` are extra guards per exit reason (`needs_reason` only).

    `procedure` names the domain function ("app.function") that must perform
    the transition because it has effects beyond the status (records, slots,
    accounts, …): `partner_transition` refuses it unless that procedure calls
    it (passing `procedure=` with this label), with `procedure_message`
    telling staff where to do it instead; `procedure_admin_url` is the admin
    URL name of the procedure's page (the partner page links to it, adding
    `?partner=<id>` to add forms).
    """

    name: str
    label: object  # gettext_lazy, shown on buttons and in messages
    source: str | tuple[str, ...]
    target: str
    permission: object  # a rules predicate from partners/rules.py: (user, partner)
    doc: str
    rulebook: str
    guards: tuple[Guard, ...] = ()
    automatic: bool = False  # Celery may take it on the programme's schedule
    applicant: bool = False  # the applicant may take it through the private status link
    note_required: bool = False
    needs_reason: bool = False  # takes reason=ExitReason
    writes: Mapping[str, str] = field(default_factory=dict)
    reason_guards: Mapping[str, Guard] = field(default_factory=dict)
    procedure: str = ""
    procedure_message: object = ""  # gettext_lazy: where staff do it instead
    procedure_admin_url: str = ""

    @property
    def via_procedure(self) -> bool:
        """Only its procedure may take it: a bare status change would skip effects."""
        return bool(self.procedure)

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)

    @property
    def facts(self) -> list[Fact]:
        every = [*self.guards, *self.reason_guards.values()]
        return [g.fact for g in every if g.fact is not None]

    @property
    def flags(self) -> list[str]:
        return [
            flag
            for flag in ("automatic", "applicant", "note_required", "needs_reason", "via_procedure")
            if getattr(self, flag)
        ]


_TRANSITIONS = [
    # Application and vetting (rulebook 五(一)2–3). The main line is declared
    # first in each stage: the factories' shortest paths prefer it.
    Transition(
        "forward",
        _("报送街道"),
        S.SUBMITTED,
        S.VETTING,
        can_handle_partner,
        rulebook="五（一）2–3",
        doc="The community forwards the application to the street's party-building office.",
    ),
    Transition(
        "shortlist",
        _("列入入围名单"),
        S.VETTING,
        S.SHORTLISTED,
        can_decide_for_street,
        rulebook="五（一）2–3",
        guards=(VETTING_PASSED.required(_("尚有联审部门未审核通过。")),),
        doc="Every department passed the joint vetting: the applicant is on the shortlist.",
    ),
    Transition(
        "reject",
        _("审核不通过"),
        S.VETTING,
        S.REJECTED,
        can_decide_for_street,
        rulebook="五（一）2–3",
        guards=(VETTING_FAILED.required(_("没有联审部门作出不通过结论。")),),
        note_required=True,
        doc="A department found the materials incomplete or non-compliant, or a violation.",
    ),
    # Roadshow and committee (五(二)1–2).
    Transition(
        "score",
        _("确认路演评分"),
        S.SHORTLISTED,
        S.SCORED,
        can_decide_for_street,
        rulebook="五（二）1–2",
        guards=(SCORING_COMPLETE.required(_("路演评分尚未全部提交。")),),
        automatic=True,
        writes={"composite_score": "composite_score"},
        procedure="reviews.roadshow_close_scoring",
        procedure_message=_("路演评分须在路演中“结束评分并确认综合评分”，由系统冻结综合评分。"),
        procedure_admin_url="admin:reviews_roadshow_changelist",
        doc="All score sheets are in; the composite score is frozen on the record.",
    ),
    Transition(
        "approve",
        _("党工委通过"),
        S.SCORED,
        S.APPROVED,
        can_decide_for_street,
        rulebook="五（二）1–2",
        guards=(has_composite_score, DECISION_APPROVED.required(_("尚无党工委会议通过该申请的决定记录。"))),
        procedure="reviews.decision_record",
        procedure_message=_("党工委通过须在党工委会议中录入决定。"),
        procedure_admin_url="admin:reviews_committeemeeting_changelist",
        doc="The street committee (党工委会议) admitted the applicant.",
    ),
    Transition(
        "not_select",
        _("不予入选"),
        S.SCORED,
        S.NOT_SELECTED,
        can_decide_for_street,
        rulebook="五（二）1–2",
        guards=(DECISION_NOT_SELECTED.required(_("尚无党工委会议不予入选的决定记录。")),),
        note_required=True,
        procedure="reviews.decision_record",
        procedure_message=_("不予入选须在党工委会议中录入决定。"),
        procedure_admin_url="admin:reviews_committeemeeting_changelist",
        doc="The street committee did not select the applicant.",
    ),
    # Public notice (五(二)3).
    Transition(
        "open_notice",
        _("进入公示"),
        S.APPROVED,
        S.IN_NOTICE,
        can_decide_for_street,
        rulebook="五（二）3",
        guards=(NOTICE_PUBLISHED.required(_("尚未发布包含该申请人的公示。")),),
        automatic=True,
        procedure="notices.notice_publish",
        procedure_message=_("进入公示须通过发布公示办理。"),
        procedure_admin_url="admin:notices_publicnotice_changelist",
        doc="The approved list is published for at least the street's minimum days.",
    ),
    Transition(
        "end_notice",
        _("公示期满"),
        S.IN_NOTICE,
        S.SIGNING,
        can_decide_for_street,
        rulebook="五（二）3",
        guards=(notice_period_over, OBJECTION_OPEN.absent(_("尚有未办结的异议。")), no_upheld_objection),
        automatic=True,
        procedure="notices.notice_end_entries",
        procedure_message=_("公示期满由公示办理（期满后系统自动结束公示，或异议办结后结束）。"),
        procedure_admin_url="admin:notices_publicnotice_changelist",
        doc="The notice ran its full period with no open or upheld objection.",
    ),
    Transition(
        "reject_after_objection",
        _("异议成立，不予入驻"),
        S.IN_NOTICE,
        S.REJECTED,
        can_decide_for_street,
        rulebook="五（二）3",
        guards=(OBJECTION_UPHELD.required(_("没有成立的异议。")),),
        note_required=True,
        procedure="notices.objection_conclude",
        procedure_message=_("异议成立须通过异议办结程序办理。"),
        procedure_admin_url="admin:notices_objection_changelist",
        doc="An objection raised during the notice was investigated and upheld.",
    ),
    # Agreement, trial, renewal (四(二)2, 五(三)).
    Transition(
        "sign",
        _("三方协议签订"),
        S.SIGNING,
        S.TRIAL,
        can_handle_partner,
        rulebook="四（二）2， 五（三）",
        guards=(
            FIRST_AGREEMENT_SIGNED.required(_("三方协议尚未由街道社工站、社区和合伙人三方签署。")),
            notice_period_over,
            no_upheld_objection,
        ),
        automatic=True,
        doc="All three parties signed the first agreement: the trial term begins.",
    ),
    Transition(
        "pass_trial",
        _("试用期评估合格"),
        S.TRIAL,
        S.ACTIVE,
        can_handle_partner,
        rulebook="四（二）2， 五（三）",
        guards=(TRIAL_EVALUATION_PASSED.required(_("试用期评估尚未合格。")),),
        automatic=True,
        doc="The end-of-trial evaluation passed.",
    ),
    Transition(
        "mark_renewal_due",
        _("进入续签期"),
        S.ACTIVE,
        S.RENEWAL_DUE,
        can_handle_partner,
        rulebook="四（二）2， 五（三）",
        guards=(RENEWAL_WINDOW_OPEN.required(_("当前协议尚未进入期满前提醒期。")),),
        automatic=True,
        doc="The current term ends within the reminder window (2 months by default).",
    ),
    Transition(
        "renew",
        _("续签"),
        S.RENEWAL_DUE,
        S.ACTIVE,
        can_handle_partner,
        rulebook="四（二）2， 五（三）",
        guards=(RENEWAL_AGREEMENT_SIGNED.required(_("续签协议尚未由三方签署。")),),
        automatic=True,
        doc="The next term was signed (same terms or adjusted).",
    ),
    # Leaving (六(二)3).
    Transition(
        "exit",
        _("退出"),
        tuple(EXITABLE),
        S.EXITED,
        can_decide_for_street,
        rulebook="六（二）3",
        note_required=True,
        needs_reason=True,
        writes={"exit_reason": "reason"},
        reason_guards={
            ExitReason.FAILED_EVALUATION: EVALUATION_FAILED.required(
                _("“评估不合格退出”需要一份结论为不合格的评估。")
            ),
            ExitReason.FORCED_VIOLATION: VIOLATION_SIGNED_OFF.required(
                _("“违规违纪违法强制退出”需要纪检室签字确认。")
            ),
        },
        procedure="services.partner_exit",
        procedure_message=_("退出须通过退出程序办理（填写退出情形、交接情况）。"),
        procedure_admin_url="admin:services_partnerexit_add",
        doc="The partner leaves for one of the five reasons; checked by the domain function.",
    ),
    Transition(
        "withdraw",
        _("撤回申请"),
        tuple(WITHDRAWABLE),
        S.WITHDRAWN,
        can_handle_partner,
        rulebook="六（二）3",
        applicant=True,
        doc="The applicant withdraws before signing (or staff record it on their behalf).",
    ),
]

TRANSITIONS: dict[str, Transition] = {t.name: t for t in _TRANSITIONS}


def get(name: str) -> Transition | None:
    return TRANSITIONS.get(name)


def label(name: str):
    """The transition's label (its name if there is no such transition)."""
    t = TRANSITIONS.get(name)
    return t.label if t is not None else name


# --- Derived: facts -------------------------------------------------------------


def facts_asked(transitions=None) -> dict[str, Fact]:
    """Every fact some guard of `transitions` (default: the workflow) asks for."""
    result: dict[str, Fact] = {}
    for t in (transitions if transitions is not None else TRANSITIONS).values():
        for f in t.facts:
            if result.setdefault(f.name, f) != f:
                raise ValueError(f"Fact {f.name!r} is declared twice with different owners or meanings.")
    return result


def happy_path_facts() -> dict[str, bool]:
    """Fact values under which every guard on the main line passes: facts a
    guard requires are true, facts a guard requires to be absent are false."""
    negated = {
        g.fact.name for t in TRANSITIONS.values() for g in t.guards if g.fact is not None and g.negated
    }
    return {name: name not in negated for name in facts_asked()}


# --- Derived: the django-fsm methods -----------------------------------------


def fsm_kwargs(name: str) -> dict:
    """The arguments of `django_fsm.transition` for the declared transition `name`."""
    t = TRANSITIONS[name]
    return {
        "field": "status",
        "source": list(t.sources) if len(t.sources) > 1 else t.sources[0],
        "target": t.target,
        "conditions": list(t.guards),
        "permission": fsm_permission(t.permission),
        "custom": {flag: True for flag in t.flags},
    }


def _method(t: Transition):
    def method(self, **kwargs):
        unknown = set(kwargs) - set(t.writes.values())
        if unknown:
            raise TypeError(f"{t.name}() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
        for model_field, argument in t.writes.items():
            setattr(self, model_field, kwargs.get(argument))

    method.__name__ = method.__qualname__ = t.name
    method.__doc__ = f"{t.doc}\n\nRulebook {t.rulebook}. Declared in partners/workflow.py."
    return transition(**fsm_kwargs(t.name))(method)


def transition_methods() -> type:
    """A mixin holding one django-fsm transition method per declared transition.

    `Partner` inherits it: these methods are the only code that changes status.
    """
    return type(
        "PartnerTransitions",
        (),
        {
            "__module__": __name__,
            "__doc__": "The partner's transition methods, generated from partners.workflow.",
            **{t.name: _method(t) for t in TRANSITIONS.values()},
        },
    )


# --- Derived: the main line and the factories' paths ---------------------------


def main_line() -> list[str]:
    """The states from submission to the last serving state along the main line
    (the shortest way, preferring the transitions declared first)."""
    last = max(SERVING, key=lambda state: len(shortest_paths().get(state, [])))
    states = [INITIAL]
    for name in shortest_paths()[last]:
        states.append(TRANSITIONS[name].target)
    return states


def shortest_paths(start: str = INITIAL) -> dict[str, list[str]]:
    """The shortest way through the machine to each state, by breadth-first search
    in declaration order (so the main line wins a tie).

    Transitions that need a reason (exit) are left out: a walk has none to give.
    """
    paths = {start: []}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for t in TRANSITIONS.values():
            if t.needs_reason or state not in t.sources or t.target in paths:
                continue
            paths[t.target] = [*paths[state], t.name]
            queue.append(t.target)
    return {value: paths[value] for value in PartnerStatus.values if value in paths}
