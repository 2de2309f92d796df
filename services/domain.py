"""Write functions for service logs, supervision, evaluation and exit — rulebook 六.

Every decision is audited; e-mail goes out after commit; partner status
changes go through partners.domain.partner_transition.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from agreements.domain import agreement_draft_next_term, trial_evaluation_window
from agreements.models import Agreement, AgreementStatus
from messaging.domain import (
    message_queue,
    message_rows,
    opted_out_among,
    outbox_write,
    person_recipients,
    staff_groups_by_street,
    staff_recipients,
)
from messaging.models import StaffGroup
from notices.models import Objection, ObjectionStatus
from partners.domain import TransitionRefused, partner_transition, transition_blockers
from partners.models import SERVING, Partner, PartnerStatus
from portal.choices import ExitReason
from portal.dates import local_today
from portal.db import recent_duplicate, serialize_on
from portal.domain import audit_log, require, user_assign_role
from portal.models import AuditEvent, Community, Profile, Role
from portal.rules import scope_queryset
from portal.uploads import DOCUMENT_KINDS, IMAGE_KINDS, VIDEO_KINDS, validate_upload, validate_upload_set
from spaces.domain import describe_slot, timeslots_active_on, timeslots_release

from . import rules as perms
from .facts import evaluation_failed
from .models import (
    OPEN_LOG_STATUSES,
    Conclusion,
    DisciplineSignoff,
    Evaluation,
    EvaluationAppointment,
    EvaluationKind,
    Feedback,
    FeedbackStatus,
    LogFileKind,
    LogoLicence,
    LogStatus,
    Observation,
    ObservationPhoto,
    Observer,
    PartnerAccount,
    PartnerExit,
    Recognition,
    RenewalDecision,
    RenewalOutcome,
    ScoringCriterion,
    ServiceLog,
    ServiceLogFile,
)
from .progress import (
    agreement_progress,
    current_agreement,
    current_agreements,
    pace_warning_share,
    progress_ranking,
)
from .signals import servicelog_status_changed

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from partners.models import Partner
    from portal.models import Community, Street

THUMBNAIL_SIZE = (480, 480)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def video_max_bytes() -> int:
    return int(getattr(settings, "SERVICES_VIDEO_MAX_BYTES", 30 * 1024 * 1024))


# --- Partner accounts and the logo licence -------------------------------------


def _partner_username(partner: Partner) -> str:
    return f"partner{partner.pk}"


@transaction.atomic
def partner_account_create(*, partner: Partner, by: User | None = None) -> PartnerAccount:
    """Give a newly signed partner a login and invite it by e-mail (rulebook 六(一)).

    The user has no password; the invitation carries a one-time set-password
    link (Django's password-reset token). Safe to call twice.
    """
    existing = PartnerAccount.objects.filter(partner=partner).select_related("user").first()
    if existing:
        return existing
    User = get_user_model()
    application = partner.application
    user = User(
        username=_partner_username(partner),
        email=application.email,
        first_name=application.contact_name[:150],
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user_assign_role(user=user, role=Role.PARTNER, community=partner.community, by=by)
    account = PartnerAccount.objects.create(partner=partner, user=user, invited_at=timezone.now())
    audit_log(
        subject=account, action="services.partner_account.created", actor=by, community=partner.community
    )
    partner_account_invite(account=account)
    return account


def _partner_mobile(partner: Partner) -> str:
    """The mobile number the partner applied with (every application has one), or ""."""
    application = getattr(partner, "application", None)
    return application.mobile if application is not None else ""


def partner_account_invite(*, account: PartnerAccount) -> None:
    """(Re)send the invitation with a set-password link."""
    user = account.user
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    partner = account.partner
    message_queue(
        code="services.partner_invitation",
        to=person_recipients(email=user.email, mobile=getattr(getattr(user, "profile", None), "phone", "")),
        context={
            "partner": partner,
            "user": user,
            "link": link,
            "login_url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("services:log_list"),
        },
        cause=account,
        occasion=timezone.now().isoformat(),  # a re-sent invitation is a new message
        partner_id=partner.pk,
        community_id=partner.community_id,
    )


@transaction.atomic
def logo_licence_grant(*, partner: Partner, granted_on: dt.date, by: User | None = None) -> LogoLicence:
    """The signed partner may use the programme's logo (标识使用权). Idempotent."""
    live = LogoLicence.objects.filter(partner=partner, revoked_on__isnull=True).first()
    if live:
        return live
    licence = LogoLicence.objects.create(partner=partner, granted_on=granted_on)
    audit_log(subject=licence, action="services.logo_licence.granted", actor=by, community=partner.community)
    return licence


def partner_signed(*, partner: Partner, by: User | None = None) -> None:
    """What signing the first agreement gives a partner: an account and the logo licence."""
    partner_account_create(partner=partner, by=by)
    logo_licence_grant(partner=partner, granted_on=local_today(), by=by)


# --- Service logs -----------------------------------------------------------


def _hours(start: dt.time, end: dt.time) -> Decimal:
    minutes = (dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)).seconds // 60
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def servicelog_check(log: ServiceLog, *, today: dt.date | None = None) -> list[str]:
    """Refuse what cannot be true; return warnings for what is merely unusual.

    Rulebook 六(一)1: records must be truthful. A date in the future, outside
    the signed agreement's term, or overlapping the partner's own log in the
    same space is refused. A time outside the partner's slots is only a
    warning (events move).
    """
    today = today or local_today()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if log.date and log.date > today:
        add("date", _("服务日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()})
    if log.start_time and log.end_time and log.start_time >= log.end_time:
        add("end_time", _("结束时间必须晚于开始时间。"))
    if (
        log.residents_served is not None
        and log.special_group_residents is not None
        and log.special_group_residents > log.residents_served
    ):
        add("special_group_residents", _("特定群体人次不能多于服务居民总人次。"))
    if log.special_group_residents and not log.special_groups:
        add("special_groups", _("请选择服务的特定群体。"))
    if log.space_id and log.space.community_id != log.partner.community_id:
        add("space", _("只能填报本社区的空间。"))

    if log.date and "date" not in errors:
        agreement = (
            Agreement.objects.filter(
                partner_id=log.partner_id,
                status=AgreementStatus.SIGNED,
                start_date__lte=log.date,
                end_date__gte=log.date,
            )
            .order_by("-start_date")
            .first()
        )
        if agreement is None:
            terms = [
                f"{a.start_date}–{a.end_date}"
                for a in Agreement.objects.filter(
                    partner_id=log.partner_id, status=AgreementStatus.SIGNED
                ).order_by("start_date")
            ]
            if terms:
                add(
                    "date",
                    _("服务日期 %(date)s 不在协议期内（协议期：%(terms)s）。")
                    % {"date": log.date.isoformat(), "terms": "；".join(terms)},
                )
            else:
                add("date", _("尚无已签署的协议，不能填报服务记录。"))
        else:
            log.agreement = agreement

    if log.date and log.space_id and log.start_time and log.end_time and not errors.get("end_time"):
        overlapping = ServiceLog.objects.filter(
            partner_id=log.partner_id,
            space_id=log.space_id,
            date=log.date,
            start_time__lt=log.end_time,
            end_time__gt=log.start_time,
        ).exclude(status__in=[LogStatus.REJECTED, LogStatus.CLOSED])
        if log.pk:
            overlapping = overlapping.exclude(pk=log.pk)
        other = overlapping.first()
        if other:
            add(
                "start_time",
                _("与本合伙人在同一空间的另一条记录时间重叠：%(date)s %(start)s–%(end)s“%(title)s”。")
                % {
                    "date": other.date,
                    "start": f"{other.start_time:%H:%M}",
                    "end": f"{other.end_time:%H:%M}",
                    "title": other.title,
                },
            )
    if errors:
        raise ValidationError(errors)

    warnings = []
    slots = list(timeslots_active_on(log.date, space=log.space, partner=log.partner))
    if not any(s.start_time <= log.start_time and log.end_time <= s.end_time for s in slots):
        if slots:
            warnings.append(
                _("该时间不在合伙人当天的使用时段内（%(slots)s），请确认活动是否调整。")
                % {"slots": "；".join(describe_slot(s) for s in slots)}
            )
        else:
            warnings.append(_("合伙人当天在该空间没有使用时段，请确认活动是否调整。"))
    return warnings


def _thumbnail(uploaded: UploadedFile) -> ContentFile | None:
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=80)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        uploaded.seek(0)
    return ContentFile(out.getvalue(), name="thumb.jpg")


FILE_RULES = {
    LogFileKind.PHOTO: IMAGE_KINDS,
    LogFileKind.VIDEO: VIDEO_KINDS,
    LogFileKind.ATTENDANCE: DOCUMENT_KINDS,
}


def servicelog_files_validate(files: dict[str, list]) -> None:
    """Photos JPEG/PNG, short videos MP4 (size-limited), attendance sheet as a document."""
    errors: dict[str, list] = {}
    everything = []
    for kind, uploads in files.items():
        for upload in uploads:
            try:
                validate_upload(
                    upload,
                    kinds=FILE_RULES[kind],
                    max_bytes=video_max_bytes() if kind == LogFileKind.VIDEO else None,
                )
            except ValidationError as exc:
                errors.setdefault(kind, []).extend(exc.messages)
            everything.append(upload)
    if files.get(LogFileKind.ATTENDANCE) and len(files[LogFileKind.ATTENDANCE]) > 1:
        errors.setdefault(LogFileKind.ATTENDANCE, []).append(_("签到表只能上传一份。"))
    try:
        validate_upload_set(
            [f for f in everything], max_total=max(settings.UPLOAD_MAX_TOTAL_BYTES, video_max_bytes() * 2)
        )
    except ValidationError as exc:
        errors.setdefault("__all__", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)


def _attach_files(log: ServiceLog, files: dict[str, list]) -> None:
    for kind, uploads in files.items():
        for upload in uploads:
            record = ServiceLogFile(log=log, kind=kind, original_name=os.path.basename(upload.name)[:200])
            record.file.save(upload.name, upload, save=False)
            if kind == LogFileKind.PHOTO:
                thumb = _thumbnail(upload)
                if thumb is not None:
                    record.thumbnail.save("thumb.jpg", thumb, save=False)
            record.save()


LOG_FIELDS = [
    "space",
    "date",
    "start_time",
    "end_time",
    "category",
    "title",
    "description",
    "residents_served",
    "special_group_residents",
    "special_groups",
    "cost_basis",
    "volunteers",
]


def servicelog_create(
    *,
    partner: Partner,
    data: dict,
    files: dict[str, list] | None = None,
    by: User,
    today: dt.date | None = None,
) -> ServiceLog:
    """Record one service (公益服务记录表). Partners for themselves; staff on their behalf."""
    on_behalf = perms.can_review_log.test(by, partner)
    _require(
        on_behalf or (perms.is_partner_member.test(by, partner) and perms.account_writable.test(by)),
        _("您不能为该合伙人填报服务记录。"),
    )
    if partner.status not in SERVING:
        raise ValidationError(
            _("合伙人当前状态为“%(status)s”，不能填报服务记录。") % {"status": partner.get_status_display()}
        )
    files = {k: list(v) for k, v in (files or {}).items() if v}
    log = ServiceLog(partner=partner, recorded_by=by, **{k: data[k] for k in LOG_FIELDS if k in data})
    with transaction.atomic():
        log.warnings = [str(w) for w in servicelog_check(log, today=today)]
        log.hours = _hours(log.start_time, log.end_time)
        servicelog_files_validate(files)
        log.full_clean()
        log.save()
        _attach_files(log, files)
        audit_log(
            subject=log,
            action="services.servicelog.created",
            actor=by,
            to_state=log.status,
            community=partner.community,
            data={"on_behalf": bool(on_behalf), "warnings": log.warnings},
        )
    return log


def servicelog_update(
    *,
    log: ServiceLog,
    data: dict,
    files: dict[str, list] | None = None,
    by: User,
    today: dt.date | None = None,
) -> ServiceLog:
    """The partner corrects an open log (a queried one goes back for checking)."""
    files = {k: list(v) for k, v in (files or {}).items() if v}
    with transaction.atomic():
        # Check against the locked row: it may have been verified meanwhile.
        log = ServiceLog.objects.select_for_update().select_related("partner__community").get(pk=log.pk)
        _require(
            perms.can_write_own_log.test(by, log) or (perms.can_review_log.test(by, log) and log.is_open),
            _("该记录已核实或您没有修改权限。"),
        )
        before = log.status
        for key in LOG_FIELDS:
            if key in data:
                setattr(log, key, data[key])
        log.warnings = [str(w) for w in servicelog_check(log, today=today)]
        log.hours = _hours(log.start_time, log.end_time)
        servicelog_files_validate(files)
        if log.status == LogStatus.QUERIED:
            log.status = LogStatus.SUBMITTED
        log.full_clean()
        log.save()
        _attach_files(log, files)
        audit_log(
            subject=log,
            action="services.servicelog.updated",
            actor=by,
            from_state=before,
            to_state=log.status,
            community=log.partner.community,
        )
    return log


REVIEW_DECISIONS = [LogStatus.VERIFIED, LogStatus.QUERIED, LogStatus.REJECTED]


def servicelog_review_check(*, decision: str, note: str = "") -> str:
    """The decision is one of the three, and a return or rejection gives its reason (六(一)3).

    Returns the note stripped. Asked once before a bulk review, so a missing reason
    is reported once for the whole selection rather than once per log.
    """
    note = (note or "").strip()
    if decision not in REVIEW_DECISIONS:
        raise ValidationError(_("请选择核实结论。"))
    if decision != LogStatus.VERIFIED and not note:
        raise ValidationError(_("退回补充或不予认定时请填写意见。"))
    return note


def servicelog_review(*, log: ServiceLog, decision: str, note: str = "", by: User) -> ServiceLog:
    """Staff verify, query (with a note) or reject a log; only verified logs count (六(一)3)."""
    _require(perms.can_review_log.test(by, log), _("您没有权限核实该记录。"))
    note = servicelog_review_check(decision=decision, note=note)
    with transaction.atomic():
        log = ServiceLog.objects.select_for_update().select_related("partner__community").get(pk=log.pk)
        if log.status not in OPEN_LOG_STATUSES:
            raise ValidationError(
                _("该记录已处理（%(status)s），不能再次核实。") % {"status": log.get_status_display()}
            )
        before = log.status
        log.status, log.review_note = decision, note
        log.reviewed_by, log.reviewed_at = by, timezone.now()
        log.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
        audit_log(
            subject=log,
            action=f"services.servicelog.{decision}",
            actor=by,
            from_state=before,
            to_state=decision,
            note=note,
            community=log.partner.community,
        )
        servicelog_status_changed.send(
            sender=ServiceLog, log=log, from_state=before, to_state=decision, by=by
        )
        if decision != LogStatus.VERIFIED:
            _tell_log_returned(log)
    return log


def _tell_log_returned(log: ServiceLog) -> None:
    account = PartnerAccount.objects.filter(partner_id=log.partner_id).select_related("user").first()
    if account is None:
        return
    message_queue(
        code="services.log_returned",
        to=person_recipients(email=account.user.email, mobile=_partner_mobile(log.partner)),
        context={"log": log, "partner": log.partner},
        params={"date": log.date.isoformat()},
        cause=log,
        occasion=log.reviewed_at.isoformat(),  # returned again after a fix: a new message
        partner_id=log.partner_id,
        community_id=log.partner.community_id,
    )


def servicelog_verification_withdraw(*, log: ServiceLog, note: str, by: User) -> ServiceLog:
    """Staff take back a verification made in error: the log goes back to the partner for correction.

    Only verified logs count (六(一)2、六(二)1); a verification found wrong is withdrawn with a
    note, not edited away, so the partner's figures and anything built on them (e.g. time-bank
    points) follow. Apps above services react through `servicelog_status_changed`.
    """
    _require(perms.can_review_log.test(by, log), _("您没有权限核实该记录。"))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("撤销核实时请填写意见。"))
    with transaction.atomic():
        log = ServiceLog.objects.select_for_update().select_related("partner__community").get(pk=log.pk)
        if log.status != LogStatus.VERIFIED:
            raise ValidationError(
                _("该记录当前为“%(status)s”，只有已核实的记录可以撤销核实。")
                % {"status": log.get_status_display()}
            )
        log.status, log.review_note = LogStatus.QUERIED, note
        log.reviewed_by, log.reviewed_at = by, timezone.now()
        log.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
        audit_log(
            subject=log,
            action="services.servicelog.verification_withdrawn",
            actor=by,
            from_state=LogStatus.VERIFIED,
            to_state=LogStatus.QUERIED,
            note=note,
            community=log.partner.community,
        )
        servicelog_status_changed.send(
            sender=ServiceLog, log=log, from_state=LogStatus.VERIFIED, to_state=LogStatus.QUERIED, by=by
        )
        _tell_log_returned(log)
    return log


def servicelogs_close_open(*, partner: Partner, by: User, note: str = "") -> int:
    """Close the partner's unverified logs (at exit): they will never count."""
    count = 0
    for log in ServiceLog.objects.select_for_update().filter(partner=partner, status__in=OPEN_LOG_STATUSES):
        before = log.status
        log.status, log.review_note = LogStatus.CLOSED, note
        log.save(update_fields=["status", "review_note", "updated_at"])
        audit_log(
            subject=log,
            action="services.servicelog.closed",
            actor=by,
            from_state=before,
            to_state=LogStatus.CLOSED,
            note=note,
            community=partner.community,
        )
        count += 1
    return count


# --- Observers, observations and the suggestion box --------------------------


@transaction.atomic
def observer_appoint(
    *, user: User, community: Community, kind: str, appointed_on: dt.date, by: User
) -> Observer:
    """The community appoints a resident or party-member rep as observer (社区观察员)."""
    _require(
        scope_queryset(by, Community.objects.filter(pk=community.pk), "").exists(),
        _("您不能为该社区聘任观察员。"),
    )
    user_assign_role(user=user, role=Role.OBSERVER, community=community, by=by)
    observer, _created = Observer.objects.update_or_create(
        user=user,
        defaults={"community": community, "kind": kind, "appointed_on": appointed_on, "active": True},
    )
    audit_log(subject=observer, action="services.observer.appointed", actor=by, community=community)
    return observer


def observation_record(
    *,
    partner: Partner,
    date: dt.date,
    seen: str,
    punctuality: int,
    quality: int,
    safety: int,
    attitude: int,
    photos: Iterable[UploadedFile] = (),
    by: User,
) -> Observation:
    """An observer reports what they saw of a partner's service (六(一)3)."""
    _require(perms.can_record_observation.test(by, partner), _("只有本社区的观察员可以记录观察情况。"))
    if date > local_today():
        raise ValidationError({"date": _("观察日期不能晚于今天。")})
    photos = list(photos)
    errors = []
    for photo in photos:
        try:
            validate_upload(photo, kinds=IMAGE_KINDS)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"photos": errors})
    with transaction.atomic():
        observation = Observation(
            observer=by.observer,
            partner=partner,
            date=date,
            seen=seen,
            punctuality=punctuality,
            quality=quality,
            safety=safety,
            attitude=attitude,
        )
        observation.full_clean()
        observation.save()
        for upload in photos:
            photo = ObservationPhoto(
                observation=observation, original_name=os.path.basename(upload.name)[:200]
            )
            photo.file.save(upload.name, upload, save=False)
            thumb = _thumbnail(upload)
            if thumb is not None:
                photo.thumbnail.save("thumb.jpg", thumb, save=False)
            photo.save()
        audit_log(
            subject=observation, action="services.observation.recorded", actor=by, community=partner.community
        )
    return observation


def feedback_submit(*, partner: Partner, rating: int, comment: str, contact: str = "") -> Feedback:
    """A resident drops a note in the suggestion box (居民意见箱, 六(二)2); hidden until moderated.

    The same note again within DUPLICATE_SUBMISSION_SECONDS (a double click, a resend)
    is the first one: it is returned and no second row is written.
    """
    if partner.status not in SERVING:
        raise ValidationError(_("该合伙人目前不在服务期，暂不接受评价。"))
    feedback = Feedback(
        partner=partner, rating=rating, comment=(comment or "").strip(), contact=(contact or "").strip()
    )
    feedback.full_clean()
    with transaction.atomic():
        serialize_on(f"services.feedback:{partner.pk}")
        earlier = recent_duplicate(
            Feedback.objects.filter(
                partner=partner, rating=feedback.rating, comment=feedback.comment, contact=feedback.contact
            )
        )
        if earlier is not None:
            return earlier
        feedback.save()
        audit_log(subject=feedback, action="services.feedback.submitted", community=partner.community)
    return feedback


def feedback_moderate(*, feedback: Feedback, approve: bool, note: str = "", by: User) -> Feedback:
    """Staff approve a note for publication or reject it (abuse, personal data, off-topic)."""
    _require(perms.can_moderate_feedback.test(by, feedback), _("您没有权限审核该意见。"))
    with transaction.atomic():
        feedback = (
            Feedback.objects.select_for_update().select_related("partner__community").get(pk=feedback.pk)
        )
        before = feedback.status
        feedback.status = FeedbackStatus.APPROVED if approve else FeedbackStatus.REJECTED
        feedback.moderated_by, feedback.moderated_at = by, timezone.now()
        feedback.moderation_note = (note or "")[:200]
        feedback.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_note"])
        audit_log(
            subject=feedback,
            action="services.feedback.moderated",
            actor=by,
            from_state=before,
            to_state=feedback.status,
            note=note,
            community=feedback.partner.community,
        )
    return feedback


def satisfaction(partner: Partner, *, since: dt.date | None = None) -> tuple[Decimal | None, int]:
    """Average rating and count of approved suggestion-box notes."""
    qs = Feedback.objects.filter(partner=partner, status=FeedbackStatus.APPROVED)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    row = qs.aggregate(avg=Avg("rating"), n=Count("id"))
    avg = row["avg"]
    return (None if avg is None else Decimal(str(avg)).quantize(Decimal("0.01"), ROUND_HALF_UP)), row["n"]


def observer_rating(partner: Partner, *, since: dt.date | None = None) -> tuple[Decimal | None, int]:
    qs = Observation.objects.filter(partner=partner)
    if since:
        qs = qs.filter(date__gte=since)
    observations = list(qs.only("punctuality", "quality", "safety", "attitude"))
    if not observations:
        return None, 0
    mean = sum(Decimal(o.punctuality + o.quality + o.safety + o.attitude) / 4 for o in observations)
    return (mean / len(observations)).quantize(Decimal("0.01"), ROUND_HALF_UP), len(observations)


# --- Evaluations, commendations, warnings -----------------------------------


def scoring_sheet(street: Street) -> list[ScoringCriterion]:
    return list(ScoringCriterion.objects.filter(street=street, active=True))


def evaluation_blockers(*, partner: Partner, kind: str, conclusion: str, scores: dict, by: User) -> list[str]:
    """Why this evaluation cannot be recorded now (empty when it can)."""
    problems = []
    if not perms.can_record_evaluation.test(by, partner):
        problems.append(_("您没有权限评估该合伙人。"))
    if partner.status not in SERVING:
        problems.append(
            _("合伙人当前状态为“%(status)s”，不能评估。") % {"status": partner.get_status_display()}
        )
    if kind == EvaluationKind.TRIAL and partner.status != PartnerStatus.TRIAL:
        problems.append(_("试用期满评估只适用于试用期内的合伙人。"))
    for criterion in scoring_sheet(partner.community.street):
        value = scores.get(str(criterion.pk))
        if value is None:
            problems.append(_("请为“%(name)s”打分。") % {"name": criterion.name})
        elif not (0 <= Decimal(str(value)) <= criterion.max_score):
            problems.append(
                _("“%(name)s”的得分应在 0–%(max)s 之间。")
                % {"name": criterion.name, "max": criterion.max_score}
            )
    return problems


def evaluation_date_problems(
    *,
    partner: Partner,
    kind: str,
    conclusion: str,
    evaluated_on: dt.date | None,
    today: dt.date | None = None,
) -> list[str]:
    """Why an evaluation cannot carry this date (empty when it can).

    No evaluation is dated in the future. 试用期满经评估合格 (四(二)2, 五(三)):
    a passing trial evaluation concludes the trial, so it is dated within the
    window before the trial ends ([first term's end − the street's
    `trial_evaluation_window_months`, end], agreements.domain.
    trial_evaluation_window); one dated after the end is late but still
    concludes the trial. Ad-hoc and failing evaluations may be made at any
    time (a failed one opens the failed_evaluation exit, 六(二)3).
    """
    if evaluated_on is None:
        return [_("请填写评估日期。")]
    today = today or local_today()
    if evaluated_on > today:
        return [_("评估日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}]
    if kind != EvaluationKind.TRIAL or conclusion != Conclusion.PASS:
        return []
    window = trial_evaluation_window(partner)
    if window is None:
        return [_("该合伙人尚无已签署的首次签约协议（试用期），不能作出试用期满评估合格的结论。")]
    earliest, end = window
    if evaluated_on < earliest:
        return [
            _(
                "试用期至 %(end)s 届满，试用期满评估最早于 %(earliest)s 进行"
                "（期满前%(months)s个月内，办法四（二）2）；评估日期 %(date)s 过早。"
            )
            % {
                "end": end.isoformat(),
                "earliest": earliest.isoformat(),
                "months": partner.community.street.trial_evaluation_window_months,
                "date": evaluated_on.isoformat(),
            }
        ]
    return []


def evaluation_schedule(
    *,
    partner: Partner,
    kind: str,
    scheduled_for: dt.datetime,
    place: str = "",
    note: str = "",
    by: User,
    appointment: EvaluationAppointment | None = None,
) -> EvaluationAppointment:
    """Schedule an evaluation (or move `appointment`) and tell the partner when — 五(三)2.

    Rulebook 五(三)2: the community and the street evaluate the partner before
    the agreement ends; the partner prepares service records and materials.
    Only a serving partner is evaluated, a trial evaluation only in the trial,
    and the time lies in the future. The partner's message (SMS and e-mail) is
    written in the same transaction; its key holds the time, so a moved
    appointment is told again and an unchanged one never twice.
    """
    require(perms.can_record_evaluation.test(by, partner), _("您没有权限安排该合伙人的评估。"))
    errors = {}
    if partner.status not in SERVING:
        errors[NON_FIELD_ERRORS] = [
            _("合伙人当前状态为“%(status)s”，不能安排评估。") % {"status": partner.get_status_display()}
        ]
    if kind not in EvaluationKind.values:
        errors["kind"] = [_("请选择评估类型。")]
    elif kind == EvaluationKind.TRIAL and partner.status != PartnerStatus.TRIAL:
        errors["kind"] = [_("试用期满评估只适用于试用期内的合伙人。")]
    if scheduled_for is None:
        errors["scheduled_for"] = [_("请填写评估时间。")]
    elif scheduled_for <= timezone.now():
        errors["scheduled_for"] = [_("评估时间应晚于现在。")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        appointment = appointment or EvaluationAppointment(created_by=by)
        before = appointment.scheduled_for if appointment.pk else None
        appointment.partner, appointment.kind = partner, kind
        appointment.scheduled_for, appointment.place, appointment.note = (
            scheduled_for,
            place.strip(),
            note.strip(),
        )
        appointment.full_clean()
        appointment.save()
        when = timezone.localtime(scheduled_for)
        audit_log(
            subject=appointment,
            action="services.evaluation.scheduled",
            actor=by,
            community=partner.community,
            data={"kind": kind, "at": when.isoformat(), "before": before.isoformat() if before else None},
        )
        application = partner.application
        message_queue(
            code="services.evaluation_scheduled",
            to=person_recipients(
                email=application.email, mobile=application.mobile, name=application.contact_name
            ),
            params={
                "when": f"{when:%Y-%m-%d %H:%M}" + (f" {appointment.place}" if appointment.place else ""),
                "partner": partner.name,
            },
            cause=appointment,
            occasion=when.isoformat(),
            partner_id=partner.pk,
            street_id=partner.community.street_id,
            community_id=partner.community_id,
        )
    return appointment


def evaluation_record(
    *,
    partner: Partner,
    kind: str,
    evaluated_on: dt.date,
    conclusion: str,
    remarks: str = "",
    incidents: str = "",
    scores: dict | None = None,
    by: User,
    today: dt.date | None = None,
) -> Evaluation:
    """Record an evaluation (评估, 六(二)2) with figures computed, not typed.

    Fulfilment comes from verified logs against the agreement's targets,
    satisfaction from approved suggestion-box notes, observer ratings from
    observations. A passed trial evaluation moves the partner trial → active,
    and only from the window before the trial's end (evaluation_date_problems);
    a failed one opens the way to exit with reason failed_evaluation.
    `today` is the day of recording (doors leave it to the real today).
    """
    scores = {str(k): v for k, v in (scores or {}).items()}
    problems = evaluation_blockers(partner=partner, kind=kind, conclusion=conclusion, scores=scores, by=by)
    date_problems = evaluation_date_problems(
        partner=partner, kind=kind, conclusion=conclusion, evaluated_on=evaluated_on, today=today
    )
    if date_problems:
        raise ValidationError(
            {"evaluated_on": date_problems, **({NON_FIELD_ERRORS: problems} if problems else {})}
        )
    if problems:
        raise ValidationError(problems)
    agreement = current_agreement(partner, today=today or evaluated_on)
    since = agreement.start_date if agreement else None
    progress = (
        agreement_progress(agreement, today=min(evaluated_on, agreement.end_date)) if agreement else None
    )
    sat, sat_n = satisfaction(partner, since=since)
    obs, obs_n = observer_rating(partner, since=since)
    sheet = {str(c.pk): c for c in scoring_sheet(partner.community.street)}
    frozen_scores = {c.name: str(scores[pk]) for pk, c in sheet.items()}
    with transaction.atomic():
        evaluation = Evaluation(
            partner=partner,
            agreement=agreement,
            kind=kind,
            evaluated_on=evaluated_on,
            conclusion=conclusion,
            remarks=remarks,
            incidents=incidents,
            scores=frozen_scores,
            total_score=sum((Decimal(str(scores[pk])) for pk in sheet), Decimal("0")) if sheet else None,
            fulfilment=progress.as_dict() if progress else {},
            fulfilment_share=progress.fulfilment if progress else None,
            satisfaction=sat,
            feedback_count=sat_n,
            observer_rating=obs,
            observation_count=obs_n,
            recorded_by=by,
        )
        evaluation.full_clean()
        evaluation.save()
        audit_log(
            subject=evaluation,
            action="services.evaluation.recorded",
            actor=by,
            to_state=conclusion,
            community=partner.community,
            data={"kind": kind, "fulfilment": str(evaluation.fulfilment_share)},
        )
        if kind == EvaluationKind.TRIAL and conclusion == Conclusion.PASS:
            try:
                partner_transition(
                    partner=partner,
                    transition="pass_trial",
                    by=by,
                    note=_("试用期满评估合格。"),
                    data={"evaluation": evaluation.pk},
                )
            except TransitionRefused as exc:
                raise ValidationError(exc.messages) from None
    return evaluation


def renewal_decision_record(
    *,
    agreement: Agreement,
    outcome: str,
    evaluation: Evaluation | None,
    decided_on: dt.date,
    note: str = "",
    months: int | None = None,
    by: User,
) -> RenewalDecision:
    """Decide a term's future from its evaluation — 五(三)2 续签协议或动态调整.

    Renewing drafts the next term (start = this end + 1 day) with this term's
    services, targets and weekly slots, to be adjusted (if so decided) and
    signed. Exit is only recorded here: the exit procedure (六(二)3) follows.
    """
    require(perms.can_decide_renewal.test(by, agreement), _("续签决定须由街道工作人员登记。"))
    errors = {}
    if outcome not in RenewalOutcome.values:
        errors["outcome"] = [_("请选择续签决定。")]
    if not agreement.is_term or agreement.status != AgreementStatus.SIGNED:
        errors["agreement"] = [_("只能对已签署的协议期限作出续签决定。")]
    if evaluation is None:
        errors["evaluation"] = [_("续签决定须依据一份评估。")]
    elif evaluation.partner_id != agreement.partner_id:
        errors["evaluation"] = [_("该评估不属于本合伙人。")]
    elif (
        outcome in (RenewalOutcome.RENEW_SAME, RenewalOutcome.RENEW_ADJUSTED)
        and evaluation.conclusion != "pass"
    ):
        errors["evaluation"] = [_("评估结论为不合格，不能续签（办法五（三）2）。")]
    if outcome == RenewalOutcome.RENEW_ADJUSTED and not (note or "").strip():
        errors["note"] = [_("调整后续签请说明调整内容。")]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        locked = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("partner__application", "community__street")
            .get(pk=agreement.pk)
        )
        if RenewalDecision.objects.filter(agreement=locked).exists():
            raise ValidationError(_("该协议期限已有续签决定。"))
        decision = RenewalDecision(
            agreement=locked,
            outcome=outcome,
            evaluation=evaluation,
            decided_on=decided_on,
            note=note,
            decided_by=by if getattr(by, "is_authenticated", False) else None,
        )
        decision.full_clean()
        decision.save()
        audit_log(
            subject=locked,
            action="agreements.renewal.decided",
            actor=by,
            to_state=outcome,
            note=note,
            data={"evaluation": evaluation.pk},
        )
        if decision.renews:
            agreement_draft_next_term(term=locked, months=months, by=by)
    return decision


def recognition_record(
    *,
    partner: Partner,
    kind: str,
    date: dt.date,
    title: str,
    detail: str = "",
    evaluation: Evaluation | None = None,
    by: User,
) -> Recognition:
    """A commendation for publicity or a warning (rulebook 六(二)2)."""
    _require(perms.can_record_evaluation.test(by, partner), _("您没有权限为该合伙人记录表扬或警告。"))
    recognition = Recognition(
        partner=partner,
        kind=kind,
        date=date,
        title=title,
        detail=detail,
        evaluation=evaluation,
        recorded_by=by,
    )
    recognition.full_clean()
    with transaction.atomic():
        recognition.save()
        audit_log(
            subject=recognition,
            action=f"services.recognition.{kind}",
            actor=by,
            note=title,
            community=partner.community,
        )
    return recognition


# --- Exit (退出, 六(二)3) -------------------------------------------------------


def discipline_signoff_record(
    *,
    partner: Partner,
    finding: str,
    signatory: str,
    signed_on: dt.date,
    department: str = "纪检室",
    by: User,
) -> DisciplineSignoff:
    """The discipline office confirms a violation that justifies a forced exit."""
    _require(perms.can_record_exit.test(by, partner), _("只有街道工作人员可以登记纪检室签字确认。"))
    signoff = DisciplineSignoff(
        partner=partner,
        finding=finding,
        signatory=signatory,
        signed_on=signed_on,
        department=department,
        recorded_by=by,
    )
    signoff.full_clean()
    with transaction.atomic():
        signoff.save()
        audit_log(
            subject=signoff,
            action="services.discipline.signed_off",
            actor=by,
            community=partner.community,
            note=finding,
        )
    return signoff


def exit_blockers(
    *, partner: Partner, reason: str, discipline_signoff: DisciplineSignoff | None = None, by: User
) -> list[str]:
    problems = []
    if not perms.can_record_exit.test(by, partner):
        problems.append(_("只有街道工作人员可以办理退出。"))
    problems += transition_blockers(partner, "exit")
    if reason not in ExitReason.values:
        problems.append(_("请选择退出情形（五种之一）。"))
    if reason == ExitReason.FORCED_VIOLATION:
        if discipline_signoff is None:
            problems.append(_("“违规违纪违法强制退出”需要纪检室签字确认。"))
        elif discipline_signoff.partner_id != partner.pk:
            problems.append(_("所选纪检室签字确认不属于该合伙人。"))
    if reason == ExitReason.FAILED_EVALUATION:
        if not evaluation_failed(partner):
            problems.append(_("“评估不合格退出”需要一份结论为不合格的评估。"))
    return problems


def partner_exit(
    *,
    partner: Partner,
    reason: str,
    note: str,
    handover_note: str,
    exit_date: dt.date,
    by: User,
    discipline_signoff: DisciplineSignoff | None = None,
) -> PartnerExit:
    """The partner leaves (rulebook 六(二)3) for one of five reasons.

    From the exit date its slots are freed, the logo licence is revoked, its
    account becomes read-only and its unverified logs are closed; the
    handover of the space is recorded. Verified past services stay in the
    statistics.
    """
    note, handover_note = (note or "").strip(), (handover_note or "").strip()
    problems = exit_blockers(partner=partner, reason=reason, discipline_signoff=discipline_signoff, by=by)
    if not note:
        problems.append(_("请填写退出说明。"))
    if not handover_note:
        problems.append(_("请填写交接情况（空间是否完好归还、钥匙、设备）。"))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        try:
            partner_transition(
                partner=partner,
                transition="exit",
                by=by,
                note=note,
                reason=reason,
                procedure="services.partner_exit",
            )
        except TransitionRefused as exc:
            raise ValidationError(exc.messages) from None
        released = timeslots_release(partner=partner, from_date=exit_date, by=by, note=note)
        for licence in LogoLicence.objects.select_for_update().filter(
            partner=partner, revoked_on__isnull=True
        ):
            licence.revoked_on = exit_date
            licence.revoked_note = str(ExitReason(reason).label)
            licence.save(update_fields=["revoked_on", "revoked_note"])
            audit_log(
                subject=licence,
                action="services.logo_licence.revoked",
                actor=by,
                community=partner.community,
                note=licence.revoked_note,
            )
        PartnerAccount.objects.filter(partner=partner).update(read_only=True)
        closed = servicelogs_close_open(partner=partner, by=by, note=_("合伙人已退出，未核实记录关闭。"))
        record = PartnerExit(
            partner=partner,
            reason=reason,
            exit_date=exit_date,
            note=note,
            handover_note=handover_note,
            discipline_signoff=discipline_signoff,
            slots_released=released,
            logs_closed=closed,
            recorded_by=by,
        )
        record.full_clean()
        record.save()
        audit_log(
            subject=record,
            action="services.partner.exited",
            actor=by,
            to_state=reason,
            note=note,
            community=partner.community,
            data={"slots_released": released, "logs_closed": closed},
        )
    return record


# --- Monthly service logs due (issue 17) -------------------------------------------

LOGS_DUE_DAY = 25  # the reminder day: a partner with no log this month yet is reminded


def log_reminders_send(*, today: dt.date | None = None) -> int:
    """On the 25th, remind each serving partner with no service log this month — 六(二)1.

    (社区指导其定期整理提交《公益服务记录表》.) Runs daily, acts on the 25th only; once
    per partner per month (the outbox key), so running twice sends nothing twice.
    Optional reminder: a partner who opted out is not reminded. Bulk: a constant
    number of queries whatever the number of partners. Returns the partners reminded.
    """
    today = today or local_today()
    if today.day != LOGS_DUE_DAY:
        return 0
    month = f"{today:%Y-%m}"
    logged = ServiceLog.objects.filter(date__year=today.year, date__month=today.month).values("partner_id")
    agreements = (
        current_agreements(today=today)
        .exclude(partner_id__in=logged)
        .select_related("partner__application", "community")
        .order_by("partner_id")
    )
    accounts = dict(PartnerAccount.objects.values_list("partner_id", "user__email"))
    due = list({a.partner_id: a for a in agreements}.values())
    recipients = {
        a.partner_id: person_recipients(
            email=accounts.get(a.partner_id) or a.partner.application.email,
            mobile=a.partner.application.mobile,
            name=a.partner.name,
        )
        for a in due
    }
    opted_out = opted_out_among(r.address for rs in recipients.values() for r in rs)
    rows = []
    for agreement in due:
        rows += message_rows(
            code="services.logs_due",
            to=recipients[agreement.partner_id],
            params={"partner": agreement.partner.name},
            cause=agreement.partner,
            occasion=month,
            partner_id=agreement.partner_id,
            community_id=agreement.community_id,
            opted_out=opted_out,
        )
    outbox_write(rows)
    return len(due)


# --- The staff's daily digest (issue 17) ------------------------------------------


def staff_todo_counts(*, street_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per street: applications to vet, objections to investigate, logs to verify (3 queries)."""
    counts: dict[int, dict[str, int]] = {pk: {} for pk in street_ids}
    queries = {
        "applications": Partner.objects.filter(
            community__street_id__in=street_ids, status__in=[PartnerStatus.SUBMITTED, PartnerStatus.VETTING]
        ).values_list("community__street_id"),
        "objections": Objection.objects.filter(
            notice__street_id__in=street_ids, status=ObjectionStatus.OPEN
        ).values_list("notice__street_id"),
        "logs": ServiceLog.objects.filter(street_id__in=street_ids, status=LogStatus.SUBMITTED).values_list(
            "street_id"
        ),
    }
    for name, query in queries.items():
        for street_id, number in query.annotate(n=Count("id")).order_by():
            counts[street_id][name] = number
    return counts


def staff_digest_send(*, today: dt.date | None = None) -> int:
    """Each street's WeCom staff group gets the day's to-dos, once a day — 六(二)1 (专人负责日常联系)."""
    today = today or local_today()
    groups = staff_groups_by_street(StaffGroup.objects.values_list("street_id", flat=True))
    if not groups:
        return 0
    counts = staff_todo_counts(street_ids=list(groups))
    rows = []
    for street_id, group in groups.items():
        todo = counts[street_id]
        if not any(todo.values()):
            continue
        parts = [
            _("待审核申请 %(n)d 件") % {"n": todo.get("applications", 0)},
            _("待调查异议 %(n)d 件") % {"n": todo.get("objections", 0)},
            _("待核实服务记录 %(n)d 条") % {"n": todo.get("logs", 0)},
        ]
        rows += message_rows(
            code="messaging.staff_digest",
            to=staff_recipients(street_id=street_id, emails=[], groups=groups),
            params={"street": group.street.name, "todos": "；".join(parts)},
            cause=f"portal.street:{street_id}",
            occasion=today.isoformat(),
            street_id=street_id,
            opted_out=set(),
        )
    outbox_write(rows)
    return len(rows)


# --- Pace warnings (预警) -------------------------------------------------------


def pace_warnings_send(*, today: dt.date | None = None) -> int:
    """Warn the community (and the partner) when a partner falls behind its targets.

    Once per agreement per ISO week, so the weekly task is safe to run twice.
    Returns how many warnings were queued.
    """
    today = today or local_today()
    week = f"{today:%G-W%V}"
    agreement_type = ContentType.objects.get_for_model(Agreement)
    already = set(
        AuditEvent.objects.filter(
            content_type=agreement_type, action="services.pace_warning.sent", data__week=week
        ).values_list("object_id", flat=True)
    )
    sent = 0
    for progress in progress_ranking(current_agreements(today=today), today=today):
        agreement = progress.agreement
        if not progress.behind_pace or str(agreement.pk) in already:
            continue
        staff = list(
            Profile.objects.filter(role=Role.COMMUNITY_STAFF, community_id=agreement.community_id)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        account = (
            PartnerAccount.objects.filter(partner_id=agreement.partner_id).select_related("user").first()
        )
        context = {
            "progress": progress,
            "agreement": agreement,
            "partner": agreement.partner,
            "share": int(pace_warning_share() * 100),
            "url": settings.PORTAL_BASE_URL.rstrip("/")
            + reverse("services:progress_detail", args=[agreement.pk]),
        }
        where = {
            "cause": agreement,
            "occasion": week,
            "partner_id": agreement.partner_id,
            "community_id": agreement.community_id,
        }
        with transaction.atomic():
            message_queue(
                code="services.pace_warning_staff",
                to=staff_recipients(street_id=agreement.community.street_id, emails=staff),
                context=context,
                **where,
            )
            message_queue(
                code="services.pace_warning",
                to=person_recipients(
                    email=account.user.email if account else "", mobile=_partner_mobile(agreement.partner)
                ),
                context=context,
                params={"partner": agreement.partner.name},
                **where,
            )
            audit_log(
                subject=agreement,
                action="services.pace_warning.sent",
                community=agreement.community,
                data={"week": week, "fulfilment": str(progress.fulfilment)},
            )
        sent += 1
    return sent
