"""The workflow declaration is the one source of the machine and what derives from it."""

import pytest
from django.core import checks as django_checks
from django.utils.translation import gettext_lazy as _

from partners import checks, guards, workflow
from partners.domain import TRANSITION_LABELS
from partners.models import Partner, PartnerStatus
from tests.factories import PATH_TO

# The factories' hand-written table before the workflow was declared once.
EXPECTED_PATH_TO = {
    "submitted": [],
    "vetting": ["forward"],
    "shortlisted": ["forward", "shortlist"],
    "rejected": ["forward", "reject"],
    "scored": ["forward", "shortlist", "score"],
    "approved": ["forward", "shortlist", "score", "approve"],
    "not_selected": ["forward", "shortlist", "score", "not_select"],
    "in_notice": ["forward", "shortlist", "score", "approve", "open_notice"],
    "signing": ["forward", "shortlist", "score", "approve", "open_notice", "end_notice"],
    "trial": ["forward", "shortlist", "score", "approve", "open_notice", "end_notice", "sign"],
    "active": ["forward", "shortlist", "score", "approve", "open_notice", "end_notice", "sign", "pass_trial"],
    "renewal_due": [
        "forward",
        "shortlist",
        "score",
        "approve",
        "open_notice",
        "end_notice",
        "sign",
        "pass_trial",
        "mark_renewal_due",
    ],
    "withdrawn": ["withdraw"],
}

# The facts the machine asked for before they were derived from the guards.
EXPECTED_FACTS = {
    "vetting_passed",
    "vetting_failed",
    "scoring_complete",
    "decision_approved",
    "decision_not_selected",
    "notice_published",
    "notice_period_over",
    "objection_open",
    "objection_upheld",
    "first_agreement_signed",
    "renewal_window_open",
    "renewal_agreement_signed",
    "trial_evaluation_passed",
    "evaluation_failed",
    "violation_signed_off",
}


def fsm_edges():
    field = Partner._meta.get_field("status")
    return {(t.source, t.target, t.name) for t in field.get_all_transitions(Partner)}


def test_factories_paths_are_the_shortest_paths_of_the_declaration():
    assert PATH_TO == workflow.shortest_paths() == EXPECTED_PATH_TO


def test_partner_methods_are_generated_from_the_declaration():
    declared = {(source, t.target, t.name) for t in workflow.TRANSITIONS.values() for source in t.sources}
    assert fsm_edges() == declared
    field = Partner._meta.get_field("status")
    for t in field.get_all_transitions(Partner):
        spec = workflow.TRANSITIONS[t.name]
        assert list(t.conditions) == list(spec.guards)
        assert t.custom == {flag: True for flag in spec.flags}
        assert t.permission.predicate is spec.permission


def test_generated_methods_keep_the_rulebook_citation():
    assert "五（二）3" in Partner.end_notice.__doc__
    assert "六（二）3" in Partner.exit.__doc__


def test_transition_methods_write_only_their_declared_fields():
    partner = Partner(status=PartnerStatus.SHORTLISTED)
    with guards.facts_forced({"scoring_complete": True}):
        with pytest.raises(TypeError):
            partner.score(reason="requested")
        partner.score(composite_score=80)
    assert (partner.status, partner.composite_score) == (PartnerStatus.SCORED, 80)
    assert dict(workflow.TRANSITIONS["score"].writes) == {"composite_score": "composite_score"}
    assert dict(workflow.TRANSITIONS["exit"].writes) == {"exit_reason": "reason"}


def test_labels_and_facts_are_derived():
    assert set(TRANSITION_LABELS) == set(workflow.TRANSITIONS)
    assert set(guards.FACTS) == EXPECTED_FACTS
    assert guards.FACTS["first_agreement_signed"].startswith("agreements: ")
    assert workflow.happy_path_facts() == {
        name: name not in {"objection_open", "objection_upheld"} for name in EXPECTED_FACTS
    }


def test_every_fact_is_provided_and_every_provider_is_asked():
    assert checks.check_facts_provided() == []
    assert checks.check_providers_asked() == []
    assert checks.check_batch_readers_match() == []


def test_a_batch_reader_without_a_one_partner_provider_is_a_system_check_error(monkeypatch):
    monkeypatch.setattr(
        guards, "_providers", {k: v for k, v in guards.providers().items() if k != "renewal_window_open"}
    )

    errors = checks.check_batch_readers_match()

    assert [(e.id, e.level) for e in errors] == [("partners.E003", django_checks.ERROR)]
    assert "'renewal_window_open'" in errors[0].msg


def test_a_guard_on_an_unprovided_fact_is_a_system_check_error(monkeypatch):
    imaginary = workflow.Fact("imaginary_fact", "nowhere", "a fact no app provides")
    spec = workflow.Transition(
        "suspend",
        _("暂停"),
        workflow.S.ACTIVE,
        workflow.S.EXITED,
        workflow.can_decide_for_street,
        doc="Test only.",
        rulebook="—",
        guards=(imaginary.required(_("暂停条件不满足。")),),
    )
    monkeypatch.setattr(workflow, "TRANSITIONS", {**workflow.TRANSITIONS, "suspend": spec})

    errors = checks.check_facts_provided()

    assert [(e.id, e.level) for e in errors] == [("partners.E001", django_checks.ERROR)]
    assert "'imaginary_fact'" in errors[0].msg and "'suspend'" in errors[0].msg
    assert "imaginary_fact" in guards.FACTS  # derived from the guards


def test_a_provider_no_guard_asks_for_is_a_system_check_warning(monkeypatch):
    monkeypatch.setattr(
        workflow, "TRANSITIONS", {name: t for name, t in workflow.TRANSITIONS.items() if name != "pass_trial"}
    )

    warnings = checks.check_providers_asked()

    assert [(w.id, w.level) for w in warnings] == [("partners.W001", django_checks.WARNING)]
    assert "'trial_evaluation_passed'" in warnings[0].msg


def test_checks_are_registered():
    registered = django_checks.registry.registry.get_checks()
    assert checks.check_facts_provided in registered
    assert checks.check_providers_asked in registered
    assert checks.check_batch_readers_match in registered


def test_facts_forced_restores_the_providers_and_nests():
    before = guards.providers()
    partner = Partner()
    with guards.facts_forced({"objection_open": True, "vetting_passed": lambda p: p is partner}):
        assert guards.fact("objection_open", partner) is True
        assert guards.fact("vetting_passed", partner) is True
        with guards.facts_forced({"objection_open": False}):
            assert guards.fact("objection_open", partner) is False
        assert guards.fact("objection_open", partner) is True
    assert guards.providers() == before


def test_facts_forced_refuses_a_name_the_workflow_does_not_ask():
    with pytest.raises(ValueError, match="objection_opened"):
        with guards.facts_forced({"objection_opened": True}):
            pass
