"""The partner lifecycle: one django-fsm machine from application to exit.

Rulebook sections 四–六. The status is a protected FSMField: only the
transition methods change it (generated from the declaration in
partners/workflow.py and inherited by `Partner`), and only `partners.domain.partner_transition`
calls them (it checks guards and permissions, locks the row, writes the
history row and queues side effects after commit).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from portal.choices import INDIVIDUAL_KINDS, ExitReason
from portal.masking import mask_person_name
from portal.models import AppendOnlyModel, person_name

from . import workflow
from .workflow import (  # noqa: F401  (re-exported: the states live with the workflow)
    EXITABLE,
    FINAL,
    SERVING,
    WITHDRAWABLE,
    PartnerStatus,
)


class Partner(ConcurrentTransitionMixin, workflow.transition_methods(), models.Model):
    """An applicant and, once admitted, a 睦邻合伙人: one record, one lifecycle.

    The lifecycle knows no stage app: the application (`calls.Application.partner`,
    reverse `partner.application`), vetting, notices, agreements and services all
    point here, and answer the machine's questions through named facts (guards.py).
    """

    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="partners", verbose_name=_("社区")
    )
    # The registry record of the organisation behind the partner (长宁 seed 003; organisations app),
    # set with partners.domain.partner_organisation_link.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("所属社区组织"),
    )
    status = FSMField(
        _("状态"),
        max_length=20,
        choices=PartnerStatus.choices,
        default=PartnerStatus.SUBMITTED,
        protected=True,
        db_index=True,
    )
    composite_score = models.DecimalField(
        _("综合评分"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    exit_reason = models.CharField(
        _("退出情形"), max_length=30, choices=ExitReason.choices, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), auto_now_add=True, editable=False)

    class Meta:
        verbose_name = _("睦邻合伙人")
        verbose_name_plural = _("睦邻合伙人")
        ordering = ["-created_at", "-id"]
        # The scoped admin and public lists: a community's partners by state; the admin
        # list's own order (a superuser's city-wide list reads 50 rows, not 20,000 sorted).
        # partner_community_pk: a street's scope joins its communities to their partners'
        # ids (service logs, feedback, desk counts); with the id in the index that join is an
        # index-only scan instead of a sequential scan of every partner (issue 14).
        indexes = [
            models.Index(fields=["community", "status"], name="partner_community_status"),
            models.Index(fields=["community", "id"], name="partner_community_pk"),
            models.Index(fields=["-created_at", "-id"], name="partner_list_order"),
        ]
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
    def is_individual(self) -> bool:
        """A natural person (自由职业者、创业团队、青年创客): their personal data stays off public pages."""
        return self.application.kind in INDIVIDUAL_KINDS

    @property
    def public_address(self) -> str:
        """The address residents see: an organisation's own; for a natural person, never the home
        address but the community's (PIPL minimum necessary, portal.masking)."""
        if not self.is_individual and self.application.address:
            return self.application.address
        return self.community.address

    @property
    def public_phone(self) -> str:
        """The phone residents may call: the number an organisation applied with; for a natural
        person, never their mobile but the community office's phone."""
        if self.is_individual:
            return self.community.contact_phone
        return self.application.mobile

    @property
    def kind(self) -> str:
        return self.application.kind

    @property
    def reference(self) -> str:
        return self.application.reference

    @property
    def is_serving(self) -> bool:
        return self.status in SERVING

    # The transition methods (forward, shortlist, …, exit, withdraw) are generated
    # from partners/workflow.py, the one declaration of the lifecycle.


class PartnerTransition(AppendOnlyModel):
    """The partner's status history: one row per transition, never edited."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("睦邻合伙人")
    )
    transition = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=20, choices=PartnerStatus.choices)
    to_state = models.CharField(_("新状态"), max_length=20, choices=PartnerStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(
        _("操作方"), max_length=50, blank=True, help_text=_("无账号操作时的说明，如“系统”“申请人”。")
    )
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
        return workflow.label(self.transition)

    @property
    def actor_name(self):
        """Who took the step: a person's name, else the recorded label (系统, 申请人)."""
        if self.actor_id is None:
            return self.actor_label or person_name(None)
        return person_name(self.actor)
