"""The agreements demo step: idempotent, moves only partners at `signing` (issue 8)."""

import pytest

from agreements import demo as agreements_demo
from agreements.domain import current_term, term_in_renewal_window
from agreements.models import Agreement, AgreementKind, AgreementStatus
from calls import demo as partners_demo
from partners import guards
from partners.domain import partner_transition
from partners.models import PartnerStatus
from partners.workflow import TRANSITIONS, happy_path_facts
from portal import demo as config_demo

# A stage set up without the earlier stages' records: stand in for the procedures owning these transitions.
PROCEDURE = {name: t.procedure for name, t in TRANSITIONS.items()}

pytestmark = pytest.mark.django_db
TO_SIGNING = ["shortlist", "score", "approve", "open_notice", "end_notice"]


@pytest.fixture
def ctx():
    ctx = {}
    config_demo.load(ctx)
    partners_demo.load(ctx)
    # The review and notice steps belong to other apps: walk their stages with their facts assumed.
    with guards.facts_forced(happy_path_facts()):
        for partner in partners_demo.demo_partners().filter(status="vetting"):
            if partners_demo.demo_target(partner) in {"signing", *agreements_demo.BEYOND_SIGNING}:
                for name in TO_SIGNING:
                    kwargs = {"composite_score": 85} if name == "score" else {}
                    partner_transition(
                        partner=partner,
                        transition=name,
                        procedure=PROCEDURE[name],
                        by=ctx["users"]["jiedao"],
                        **kwargs,
                    )
    return ctx


def test_demo_signs_first_agreements_and_is_idempotent(ctx):
    with guards.facts_forced({"notice_period_over": True}):
        agreements_demo.load(ctx)
        count = Agreement.objects.count()
        agreements_demo.load(ctx)

    statuses = {p.name: p.status for p in partners_demo.demo_partners()}
    # five: the `active` partner's trial ended, so its renewal is signed too (issue 13)
    assert Agreement.objects.count() == count == 5
    assert set(Agreement.objects.values_list("status", flat=True)) == {AgreementStatus.SIGNED}
    assert statuses["句容市银龄互助服务中心"] == PartnerStatus.TRIAL  # target active
    assert statuses["崇明社区便民理发店"] == PartnerStatus.TRIAL  # target renewal_due
    assert statuses["王晓燕"] == PartnerStatus.SIGNING  # target signing: left alone
    due = partners_demo.demo_partners().get(application__applicant_name="崇明社区便民理发店")
    active = partners_demo.demo_partners().get(application__applicant_name="句容市银龄互助服务中心")
    assert term_in_renewal_window(current_term(due)) is True
    assert term_in_renewal_window(current_term(active)) is False
    assert current_term(active).kind == AgreementKind.RENEWAL
    assert current_term(active).previous.kind == AgreementKind.FIRST
