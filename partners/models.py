"""The partner lifecycle: one django-fsm machine from application to exit.

Rulebook sections 四–六. The status is a protected FSMField: only the
transition methods below change it, and only `partners.domain.partner_transition`
calls them (it checks guards and permissions, locks the row, writes the
history row and queues side effects after commit).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.choices import INDIVIDUAL_KINDS, ExitReason
from portal.masking import mask_person_name
from portal.models import AppendOnlyModel, person_name

from .guards import fact
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
# Before the agreement is signed the applicant may still withdraw.
WITHDRAWABLE = [S.SUBMITTED, S.VETTING, S.SHORTLISTED, S.SCORED, S.APPROVED, S.IN_NOTICE, S.SIGNING]
EXITABLE = [S.TRIAL, S.ACTIVE, S.RENEWAL_DUE]
FINAL = {S.REJECTED, S.NOT_SELECTED, S.EXITED, S.WITHDRAWN}
# States in which the partner is admitted and serving residents.
SERVING = {S.TRIAL, S.ACTIVE, S.RENEWAL_DUE}


def guard(message, test):
    """A transition condition that can say, in the user's language, why it failed."""
    test.message = message
    return test


def _fact(name, message):
    return guard(message, lambda partner: fact(name, partner))


vetting_passed = _fact("vetting_passed", _("尚有联审部门未审核通过。"))
vetting_failed = _fact("vetting_failed", _("没有联审部门作出不通过结论。"))
scoring_complete = _fact("scoring_complete", _("路演评分尚未全部提交。"))
decision_approved = _fact("decision_approved", _("尚无党工委会议通过该申请的决定记录。"))
decision_not_selected = _fact("decision_not_selected", _("尚无党工委会议不予入选的决定记录。"))
notice_published = _fact("notice_published", _("尚未发布包含该申请人的公示。"))
notice_period_over = _fact("notice_period_over", _("公示期尚未届满。"))
objection_upheld = _fact("objection_upheld", _("没有成立的异议。"))
no_open_objection = guard(_("尚有未办结的异议。"),
                          lambda partner: not fact("objection_open", partner))
no_upheld_objection = guard(_("有异议经调查成立,不能进入签约。"),
                            lambda partner: not fact("objection_upheld", partner))
first_agreement_signed = _fact("first_agreement_signed",
                               _("三方协议尚未由街道社工站、社区和合伙人三方签署。"))
renewal_window_open = _fact("renewal_window_open", _("当前协议尚未进入期满前提醒期。"))
renewal_agreement_signed = _fact("renewal_agreement_signed", _("续签协议尚未由三方签署。"))
trial_evaluation_passed = _fact("trial_evaluation_passed", _("试用期评估尚未合格。"))
has_composite_score = guard(_("尚无综合评分。"), lambda partner: partner.composite_score is not None)


class Partner(ConcurrentTransitionMixin, models.Model):
    """An applicant and, once admitted, a 睦邻合伙人: one record, one lifecycle.

    The lifecycle knows no stage app: the application (`calls.Application.partner`,
    reverse `partner.application`), vetting, notices, agreements and services all
    point here, and answer the machine's questions through named facts (guards.py).
    """

    community = models.ForeignKey("portal.Community", on_delete=models.PROTECT,
                                  related_name="partners", verbose_name=_("社区"))
    status = FSMField(_("状态"), max_length=20, choices=PartnerStatus.choices,
                      default=PartnerStatus.SUBMITTED, protected=True, db_index=True)
    composite_score = models.DecimalField(_("综合评分"), max_digits=6, decimal_places=2,
                                          null=True, blank=True, editable=False)
    exit_reason = models.CharField(_("退出情形"), max_length=30, choices=ExitReason.choices,
                                   blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), auto_now_add=True, editable=False)

    class Meta:
        verbose_name = _("睦邻合伙人")
        verbose_name_plural = _("睦邻合伙人")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("forward_application", _("可将申请报送街道")),
            ("decide", _("可作出街道层面的决定")),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.application.applicant_name

    @property
    def public_name(self) -> str:
        """The name residents see: a natural person's name is masked (张*明)."""
        if self.application.kind in INDIVIDUAL_KINDS:
            return mask_person_name(self.name)
        return self.name

    @property
    def kind(self) -> str:
        return self.application.kind

    @property
    def reference(self) -> str:
        return self.application.reference

    @property
    def is_serving(self) -> bool:
        return self.status in SERVING

    # --- Application and vetting (rulebook 五(一)2–3) -------------------------

    @transition(field=status, source=S.SUBMITTED, target=S.VETTING,
                permission=fsm_permission(can_handle_partner))
    def forward(self):
        """The community forwards the application to the street's party-building office."""

    @transition(field=status, source=S.VETTING, target=S.SHORTLISTED,
                conditions=[vetting_passed], permission=fsm_permission(can_decide_for_street))
    def shortlist(self):
        """Every department passed the joint vetting: the applicant is on the shortlist."""

    @transition(field=status, source=S.VETTING, target=S.REJECTED,
                conditions=[vetting_failed], permission=fsm_permission(can_decide_for_street),
                custom={"note_required": True})
    def reject(self):
        """A department found the materials incomplete or non-compliant, or a violation."""

    # --- Roadshow and committee (五(二)1–2) ------------------------------------

    @transition(field=status, source=S.SHORTLISTED, target=S.SCORED,
                conditions=[scoring_complete], permission=fsm_permission(can_decide_for_street),
                custom={"automatic": True})
    def score(self, composite_score=None):
        """All score sheets are in; the composite score is frozen on the record."""
        self.composite_score = composite_score

    @transition(field=status, source=S.SCORED, target=S.APPROVED,
                conditions=[has_composite_score, decision_approved],
                permission=fsm_permission(can_decide_for_street))
    def approve(self):
        """The street committee (党工委会议) admitted the applicant."""

    @transition(field=status, source=S.SCORED, target=S.NOT_SELECTED,
                conditions=[decision_not_selected], permission=fsm_permission(can_decide_for_street),
                custom={"note_required": True})
    def not_select(self):
        """The street committee did not select the applicant."""

    # --- Public notice (五(二)3) ------------------------------------------------

    @transition(field=status, source=S.APPROVED, target=S.IN_NOTICE,
                conditions=[notice_published], permission=fsm_permission(can_decide_for_street),
                custom={"automatic": True})
    def open_notice(self):
        """The approved list is published for at least the street's minimum days."""

    @transition(field=status, source=S.IN_NOTICE, target=S.SIGNING,
                conditions=[notice_period_over, no_open_objection, no_upheld_objection],
                permission=fsm_permission(can_decide_for_street), custom={"automatic": True})
    def end_notice(self):
        """The notice ran its full period with no open or upheld objection."""

    @transition(field=status, source=S.IN_NOTICE, target=S.REJECTED,
                conditions=[objection_upheld], permission=fsm_permission(can_decide_for_street),
                custom={"note_required": True})
    def reject_after_objection(self):
        """An objection raised during the notice was investigated and upheld."""

    # --- Agreement, trial, renewal (四(二)2, 五(三)) ----------------------------

    @transition(field=status, source=S.SIGNING, target=S.TRIAL,
                conditions=[first_agreement_signed, notice_period_over, no_upheld_objection],
                permission=fsm_permission(can_handle_partner), custom={"automatic": True})
    def sign(self):
        """All three parties signed the first agreement: the trial term begins."""

    @transition(field=status, source=S.TRIAL, target=S.ACTIVE,
                conditions=[trial_evaluation_passed], permission=fsm_permission(can_handle_partner),
                custom={"automatic": True})
    def pass_trial(self):
        """The end-of-trial evaluation passed."""

    @transition(field=status, source=S.ACTIVE, target=S.RENEWAL_DUE,
                conditions=[renewal_window_open], permission=fsm_permission(can_handle_partner),
                custom={"automatic": True})
    def mark_renewal_due(self):
        """The current term ends within the reminder window (2 months by default)."""

    @transition(field=status, source=S.RENEWAL_DUE, target=S.ACTIVE,
                conditions=[renewal_agreement_signed], permission=fsm_permission(can_handle_partner),
                custom={"automatic": True})
    def renew(self):
        """The next term was signed (same terms or adjusted)."""

    # --- Leaving (六(二)3) ------------------------------------------------------

    @transition(field=status, source=EXITABLE, target=S.EXITED,
                permission=fsm_permission(can_decide_for_street),
                custom={"note_required": True, "needs_reason": True})
    def exit(self, reason=None):
        """The partner leaves for one of the five reasons; checked by the domain function."""
        self.exit_reason = reason

    @transition(field=status, source=WITHDRAWABLE, target=S.WITHDRAWN,
                permission=fsm_permission(can_handle_partner), custom={"applicant": True})
    def withdraw(self):
        """The applicant withdraws before signing (or staff record it on their behalf)."""


class PartnerTransition(AppendOnlyModel):
    """The partner's status history: one row per transition, never edited."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="transitions",
                                verbose_name=_("睦邻合伙人"))
    transition = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=20, choices=PartnerStatus.choices)
    to_state = models.CharField(_("新状态"), max_length=20, choices=PartnerStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作方"), max_length=50, blank=True,
                                   help_text=_("无账号操作时的说明,如“系统”“申请人”。"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态记录")
        verbose_name_plural = _("状态记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"

    @property
    def transition_label(self):
        from .events import transition_label

        return transition_label(self.transition)

    @property
    def actor_name(self):
        """Who took the step: a person's name, else the recorded label (系统, 申请人)."""
        if self.actor_id is None:
            return self.actor_label or person_name(None)
        return person_name(self.actor)
