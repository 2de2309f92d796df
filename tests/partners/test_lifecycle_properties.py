"""Random walks through the machine keep its invariants (Hypothesis stateful testing)."""

import pytest
from hypothesis import HealthCheck, settings, target
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from partners import guards, workflow
from partners.domain import TransitionRefused, partner_transition
from partners.models import Partner, PartnerStatus
from portal.choices import ExitReason
from tests.factories import CommunityFactory, PartnerFactory, community_staff, street_staff

# What each transition's guards must have seen true when it succeeded.
REQUIRED = {
    "shortlist": {"vetting_passed"},
    "reject": {"vetting_failed"},
    "score": {"scoring_complete"},
    "approve": {"decision_approved"},
    "not_select": {"decision_not_selected"},
    "open_notice": {"notice_published"},
    "end_notice": {"notice_period_over"},
    "reject_after_objection": {"objection_upheld"},
    "sign": {"first_agreement_signed", "notice_period_over"},
    "pass_trial": {"trial_evaluation_passed"},
    "mark_renewal_due": {"renewal_window_open"},
    "renew": {"renewal_agreement_signed"},
}
FORBIDDEN = {"end_notice": {"objection_open", "objection_upheld"}, "sign": {"objection_upheld"}}


@pytest.mark.django_db
def test_random_walks_keep_the_invariants():
    true_facts: set[str] = set()
    street_clerk = street_staff()
    community_clerk = community_staff(community=CommunityFactory(street=street_clerk.profile.street))

    class Lifecycle(RuleBasedStateMachine):
        @initialize()
        def new_partner(self):
            true_facts.clear()
            self.true_facts = true_facts
            self.partner = PartnerFactory(community=community_clerk.profile.community)
            self.reached_trial_with = None

        @rule(name=st.sampled_from(sorted(guards.FACTS)), value=st.booleans())
        def set_fact(self, name, value):
            (self.true_facts.add if value else self.true_facts.discard)(name)

        @rule(
            name=st.sampled_from(sorted(workflow.TRANSITIONS)),
            actor=st.sampled_from(["street", "community", "system", "applicant"]),
            note=st.sampled_from(["", "说明"]),
            reason=st.sampled_from([None, *ExitReason.values]),
            by_procedure=st.booleans(),
        )
        def attempt(self, name, actor, note, reason, by_procedure):
            kwargs = {"reason": reason} if name == "exit" else {}
            if name == "score":
                kwargs["composite_score"] = 80
            who = {
                "street": {"by": street_clerk},
                "community": {"by": community_clerk},
                "system": {"system": True},
                "applicant": {"as_applicant": True},
            }[actor]
            before = self.partner.status
            seen = set(self.true_facts)
            try:
                partner_transition(
                    partner=self.partner,
                    transition=name,
                    note=note,
                    procedure=workflow.TRANSITIONS[name].procedure if by_procedure else "",
                    **who,
                    **kwargs,
                )
            except TransitionRefused:
                self.partner.refresh_from_db()
                assert self.partner.status == before
                return
            assert by_procedure or not workflow.TRANSITIONS[name].via_procedure
            assert REQUIRED.get(name, set()) <= seen
            assert not (FORBIDDEN.get(name, set()) & seen)
            if self.partner.status == PartnerStatus.TRIAL:
                self.reached_trial_with = seen

        def teardown(self):
            # Steer the search towards long walks, where the later stages are.
            if hasattr(self, "partner"):
                target(float(self.partner.transitions.count()), label="depth")

        @invariant()
        def status_is_a_state(self):
            if hasattr(self, "partner"):
                assert Partner.objects.get(pk=self.partner.pk).status in PartnerStatus.values

        @invariant()
        def history_replays_to_the_status(self):
            if not hasattr(self, "partner"):
                return
            state = PartnerStatus.SUBMITTED
            for row in self.partner.transitions.order_by("created_at", "id"):
                assert row.from_state == state
                state = row.to_state
            assert state == Partner.objects.get(pk=self.partner.pk).status

        @invariant()
        def trial_only_after_agreement_and_notice(self):
            if not hasattr(self, "partner"):
                return
            reached = self.partner.transitions.filter(to_state=PartnerStatus.TRIAL).exists()
            if reached:
                assert {"first_agreement_signed", "notice_period_over"} <= self.reached_trial_with
                assert self.partner.transitions.filter(to_state=PartnerStatus.IN_NOTICE).exists()

    with guards.facts_forced({name: (lambda n: lambda p: n in true_facts)(name) for name in guards.FACTS}):
        run_state_machine_as_test(
            Lifecycle,
            settings=settings(
                max_examples=40,
                stateful_step_count=40,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            ),
        )
