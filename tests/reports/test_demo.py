"""The demo's 华阳街道 reports monthly, self-evaluates and keeps a fund ledger (issue 20 part 2)."""

from decimal import Decimal

import pytest

from portal.choices import INDIVIDUAL_KINDS
from reports.domain import archive_checklist, fund_totals
from reports.models import MonthlyReport, ReportSettings, ReportStatus, SelfEvaluation
from services.demo_second_street import demo_second_street_partners


@pytest.fixture
def demo(demo_database, db):
    """What `load_demo` made of an empty database (tests/conftest.py)."""


def test_second_street_runs_the_jinjiang_preset_and_its_partners_report(demo):
    partners = list(demo_second_street_partners())
    street = partners[0].community.street
    assert ReportSettings.objects.get(street=street).enabled
    assert not ReportSettings.objects.filter(street__name="崇明街道", enabled=True).exists()
    for partner in partners:
        reports = MonthlyReport.objects.filter(partner=partner)
        assert reports.count() >= 6
        assert reports.filter(status=ReportStatus.CONFIRMED).count() >= 5
        # A confirmed report never counts a log that was not verified.
        for report in reports.filter(status=ReportStatus.CONFIRMED):
            assert report.figures["sessions"] == len(report.figures["log_ids"])
        assert SelfEvaluation.objects.filter(partner=partner, kind="midterm", status="accepted").exists()
    organisation = next(p for p in partners if p.application.kind not in INDIVIDUAL_KINDS)
    totals = fund_totals(organisation)
    assert (totals.income, totals.expense) == (Decimal("53000"), Decimal("12800"))
    items = {item.number: item.present for item in archive_checklist(organisation)}
    assert items["⑤"] and items["⑥"] and not items["⑧"]
