"""Demo step: 华阳街道's partners report monthly, self-evaluate mid-term and keep a fund ledger.

Runs after services.demo_second_street (华阳街道 runs the 晋江 preset, portal.demo).
Each month's report is compiled and submitted early the next month and confirmed by
the community before the 20th (晋江 五3); last month's waits where the community has
not checked every log yet. The organisation received the programme's subsidy (晋江
五2: 5万元) and a donation and spent part of it, with receipts. Replayed at the time
each part happened; a second run adds nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.domain import trial_term
from calls.demo import demo_pdf
from portal.choices import INDIVIDUAL_KINDS
from portal.dates import add_months, local_today
from portal.exceptions import ActionRefused
from services.demo_second_street import demo_second_street_partners
from services.models import PartnerAccount

from . import domain
from .models import FundEntry, FundKind, MonthlyReport, SelfEvaluationKind

TZ = dt.timezone(dt.timedelta(hours=8))
NARRATIVE = "本月按协议开展公益服务，居民参与积极；下月继续按计划推进，并加强活动宣传。"
FUNDS = [
    # days after the trial start, kind, amount, counterparty, description
    (5, FundKind.SUBSIDY, "50000", "晋江市财政局（市级补助）", "“共建共享”社区治理项目补助经费"),
    (20, FundKind.DONATION, "3000", "华阳街道某爱心企业", "慈善捐赠，用于助餐食材"),
    (30, FundKind.EXPENSE, "8600", "句容市某厨具商行", "助餐点厨具与餐具采购"),
    (60, FundKind.EXPENSE, "4200", "华阳街道某印务部", "课程讲义与宣传折页印制"),
]


@contextlib.contextmanager
def _at(day: dt.date, hour: int = 10):
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _reports(partner, user, staff, today):
    trial = trial_term(partner)
    month = trial.start_date.replace(day=1)
    last = add_months(today.replace(day=1), -1)
    while month <= last:
        submitted_on = add_months(month, 1).replace(day=3)
        with _at(min(submitted_on, today)):
            report = domain.monthly_report_compile(partner=partner, month=month, by=user)
            domain.monthly_report_submit(report=report, narrative=NARRATIVE, by=user)
        confirm_on = add_months(month, 1).replace(day=12)
        if confirm_on <= today:
            with _at(confirm_on), contextlib.suppress(ActionRefused):  # a month with unchecked logs waits
                domain.monthly_report_confirm(report=report, by=staff)
        month = add_months(month, 1)


def _self_evaluation(partner, user, staff):
    trial = trial_term(partner)
    midway = trial.start_date + (trial.end_date - trial.start_date) / 2
    with _at(midway):
        evaluation = domain.self_evaluation_submit(
            partner=partner,
            kind=SelfEvaluationKind.MIDTERM,
            content="项目按计划推进，服务时数和服务人次达到协议约定，特定群体覆盖仍需加强。",
            by=user,
            today=midway,
        )
    with _at(midway + dt.timedelta(days=3)):
        domain.self_evaluation_decide(evaluation=evaluation, accept=True, by=staff)


def _funds(partner, user):
    start = trial_term(partner).start_date
    for days, kind, amount, counterparty, description in FUNDS:
        day = start + dt.timedelta(days=days)
        receipt = (
            SimpleUploadedFile(f"receipt-{days}.pdf", demo_pdf(f"Receipt {days}"))
            if kind == FundKind.EXPENSE
            else None
        )
        with _at(day):
            domain.fund_entry_record(
                partner=partner,
                data={
                    "date": day,
                    "kind": kind,
                    "amount": Decimal(amount),
                    "counterparty": counterparty,
                    "description": description,
                },
                receipt=receipt,
                by=user,
                today=day,
            )


def load(ctx):
    users = ctx.get("second_street_users", {})
    staff_for = {"南门社区": users.get("huayang_nanmen"), "北山社区": users.get("huayang_beishan")}
    today = local_today()
    for partner in demo_second_street_partners().order_by("pk"):
        if MonthlyReport.objects.filter(partner=partner).exists() or not domain.reports_enabled_for(partner):
            continue
        account = PartnerAccount.objects.filter(partner=partner).select_related("user").first()
        staff = staff_for.get(partner.community.name)
        if account is None or staff is None:
            continue
        _reports(partner, account.user, staff, today)
        _self_evaluation(partner, account.user, staff)
        if (
            partner.application.kind not in INDIVIDUAL_KINDS
            and not FundEntry.objects.filter(partner=partner).exists()
        ):
            _funds(partner, account.user)
