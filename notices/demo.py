"""Demo step: public notices for the demo partners the committee approved.

Partners in `approved` whose target lies beyond `in_notice` go on a notice
whose period is already over (with one dismissed objection) and move on to
signing; those whose target is `in_notice` go on a notice still running.
Idempotent: notices are found by title, and only partners still exactly in
`approved` are listed.
"""

import contextlib
import datetime as dt
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone

from calls.demo import demo_partners, demo_target
from portal.demo import DEMO_PASSWORD

from .domain import (
    filing_receipt_acknowledge,
    filing_recipients_default,
    notice_file,
    notice_publish,
    notice_save_draft,
    notices_end_due,
    objection_conclude,
    objection_file,
)
from .models import PublicNotice

# The main path of the lifecycle, to tell which targets lie beyond a state.
MAIN_PATH = [
    "submitted",
    "vetting",
    "shortlisted",
    "scored",
    "approved",
    "in_notice",
    "signing",
    "trial",
    "active",
    "renewal_due",
    "exited",
]
PAST_TITLE = "崇明街道2026年第一批“睦邻合伙人”拟入驻名单公示"
CURRENT_TITLE = "崇明街道2026年第二批“睦邻合伙人”拟入驻名单公示"
BODY = (
    "经综合评审、实地考察，并经街道党工委会议研究，拟确定以下申请人为“睦邻合伙人”，现予以公示。"
    "公示期间，如对公示对象有异议，请以书面或电话形式向街道纪检室反映，反映情况应实事求是。"
)
CONTACT = "崇明街道纪检室 0511-87260000（工作日 8:30–17:00）"


def _beyond(target: str, state: str) -> bool:
    return target in MAIN_PATH and MAIN_PATH.index(target) > MAIN_PATH.index(state)


@contextlib.contextmanager
def _as_of(moment):
    """Replay a step of the demo story at the time it happened.

    The domain records the publication time itself (a notice cannot be
    backdated), so the demo's history is written by running the step with
    the clock set to that time — the same records a real street would have.
    """
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _notice(*, street, title, decision, published_at, partners, staff):
    notice = PublicNotice.objects.filter(street=street, title=title).first()
    if notice is not None or not partners:
        return notice
    with _as_of(published_at):
        notice = notice_save_draft(
            street=street,
            title=title,
            body=BODY,
            decision_reference=decision,
            ends_at=None,  # exactly the street's minimum from publication
            objection_contact=CONTACT,
            partners=partners,
            by=staff,
        )
        return notice_publish(notice=notice, by=staff)


# username, display name, recipient: one clerk account per filing recipient (rulebook 五(二)3).
RECIPIENT_CLERKS = [
    ("beian_zzb", "林晓雯", "市委组织部"),
    ("beian_jw", "高建军", "市纪委监委"),
    ("beian_sgb", "宋佳", "市委社会工作部"),
]


def _filing_recipients(street):
    """The street's three filing recipients, each with its clerk's account."""
    User = get_user_model()
    recipients = {r.name: r for r in filing_recipients_default(street)}
    clerks = {}
    for username, display, name in RECIPIENT_CLERKS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": display, "email": f"{username}@mulin.example.cn"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if name in recipients:
            recipients[name].members.add(user)
        clerks[name] = user
    return clerks


def load(ctx):
    street, staff = ctx["street"], ctx["users"]["jiedao"]
    approved = [
        p
        for p in demo_partners().filter(status="approved", community__street=street)
        if _beyond(demo_target(p), "approved")
    ]
    now = timezone.now()

    past_start = timezone.localtime(now - dt.timedelta(days=12)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    past = _notice(
        street=street,
        title=PAST_TITLE,
        decision="崇明街道党工委2026年第2次会议",
        published_at=past_start,
        partners=[p for p in approved if _beyond(demo_target(p), "in_notice")],
        staff=staff,
    )
    if past is not None and not past.objections.exists():
        entry = past.entries.order_by("position").first()
        objection = objection_file(
            notice=past,
            entry=entry,
            grounds="听说该机构在其他小区开展活动时收取费用，请核实。",
            objector_name="钱居民",
            objector_phone="13905119999",
            now=past.starts_at + dt.timedelta(days=1),
        )
        objection_conclude(
            objection=objection,
            upheld=False,
            by=staff,
            conclusion="经街道纪检室调查核实，所收为手工材料成本费，已事先公示并经居民自愿，"
            "不属于违规收费，异议不成立。",
        )
    notices_end_due()
    clerks = _filing_recipients(street)
    if past is not None and past.period_over() and not past.filed_at:
        notice_file(notice=past, by=staff)
        # 组织部 and 纪委监委 have acknowledged; 社会工作部 has not answered yet.
        for receipt in past.filing_receipts.select_related("recipient"):
            if receipt.recipient.name in ("市委组织部", "市纪委监委"):
                filing_receipt_acknowledge(receipt=receipt, by=clerks[receipt.recipient.name])

    _notice(
        street=street,
        title=CURRENT_TITLE,
        decision="崇明街道党工委2026年第3次会议",
        published_at=timezone.localtime(now - dt.timedelta(days=1)).replace(
            minute=0, second=0, microsecond=0
        ),
        partners=[p for p in approved if demo_target(p) == "in_notice"],
        staff=staff,
    )
