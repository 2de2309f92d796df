"""The second demo street (华阳街道): partners walked through the real lifecycle, serving for months."""

import pytest

from partners.models import PartnerStatus
from portal.choices import INDIVIDUAL_KINDS
from services.demo_second_street import demo_second_street_partners
from services.models import LogStatus, ServiceLog


@pytest.fixture
def demo(demo_database, db):
    """What `load_demo` made of an empty database (tests/conftest.py)."""


def test_second_street_has_an_active_organisation_and_an_active_individual(demo):
    partners = list(demo_second_street_partners())

    assert {p.community.street.name for p in partners} == {"华阳街道"}
    assert {p.status for p in partners} == {PartnerStatus.ACTIVE}
    assert {p.application.kind in INDIVIDUAL_KINDS for p in partners} == {True, False}
    for partner in partners:
        assert list(partner.transitions.values_list("transition", flat=True)) == [
            "forward",
            "shortlist",
            "score",
            "approve",
            "open_notice",
            "end_notice",
            "sign",
            "pass_trial",
        ]
        # The story's times stay in order.
        times = list(partner.transitions.order_by("pk").values_list("created_at", flat=True))
        assert times == sorted(times)
        assert partner.agreements.filter(status="signed").count() == 2
        assert partner.agreements.first().targets.exists()
        verified = ServiceLog.objects.filter(partner=partner, status=LogStatus.VERIFIED)
        assert verified.dates("date", "month").count() >= 5
