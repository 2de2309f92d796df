"""Public notices, objections and filing — rulebook 五(二)3 and 六(二)2.

综合评审结果及拟入驻名单 … 进行公示,公示时间不少于5天,接受居民和社会监督;
公示结果报送市委组织部、市纪委监委和市委社会工作部备案.

Write functions here are the only way notices and objections change; each
records an audit event. Partner statuses move only through
`partner_transition`.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from messaging.domain import message_queue, person_recipients, staff_recipients
from partners.domain import TransitionRefused, partner_transition
from partners.models import Partner, PartnerStatus
from portal.db import recent_duplicate, serialize_on
from portal.domain import audit_log
from portal.exceptions import ActionRefused
from portal.models import Street
from portal.pdf import render_pdf
from portal.posters import Poster, absolute_url, poster_pdf
from portal.uploads import validate_upload

from .models import (
    DEFAULT_FILING_RECIPIENTS,
    FilingReceipt,
    FilingReceiptStatus,
    FilingRecipient,
    NoticeEntry,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PublicNotice,
)
from .rules import can_answer_filing, can_investigate_objection, can_manage_notice, is_filing_recipient_member

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet

FILING_BODIES = DEFAULT_FILING_RECIPIENTS  # the rulebook's three (五(二)3)

# --- Read functions -------------------------------------------------------------


def notice_entries_for(partner: Partner) -> QuerySet[NoticeEntry]:
    """The partner's entries on published notices (the notices residents saw)."""
    return NoticeEntry.objects.filter(partner=partner).exclude(notice__status=NoticeStatus.DRAFT)


def partner_notice_period_over(partner: Partner, now: dt.datetime | None = None) -> bool:
    """A published notice listing the partner has run its minimum and has ended."""
    now = now or timezone.now()
    for entry in notice_entries_for(partner).select_related("notice__street"):
        if entry.notice.period_over(now):
            return True
    return False


def public_notices() -> QuerySet[PublicNotice]:
    """Notices residents can see: published or ended, newest first."""
    return PublicNotice.objects.exclude(status=NoticeStatus.DRAFT).select_related("street")


NOTICES_SCOPE = "notices"  # the public cache scope of the notice board and lists (portal.cache)


def notice_page_scope(notice_id: int) -> str:
    """The public cache scope of one notice's page."""
    return f"notice:{notice_id}"


def public_notices_filtered(
    *,
    search: str = "",
    status: str = "",
    street_id: int | None = None,
    community_id: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[PublicNotice]:
    """Public notices matching the residents' filters (rulebook 五(二)3: the list is published openly).

    `status` is "current" (the notice period has not ended) or "ended"; a
    community matches the notices listing one of its applicants.
    """
    now = now or timezone.now()
    notices = public_notices()
    if search:
        notices = notices.filter(title__icontains=search)
    if status == "current":
        notices = notices.filter(status=NoticeStatus.PUBLISHED, ends_at__gt=now)
    elif status == "ended":
        notices = notices.filter(Q(ends_at__lte=now) | ~Q(status=NoticeStatus.PUBLISHED))
    if community_id:
        notices = notices.filter(
            Exists(NoticeEntry.objects.filter(notice=OuterRef("pk"), partner__community_id=community_id))
        )
    elif street_id:
        notices = notices.filter(street_id=street_id)
    return notices


def notices_due_to_end(now: dt.datetime | None = None) -> QuerySet[PublicNotice]:
    """Published notices whose end time has passed (compared as instants; shown in Asia/Shanghai)."""
    now = now or timezone.now()
    return PublicNotice.objects.filter(status=NoticeStatus.PUBLISHED, ends_at__lte=now)


def partners_due_to_leave_notice(now: dt.datetime | None = None) -> QuerySet[Partner]:
    """Partners still in notice whose notice's period is over (for the beat task)."""
    now = now or timezone.now()
    ended = NoticeEntry.objects.filter(partner=OuterRef("pk"), notice__ends_at__lte=now).exclude(
        notice__status=NoticeStatus.DRAFT
    )
    return Partner.objects.filter(status=PartnerStatus.IN_NOTICE).filter(Exists(ended))


# --- Write functions: notices -----------------------------------------------------


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _snapshot(entry: NoticeEntry, partner: Partner) -> None:
    application = partner.application
    entry.applicant_name = application.applicant_name
    entry.kind = application.kind
    entry.project_title = application.project_title
    entry.community_name = partner.community.name
    entry.space_names = "、".join(s.name for s in application.spaces.all())[:300]
    entry.composite_score = partner.composite_score


def notice_save_draft(
    *,
    notice: PublicNotice | None = None,
    street: Street,
    title: str,
    body: str,
    decision_reference: str,
    ends_at: dt.datetime | None,
    objection_contact: str,
    partners: Iterable[Partner],
    by: User,
) -> PublicNotice:
    """Create or change a draft notice and its list (rulebook 五(二)3).

    The period starts when the notice is published (`notice_publish` records
    the time; nobody types a start), and must last at least the street's
    minimum (公示时间不少于5天). A chosen end must therefore be at least the
    minimum after now; no end means exactly the minimum after publication.
    The list may hold only partners the committee approved in this street.
    """
    notice = notice or PublicNotice(street=street)
    if notice.pk is None:
        notice.created_by = by if getattr(by, "is_authenticated", False) else None
    _require(
        can_manage_notice.test(by, notice) and can_manage_notice.test(by, PublicNotice(street=street)),
        _("只有本街道工作人员可以编辑公示。"),
    )
    if notice.pk and notice.status != NoticeStatus.DRAFT:
        raise ValidationError(_("公示已发布，不能再修改。"))
    partners = list(partners)
    problems = [
        _("“%(name)s”当前状态为“%(status)s”，只有党工委已通过的申请人可以列入公示。")
        % {"name": p.name, "status": p.get_status_display()}
        for p in partners
        if p.status != PartnerStatus.APPROVED
    ]
    problems += [
        _("“%(name)s”不属于本街道。") % {"name": p.name}
        for p in partners
        if p.community.street_id != street.pk
    ]
    if problems:
        raise ValidationError({"partners": problems})
    with transaction.atomic():
        notice.street = street
        notice.title, notice.body = title, body
        notice.decision_reference = decision_reference
        notice.ends_at = ends_at
        notice.objection_contact = objection_contact
        notice.full_clean(exclude=["created_by", "filed_by"])
        created = notice.pk is None
        notice.save()
        keep = {p.pk for p in partners}
        notice.entries.exclude(partner_id__in=keep).delete()
        existing = {e.partner_id: e for e in notice.entries.all()}
        for position, partner in enumerate(
            sorted(partners, key=lambda p: (-(p.composite_score or 0), p.pk)), start=1
        ):
            entry = existing.get(partner.pk) or NoticeEntry(notice=notice, partner=partner)
            _snapshot(entry, partner)
            entry.position = position
            entry.full_clean(exclude=["notice", "partner"])
            entry.save()
        audit_log(
            subject=notice,
            action="notices.notice.created" if created else "notices.notice.changed",
            actor=by,
            to_state=notice.status,
            community=None,
            data={"partners": sorted(keep)},
        )
    return notice


def notice_publish(*, notice: PublicNotice, by: User) -> PublicNotice:
    """Publish the notice: each listed partner moves approved → in_notice (rulebook 五(二)3).

    The period starts now, the publication time the system records
    (`published_at` = `starts_at`), and must last at least the street's
    minimum (公示时间不少于5天) from that moment: a draft whose end is now
    too close is refused with the earliest allowed end; a draft with no end
    runs exactly the minimum.
    """
    _require(can_manage_notice.test(by, notice), _("只有本街道工作人员可以发布公示。"))
    with transaction.atomic():
        notice = PublicNotice.objects.select_for_update().select_related("street").get(pk=notice.pk)
        if notice.status != NoticeStatus.DRAFT:
            raise ValidationError(_("该公示已经发布。"))
        entries = list(notice.entries.select_related("partner__application", "partner__community"))
        if not entries:
            raise ValidationError(_("公示名单为空，请先选择拟入驻的申请人。"))
        now = timezone.now()
        notice.starts_at = notice.published_at = now
        if notice.ends_at is None:
            notice.ends_at = notice.earliest_end(now)
        notice.full_clean(exclude=["created_by", "filed_by"])
        notice.status = NoticeStatus.PUBLISHED
        notice.save(update_fields=["status", "published_at", "starts_at", "ends_at", "updated_at"])
        problems = []
        for entry in entries:
            try:
                partner_transition(
                    partner=entry.partner,
                    transition="open_notice",
                    by=by,
                    note=_("公示：%(title)s") % {"title": notice.title},
                    data={"notice": notice.pk},
                    procedure="notices.notice_publish",
                )
            except TransitionRefused as refused:
                problems += [f"{entry.applicant_name}：{m}" for m in refused.messages]
        if problems:
            raise ValidationError(problems)  # rolls back the whole publication
        for entry in entries:  # each applicant on the list is told the notice is up (五(二)3)
            application = entry.partner.application
            message_queue(
                code="notices.published_applicant",
                to=person_recipients(
                    email=application.email, mobile=application.mobile, name=application.contact_name
                ),
                params={
                    "title": notice.title,
                    "end": timezone.localtime(notice.ends_at).strftime("%Y-%m-%d"),
                },
                cause=entry,
                partner_id=entry.partner_id,
                street_id=notice.street_id,
                community_id=entry.partner.community_id,
            )
        audit_log(
            subject=notice,
            action="notices.notice.published",
            actor=by,
            from_state=NoticeStatus.DRAFT,
            to_state=NoticeStatus.PUBLISHED,
            data={
                "starts_at": notice.starts_at.isoformat(),
                "ends_at": notice.ends_at.isoformat(),
                "partners": [e.partner_id for e in entries],
            },
        )
    return notice


def notice_end_entries(
    *, notice: PublicNotice, now: dt.datetime | None = None, by: User | None = None
) -> list[Partner]:
    """Move every listed partner with no open or upheld objection to signing.

    Rulebook 五(三)1: 公示无异议后 … 签订三方协议. Safe to run repeatedly:
    partners already moved are skipped, a still-open objection keeps its
    partner in notice until it is concluded. `by` is the staff member who
    pressed 立即结束公示 (the record names them); None is the beat task.
    """
    now = now or timezone.now()
    moved = []
    if by is not None:
        _require(can_manage_notice.test(by, notice), _("只有本街道工作人员可以结束公示。"))
    if not notice.period_over(now):
        return moved
    with transaction.atomic():
        locked = PublicNotice.objects.select_for_update().select_related("street").get(pk=notice.pk)
        for entry in locked.entries.select_related("partner").filter(partner__status=PartnerStatus.IN_NOTICE):
            try:
                partner_transition(
                    partner=entry.partner,
                    transition="end_notice",
                    by=by,
                    system=by is None,
                    note=_("公示期满无异议：%(title)s") % {"title": locked.title},
                    data={"notice": locked.pk},
                    procedure="notices.notice_end_entries",
                )
            except TransitionRefused:
                continue  # an open objection: its conclusion ends (or rejects) this one
            moved.append(entry.partner)
        if locked.status == NoticeStatus.PUBLISHED:
            locked.status = NoticeStatus.ENDED
            locked.ended_at = now
            locked.save(update_fields=["status", "ended_at", "updated_at"])
            audit_log(
                subject=locked,
                action="notices.notice.ended",
                actor=by,
                from_state=NoticeStatus.PUBLISHED,
                to_state=NoticeStatus.ENDED,
                community=None,
                data={"signing": [p.pk for p in moved]},
            )
    return moved


def notices_end_due(
    *, now: dt.datetime | None = None, by: User | None = None, notices: QuerySet[PublicNotice] | None = None
) -> int:
    """End every notice whose period is over; returns how many partners moved to signing.

    Rulebook 五(二)3 (公示时间不少于5天) then 五(三)1. The beat task runs it for
    all notices; a staff member's 立即结束公示 runs it for `notices` as `by`.
    """
    now = now or timezone.now()
    moved = 0
    due = (
        PublicNotice.objects.filter(
            Q(status=NoticeStatus.PUBLISHED, ends_at__lte=now)
            | Q(
                pk__in=NoticeEntry.objects.filter(partner__in=partners_due_to_leave_notice(now)).values(
                    "notice_id"
                )
            )
        )
        .select_related("street")
        .distinct()
    )
    if notices is not None:
        due = due.filter(pk__in=notices.values("pk"))
    for notice in due:
        moved += len(notice_end_entries(notice=notice, now=now, by=by))
    return moved


def filing_recipients_default(street: Street) -> list[FilingRecipient]:
    """The street's active filing recipients; the rulebook's three are set up on first use.

    Rulebook 五(二)3: 公示结果报送市委组织部、市纪委监委和市委社会工作部备案. A street
    that configured its own recipients (or switched some off) keeps its choice.
    """
    if not FilingRecipient.objects.filter(street=street).exists():
        for position, name in enumerate(DEFAULT_FILING_RECIPIENTS, start=1):
            FilingRecipient.objects.get_or_create(street=street, name=name, defaults={"position": position})
    return list(FilingRecipient.objects.filter(street=street, active=True))


def notice_filing_receipts(notice: PublicNotice) -> list[FilingReceipt]:
    """Each recipient's latest receipt of the notice's filing, in the street's recipient order."""
    latest: dict[int, FilingReceipt] = {}
    for receipt in (
        FilingReceipt.objects.filter(notice=notice)
        .select_related("recipient", "answered_by")
        .order_by("recipient__position", "recipient_id", "sent_at", "id")
    ):
        latest[receipt.recipient_id] = receipt
    return list(latest.values())


def notice_file(*, notice: PublicNotice, by: User) -> bytes:
    """Produce the filing report PDF, send it to the recipients and record the filing (rulebook 五(二)3 备案).

    The report goes to the street's filing recipients (by default 市委组织部、
    市纪委监委、市委社会工作部): the decision, the notice period, every
    objection and its conclusion, and the final list. Each recipient gets a
    receipt row to acknowledge or return. Sending again goes only to the
    recipients that returned it (or were added since); while every recipient
    holds a filing it has not returned, there is nothing to send.
    """
    _require(can_manage_notice.test(by, notice), _("只有本街道工作人员可以办理备案。"))
    if not notice.period_over():
        raise ValidationError(_("公示期尚未届满，不能备案。"))
    if notice.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise ValidationError(_("尚有未办结的异议，办结后才能备案。"))
    holding = set(
        FilingReceipt.objects.filter(notice=notice)
        .exclude(status=FilingReceiptStatus.RETURNED)
        .values_list("recipient_id", flat=True)
    )
    recipients = [r for r in filing_recipients_default(notice.street) if r.pk not in holding]
    if not recipients:
        if holding:
            raise ActionRefused(_("各接收单位均已收到本公示的备案且未退回，无需重新报送。"))
        raise ValidationError(_("本街道没有设置报送的备案接收单位，请先在“备案接收单位”中设置。"))
    now = timezone.now()
    entries = list(notice.entries.select_related("partner"))
    objections = list(notice.objections.select_related("entry").order_by("created_at", "id"))
    upheld = {o.entry_id for o in objections if o.status == ObjectionStatus.UPHELD}
    context = {
        "notice": notice,
        "entries": entries,
        "final_entries": [e for e in entries if e.pk not in upheld],
        "objections": objections,
        "bodies": [r.name for r in recipients],
        "filed_at": now,
        "filed_by": by,
    }
    data = render_pdf("notices/notice_filing.html", context)
    with transaction.atomic():
        notice = PublicNotice.objects.select_for_update().get(pk=notice.pk)
        previous = notice.filed_at
        notice.filing_report.save(f"filing-{notice.pk}.pdf", ContentFile(data), save=False)
        notice.filed_at, notice.filed_by = now, by
        notice.save(update_fields=["filing_report", "filed_at", "filed_by", "updated_at"])
        for recipient in recipients:
            receipt = FilingReceipt.objects.create(
                notice=notice, recipient=recipient, report=notice.filing_report.name, sent_at=now, sent_by=by
            )
            audit_log(
                subject=receipt,
                action="notices.filing.sent",
                actor=by,
                to_state=FilingReceiptStatus.SENT,
                note=recipient.name,
                community=None,
                data={"notice": notice.pk, "recipient": recipient.pk},
            )
        audit_log(
            subject=notice,
            action="notices.notice.filed",
            actor=by,
            community=None,
            note="、".join(r.name for r in recipients),
            data={
                "refiled": previous is not None,
                "objections": len(objections),
                "final_list": [e.partner_id for e in context["final_entries"]],
                "recipients": [r.pk for r in recipients],
            },
        )
    return data


def _answerable_receipt(receipt: FilingReceipt, by: User) -> FilingReceipt:
    """The receipt, locked, if `by` may still answer it for the recipient."""
    receipt = (
        FilingReceipt.objects.select_for_update(of=("self",)).select_related("recipient").get(pk=receipt.pk)
    )
    _require(is_filing_recipient_member.test(by, receipt), _("只有接收单位的经办人可以签收或退回该备案。"))
    if not can_answer_filing.test(by, receipt):
        raise ActionRefused(
            _("该备案已于 %(when)s %(action)s，不能再次办理。")
            % {
                "when": timezone.localtime(receipt.answered_at).strftime("%Y-%m-%d %H:%M"),
                "action": _("签收") if receipt.status == FilingReceiptStatus.ACKNOWLEDGED else _("退回"),
            }
        )
    return receipt


def filing_receipt_acknowledge(*, receipt: FilingReceipt, by: User) -> FilingReceipt:
    """The recipient acknowledges receipt of the filing (rulebook 五(二)3 备案); the system records the date.

    Once only: an acknowledged or returned filing cannot be answered again.
    """
    with transaction.atomic():
        receipt = _answerable_receipt(receipt, by)
        receipt.status = FilingReceiptStatus.ACKNOWLEDGED
        receipt.acknowledged_at = timezone.now()
        receipt.answered_by = by
        receipt.save(update_fields=["status", "acknowledged_at", "answered_by"])
        audit_log(
            subject=receipt,
            action="notices.filing.acknowledged",
            actor=by,
            from_state=FilingReceiptStatus.SENT,
            to_state=FilingReceiptStatus.ACKNOWLEDGED,
            note=receipt.recipient.name,
            community=None,
            data={"notice": receipt.notice_id},
        )
    return receipt


def filing_receipt_return(*, receipt: FilingReceipt, remark: str, by: User) -> FilingReceipt:
    """The recipient returns the filing with a remark saying what to correct (rulebook 五(二)3 备案).

    The remark is required; once returned, the street may correct and send
    the filing to this recipient again (`notice_file`).
    """
    remark = (remark or "").strip()
    if not remark:
        raise ValidationError({"remark": _("请填写退回意见，说明需要街道补正的内容。")})
    with transaction.atomic():
        receipt = _answerable_receipt(receipt, by)
        receipt.status = FilingReceiptStatus.RETURNED
        receipt.returned_at = timezone.now()
        receipt.remark = remark
        receipt.answered_by = by
        receipt.save(update_fields=["status", "returned_at", "remark", "answered_by"])
        audit_log(
            subject=receipt,
            action="notices.filing.returned",
            actor=by,
            from_state=FilingReceiptStatus.SENT,
            to_state=FilingReceiptStatus.RETURNED,
            note=remark,
            community=None,
            data={"notice": receipt.notice_id, "recipient": receipt.recipient_id},
        )
    return receipt


# --- Write functions: objections ---------------------------------------------------

REFERENCE_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"


def _new_reference() -> str:
    day = timezone.localdate().strftime("%Y%m%d")
    while True:
        reference = f"YY{day}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(6))
        if not Objection.objects.filter(reference=reference).exists():
            return reference


def objection_file(
    *,
    notice: PublicNotice,
    entry: NoticeEntry,
    grounds: str,
    objector_name: str,
    objector_phone: str,
    evidence: UploadedFile | None = None,
    now: dt.datetime | None = None,
) -> Objection:
    """Anyone may object to a listed applicant during the period (rulebook 五(二)3 接受监督).

    The objector's name and phone are kept to follow up and never shown. The same
    objection again within DUPLICATE_SUBMISSION_SECONDS (a double click, a resend) is the
    first one: it is returned, with its reference, and no second row is written.
    """
    now = now or timezone.now()
    if not notice.in_period(now):
        raise ValidationError(_("公示期已结束或尚未开始，不能提出异议。"))
    if entry.notice_id != notice.pk:
        raise ValidationError({"entry": _("请选择本公示名单中的申请人。")})
    if evidence is not None:
        validate_upload(evidence)
    grounds, objector_name = (grounds or "").strip(), (objector_name or "").strip()
    objector_phone = (objector_phone or "").strip()
    with transaction.atomic():
        serialize_on(f"notices.objection:{entry.pk}")
        earlier = recent_duplicate(
            Objection.objects.filter(
                entry=entry,
                grounds=grounds,
                objector_name=objector_name,
                objector_phone=objector_phone,
                evidence_name=evidence.name[:255] if evidence is not None else "",
            ),
            now=now,
        )
        if earlier is not None:
            return earlier
        objection = Objection(
            notice=notice,
            entry=entry,
            reference=_new_reference(),
            grounds=grounds,
            objector_name=objector_name,
            objector_phone=objector_phone,
        )
        if evidence is not None:
            objection.evidence.save(evidence.name, evidence, save=False)
            objection.evidence_name = evidence.name[:255]
        objection.full_clean()
        objection.save()
        audit_log(
            subject=objection,
            action="notices.objection.filed",
            to_state=ObjectionStatus.OPEN,
            community=entry.partner.community,
            data={"notice": notice.pk, "entry": entry.pk},
        )
        _notify_street_of_objection(objection)
    return objection


def _notify_street_of_objection(objection: Objection) -> None:
    """Tell the street's staff a new objection awaits investigation (no objector data in mail)."""
    staff = (
        get_user_model()
        .objects.filter(
            is_active=True, profile__role="street_staff", profile__street_id=objection.notice.street_id
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    partner = objection.entry.partner
    message_queue(
        code="notices.objection_staff",
        to=staff_recipients(street_id=objection.notice.street_id, emails=staff),
        context={
            "objection": objection,
            "entry": objection.entry,
            "notice": objection.notice,
            "url": settings.PORTAL_BASE_URL + reverse("admin:notices_objection_change", args=[objection.pk]),
        },
        cause=objection,
        partner_id=partner.pk,
        street_id=objection.notice.street_id,
        community_id=partner.community_id,
    )
    # The objector's receipt (by SMS: the form asks for a phone, not an e-mail).
    message_queue(
        code="notices.objection_received",
        to=person_recipients(mobile=objection.objector_phone, name=objection.objector_name),
        params={"reference": objection.reference},
        cause=objection,
        street_id=objection.notice.street_id,
    )


def objection_investigate(
    *, objection: Objection, by: User, assigned_to: User | None = None, note: str = ""
) -> Objection:
    """Assign the objection and record investigation notes (staff only, street decides)."""
    _require(can_investigate_objection.test(by, objection.entry.partner), _("您没有权限调查该异议。"))
    with transaction.atomic():
        # Compare with the stored row: a form may already have set the new values on `objection`.
        objection = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("entry__partner__community")
            .get(pk=objection.pk)
        )
        if not objection.is_open:
            raise ValidationError(_("该异议已办结。"))
        changed = []
        if assigned_to != objection.assigned_to:
            objection.assigned_to = assigned_to
            changed.append("assigned_to")
        note = (note or "").strip()
        if note and note != objection.investigation_note:
            objection.investigation_note = note
            changed.append("investigation_note")
        if not changed:
            return objection
        objection.full_clean()
        objection.save(update_fields=changed)
        audit_log(
            subject=objection,
            action="notices.objection.investigated",
            actor=by,
            note=note,
            community=objection.entry.partner.community,
            data={"assigned_to": objection.assigned_to_id},
        )
    return objection


def objection_conclusion_check(*, conclusion: str) -> str:
    """The conclusion the objector will read is given (rulebook 五(二)3: 调查核实并反馈).

    Returns it stripped. Asked once before objections are concluded in bulk, so a missing
    conclusion is reported once for the whole selection rather than once per objection.
    """
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ValidationError({"conclusion": _("请填写调查结论（异议人可凭受理编号查看）。")})
    return conclusion


def objection_conclude(*, objection: Objection, upheld: bool, conclusion: str, by: User) -> Objection:
    """Conclude an objection. Upheld: the applicant is rejected (in_notice → rejected).

    Dismissed after the period: the applicant goes on to signing if nothing
    else is open.
    """
    _require(can_investigate_objection.test(by, objection.entry.partner), _("您没有权限办结该异议。"))
    conclusion = objection_conclusion_check(conclusion=conclusion)
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update()
            .select_related("entry__partner__community", "notice__street")
            .get(pk=objection.pk)
        )
        if not objection.is_open:
            raise ValidationError(_("该异议已办结。"))
        new_status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        objection.status = new_status
        objection.conclusion = conclusion
        objection.concluded_at = timezone.now()
        objection.concluded_by = by
        objection.save(update_fields=["status", "conclusion", "concluded_at", "concluded_by"])
        audit_log(
            subject=objection,
            action=f"notices.objection.{new_status}",
            actor=by,
            from_state=ObjectionStatus.OPEN,
            to_state=new_status,
            note=conclusion,
            community=objection.entry.partner.community,
        )
        # The objector is told the outcome (rulebook 五(二)3: 接受居民和社会监督).
        message_queue(
            code="notices.objection_outcome",
            to=person_recipients(mobile=objection.objector_phone, name=objection.objector_name),
            params={"reference": objection.reference, "outcome": objection.get_status_display()},
            cause=objection,
            street_id=objection.notice.street_id,
        )
        partner = objection.entry.partner
        if upheld and partner.status == PartnerStatus.IN_NOTICE:
            partner_transition(
                partner=partner,
                transition="reject_after_objection",
                by=by,
                note=_("异议成立（%(ref)s）：%(text)s") % {"ref": objection.reference, "text": conclusion},
                data={"objection": objection.pk},
                procedure="notices.objection_conclude",
            )
        elif not upheld and objection.notice.period_over():
            notice_end_entries(notice=objection.notice)
    return objection


def objection_lookup(*, reference: str, phone_last4: str) -> Objection | None:
    """The objection with this reference, if the phone's last four digits match."""
    reference = (reference or "").strip().upper()
    phone_last4 = (phone_last4 or "").strip()
    if not reference or len(phone_last4) != 4:
        return None
    objection = Objection.objects.filter(reference=reference).select_related("entry", "notice").first()
    if objection is None or not objection.objector_phone.endswith(phone_last4):
        return None
    return objection


OBJECTION_STATUS_PUBLIC = {
    ObjectionStatus.OPEN: gettext_lazy("已受理，正在调查核实。"),
    ObjectionStatus.DISMISSED: gettext_lazy("经调查核实，异议不成立。"),
    ObjectionStatus.UPHELD: gettext_lazy("经调查核实，异议成立，该申请人不予入驻。"),
}


# --- The dossier (项目档案) section ------------------------------------------------


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def notice_poster_pdf(notice: PublicNotice) -> bytes:
    """The A4 poster of a notice for the notice board, with a QR code to its online page.

    Rulebook 五(二)3: the list is published through the call's channels (online and offline,
    五(一)1) for at least 5 days; the poster is the offline copy and leads to the page where objections are
    filed. A draft has no online page yet, so it has no poster.
    """
    if notice.status == NoticeStatus.DRAFT:
        raise ActionRefused(_("公示尚未发布，发布后才能打印公示海报。"))
    entries = notice.entries.order_by("position", "pk")
    return poster_pdf(
        Poster(
            kicker=_("%(programme)s · 公示")
            % {"programme": notice.street.programme_name or notice.street.name},
            title=notice.title,
            url=absolute_url(reverse("notices:notice_detail", args=[notice.pk])),
            call_to_action=_("扫码查看公示全文；如有异议，可在公示期内在线提出。"),
            rows=[
                (
                    _("公示期"),
                    _("%(start)s 至 %(end)s")
                    % {"start": _when(notice.starts_at), "end": _when(notice.ends_at)},
                ),
                (_("决定依据"), notice.decision_reference),
                (_("异议受理"), notice.objection_contact),
            ],
            lines=[
                f"{n}. {e.applicant_name}：{e.project_title}（{e.community_name}）"
                for n, e in enumerate(entries, start=1)
            ],
            footer=notice.street.name,
        )
    )
