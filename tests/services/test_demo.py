"""The services demo step: records behind every state it produces, and idempotent."""

import datetime as dt
from decimal import Decimal

import pytest

from calls import demo as partners_demo
from partners import guards
from partners.domain import partner_transition
from partners.models import PartnerStatus
from partners.workflow import TRANSITIONS, happy_path_facts
from portal import demo as config_demo
from portal.dates import add_months, local_today, term_end
from services import demo as services_demo
from services.models import Evaluation, Feedback, PartnerAccount, PartnerExit, ServiceLog
from tests.factories import PATH_TO, SpaceFactory

from .factories import AgreementFactory

# A stage set up without the earlier stages' records: stand in for the procedures owning these transitions.
PROCEDURE = {name: t.procedure for name, t in TRANSITIONS.items()}

pytestmark = pytest.mark.django_db


def to_trial(partner, by):
    with guards.facts_forced(happy_path_facts()):
        for name in PATH_TO["trial"][1:]:  # calls.demo already forwarded it
            kwargs = {"composite_score": Decimal("85")} if name == "score" else {}
            partner_transition(partner=partner, transition=name, procedure=PROCEDURE[name], by=by, **kwargs)


def test_demo_step_moves_only_partners_at_its_start_and_is_idempotent():
    ctx = {}
    config_demo.load(ctx)
    partners_demo.load(ctx)
    today = local_today()
    for name in ["句容市银龄互助服务中心", "句容市童心托育有限公司", "句容市快修便民服务部"]:
        partner = partners_demo.demo_partners().get(application__applicant_name=name)
        to_trial(partner, ctx["users"]["jiedao"])
        # a 6-month trial ending in ten days: the trial evaluation falls in its last month
        start = add_months(today, -6) + dt.timedelta(days=11)
        AgreementFactory(partner=partner, start_date=start, end_date=term_end(start, 6))
        SpaceFactory(community=partner.community)

    services_demo.load(ctx)
    status = {p.name: p.status for p in partners_demo.demo_partners(target=None)}
    assert (
        status["句容市银龄互助服务中心"],
        status["句容市童心托育有限公司"],
        status["句容市快修便民服务部"],
    ) == (PartnerStatus.ACTIVE, PartnerStatus.TRIAL, PartnerStatus.EXITED)
    assert PartnerExit.objects.get().reason == "requested"
    counts = [m.objects.count() for m in (ServiceLog, Feedback, Evaluation, PartnerAccount)]
    assert counts == [18, 9, 2, 3]
    assert ServiceLog.objects.filter(status="verified").count() == 12

    services_demo.load(ctx)
    assert [m.objects.count() for m in (ServiceLog, Feedback, Evaluation, PartnerAccount)] == counts
