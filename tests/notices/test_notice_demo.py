"""The demo step for notices: moves the right demo partners, twice changes nothing."""

from decimal import Decimal

import pytest

from calls import demo
from notices import demo as demo_notices
from notices.models import NoticeStatus, Objection, ObjectionStatus, PublicNotice
from partners import guards
from partners.domain import partner_transition
from partners.models import PartnerTransition
from portal import demo as config_demo


def _approve_as_reviews_demo_would(partner, by):
    """The reviews step's work: vetting passed, scored, approved by the committee."""
    with guards.facts_forced({"vetting_passed": True, "scoring_complete": True, "decision_approved": True}):
        partner_transition(partner=partner, transition="shortlist", by=by)
        # Standing in for the procedures that own these transitions (reviews' scoring and decision).
        partner_transition(
            partner=partner,
            transition="score",
            by=by,
            composite_score=Decimal("88.50"),
            procedure="reviews.roadshow_close_scoring",
        )
        partner_transition(partner=partner, transition="approve", by=by, procedure="reviews.decision_record")


@pytest.mark.django_db
def test_notice_demo_publishes_ends_and_is_idempotent():
    ctx = {}
    config_demo.load(ctx)
    demo.load(ctx)
    for partner in demo.demo_partners():
        if demo_notices._beyond(demo.demo_target(partner), "scored"):
            _approve_as_reviews_demo_would(partner, ctx["users"]["jiedao"])

    demo_notices.load(ctx)
    history = PartnerTransition.objects.count()
    demo_notices.load(ctx)

    statuses = {p.name: p.status for p in demo.demo_partners()}
    assert statuses["句容市绿邻环保志愿服务社"] == "in_notice"
    assert statuses["王晓燕"] == "signing"
    assert statuses["句容市银龄互助服务中心"] == "signing"
    assert statuses["陈志远"] == "approved"
    assert PartnerTransition.objects.count() == history
    past = PublicNotice.objects.get(title=demo_notices.PAST_TITLE)
    assert (past.status, past.filed_at is not None) == (NoticeStatus.ENDED, True)
    assert PublicNotice.objects.get(title=demo_notices.CURRENT_TITLE).status == NoticeStatus.PUBLISHED
    assert list(Objection.objects.values_list("status", flat=True)) == [ObjectionStatus.DISMISSED]
