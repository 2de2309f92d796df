"""Recruitment calls and applications — rulebook 五(一).

The street publishes a call (招募公告); applicants submit the application
form (项目申请表) with their documents to the community that owns the space;
the community collects and forwards them to the party-building office.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import markdown
import nh3
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from messaging.domain import message_queue, person_recipients
from partners.domain import TransitionRefused, partner_transition
from partners.models import WITHDRAWABLE, Partner, PartnerStatus
from portal.choices import INDIVIDUAL_KINDS, PartnerKind
from portal.domain import audit_log
from portal.exceptions import ActionRefused
from portal.masking import mask_id_number
from portal.pdf import render_pdf
from portal.posters import Poster, absolute_url, poster_pdf
from portal.uploads import validate_upload, validate_upload_set
from portal.xlsx import rows_to_xlsx
from spaces.models import ContactStatus, Space

from .models import (
    Application,
    ApplicationDocument,
    ApplicationDraft,
    ApplicationSequence,
    BasicCondition,
    CallStatus,
    DocumentCheck,
    DocumentKind,
    DocumentRequest,
    DraftAttachment,
    ProspectInvitation,
    RecruitmentCall,
)
from .rules import can_handle_application, can_manage_calls

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from portal.models import Street
    from spaces.models import Prospect, ResidentNeed

logger = logging.getLogger(__name__)

STATUS_SALT = "calls.application.status"
DOCUMENT_REQUEST_SALT = "calls.application.document_request"

# --- Recruitment calls -------------------------------------------------------

_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "code",
}


def render_markdown(text: str) -> SafeString:
    """Staff-written Markdown as HTML with everything dangerous removed (nh3)."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def calls_public() -> QuerySet[RecruitmentCall]:
    """Calls residents may see (published or closed), newest first, with their spaces."""
    return (
        RecruitmentCall.objects.filter(status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED])
        .select_related("street")
        .prefetch_related(Prefetch("spaces", queryset=Space.objects.select_related("community")))
        .order_by("-opens_at", "-id")
    )


def _system_note(system: bool, by: User | None) -> str:
    if not system:
        return ""
    return _("到截止时间，工作人员立即截止") if by is not None else _("到截止时间自动截止")


CALLS_SCOPE = "calls"  # the public cache scope of the list of calls (portal.cache)


def call_page_scope(call_id: int) -> str:
    """The public cache scope of one call's page."""
    return f"call:{call_id}"


CALL_CARD_SPACES = 5  # spaces named on a call's card in the public list


def calls_public_filtered(
    *,
    search: str = "",
    status: str = "",
    street_id: int | None = None,
    community_id: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[RecruitmentCall]:
    """Public calls matching the residents' filters (rulebook 五(一)1: calls are published openly).

    `status` is "open" (published and inside its application period) or
    "closed" (closed, or published with its closing time passed); a
    community matches the calls offering one of its spaces.

    Shaped for the list's cards: each call carries `space_count` and its
    first CALL_CARD_SPACES spaces (`preview_spaces`), not all of them, and
    not its body.
    """
    now = now or timezone.now()
    preview = Space.objects.select_related("community").only("name", "community__name").order_by("pk")
    calls = (
        calls_public()
        .prefetch_related(None)
        .prefetch_related(Prefetch("spaces", queryset=preview[:CALL_CARD_SPACES], to_attr="preview_spaces"))
        .annotate(space_count=Count("spaces", distinct=True))
        .defer("body")
    )
    if search:
        calls = calls.filter(Q(title__icontains=search) | Q(needs__title__icontains=search)).distinct()
    if status == "open":
        calls = calls.filter(status=CallStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
    elif status == "closed":
        calls = calls.filter(Q(status=CallStatus.CLOSED) | Q(closes_at__lte=now))
    if community_id:
        calls = calls.filter(
            pk__in=RecruitmentCall.spaces.through.objects.filter(space__community_id=community_id).values(
                "recruitmentcall_id"
            )
        )
    elif street_id:
        calls = calls.filter(street_id=street_id)
    return calls


def _call_change(
    call: RecruitmentCall, *, source: str, target: str, by: User | None, action: str, system: bool = False
) -> RecruitmentCall:
    with transaction.atomic():
        locked = RecruitmentCall.objects.select_for_update().get(pk=call.pk)
        if locked.status != source:
            raise ValidationError(
                _("招募公告当前为“%(status)s”，不能执行该操作。") % {"status": locked.get_status_display()}
            )
        locked.status = target
        fields = ["status"]
        now = timezone.now()
        if target == CallStatus.PUBLISHED:
            locked.published_at, fields = now, fields + ["published_at"]
        if target == CallStatus.CLOSED:
            locked.closed_at, fields = now, fields + ["closed_at"]
        locked.save(update_fields=fields)
        audit_log(
            subject=locked,
            action=action,
            actor=by,
            from_state=source,
            to_state=target,
            note=_system_note(system, by),
        )
    call.refresh_from_db()
    return locked


def call_needs_check(*, street: Street, needs: Iterable[ResidentNeed]) -> None:
    """A call answers needs of its own street's communities (rulebook 四(一)2, 五(一)1).

    Raises ValidationError naming the needs from another street's list.
    """
    foreign = [need.title for need in needs if need.community.street_id != street.pk]
    if foreign:
        raise ValidationError(
            _("以下需求不属于%(street)s的居民需求清单：%(titles)s。")
            % {"street": street.name, "titles": "、".join(foreign)}
        )


def call_publish(*, call: RecruitmentCall, by: User) -> RecruitmentCall:
    """Publish a draft call (rulebook 五(一)1: requirements, spaces, how and when to apply)."""
    call.full_clean()
    problems = []
    if call.closes_at <= timezone.now():
        problems.append(_("截止时间已过，请先修改截止时间再发布。"))
    if not (call.body or "").strip():
        problems.append(_("请填写公告正文（招募要求、申请方式、时间安排）。"))
    if problems:
        raise ValidationError(problems)
    return _call_change(
        call, source=CallStatus.DRAFT, target=CallStatus.PUBLISHED, by=by, action="calls.call.published"
    )


def call_close(*, call: RecruitmentCall, by: User | None = None, system: bool = False) -> RecruitmentCall:
    """Stop accepting applications (by hand, or by the beat task at the closing time)."""
    return _call_change(
        call,
        source=CallStatus.PUBLISHED,
        target=CallStatus.CLOSED,
        by=by,
        action="calls.call.closed",
        system=system,
    )


def call_archive(*, call: RecruitmentCall, by: User) -> RecruitmentCall:
    """Take a closed call off the public site; its applications stay."""
    return _call_change(
        call, source=CallStatus.CLOSED, target=CallStatus.ARCHIVED, by=by, action="calls.call.archived"
    )


def calls_due_to_close(now: dt.datetime | None = None) -> QuerySet[RecruitmentCall]:
    return RecruitmentCall.objects.filter(status=CallStatus.PUBLISHED, closes_at__lte=now or timezone.now())


def calls_close_due(
    *,
    now: dt.datetime | None = None,
    by: User | None = None,
    calls: QuerySet[RecruitmentCall] | None = None,
) -> int:
    """Close every published call whose closing time has passed (rulebook 五(一)1). Safe to run twice.

    The beat task runs it for all calls; a street staff member's 立即截止 runs it
    for `calls` as `by`, and only for calls that are theirs to manage.
    """
    closed = 0
    due = calls_due_to_close(now)
    if calls is not None:
        due = due.filter(pk__in=calls.values("pk"))
    for call in due:
        if by is not None and not can_manage_calls.test(by, call):
            raise PermissionDenied(_("只有本街道工作人员可以截止招募公告。"))
        try:
            call_close(call=call, by=by, system=True)
        except ValidationError:
            continue  # someone else closed it meanwhile
        closed += 1
    return closed


# --- Submitting an application -------------------------------------------------

APPLICATION_FIELDS = [
    "kind",
    "applicant_name",
    "credit_code",
    "id_number",
    "legal_representative",
    "contact_name",
    "mobile",
    "email",
    "address",
    "project_title",
    "service_categories",
    "target_groups",
    "plan",
    "activities",
    "schedule",
    "hours_per_month",
    "residents_per_month",
    "events_per_month",
    "special_groups",
    "preferred_times",
    "team_intro",
    "past_cases",
    "free_services",
    "low_cost_services",
]


def document_field(kind: str) -> str:
    """The form field (and error key) for documents of one kind."""
    return f"doc_{kind}"


def applicant_key(data: dict) -> str:
    if data.get("credit_code"):
        return "code:" + data["credit_code"].upper()
    if data.get("id_number"):
        return "id:" + data["id_number"].upper()
    return "name:" + "".join((data.get("applicant_name") or "").split())


def _next_reference(year: int) -> str:
    """MLHH-<year>-<6 digits>. The year's row is locked until the submission commits."""
    ApplicationSequence.objects.bulk_create([ApplicationSequence(year=year, last=0)], ignore_conflicts=True)
    seq = ApplicationSequence.objects.select_for_update().get(year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"MLHH-{year}-{seq.last:06d}"


def _check_documents(call: RecruitmentCall, files: dict) -> dict:
    errors: dict[str, list] = {}
    every = []
    for kind in DocumentKind.values:
        for upload in files.get(kind) or []:
            try:
                validate_upload(upload)
            except ValidationError as exc:
                errors.setdefault(document_field(kind), []).extend(exc.messages)
            every.append(upload)
    for kind in call.documents_required or []:
        if not files.get(kind) and document_field(kind) not in errors:
            errors[document_field(kind)] = [
                _("本次招募要求提交“%(kind)s”。") % {"kind": DocumentKind(kind).label}
            ]
    try:
        validate_upload_set(every)
    except ValidationError as exc:
        errors.setdefault(NON_FIELD_ERRORS, []).extend(exc.messages)
    return errors


def _same_applicant(call: RecruitmentCall, data: dict, key: str) -> QuerySet[Application]:
    name = "".join((data.get("applicant_name") or "").split())
    return Application.objects.filter(Q(applicant_key=key) | Q(applicant_name=name), call=call)


def _duplicate_exists(call: RecruitmentCall, data: dict, key: str) -> bool:
    """An application by the same applicant to the same call that still counts.

    A withdrawn application does not count: the applicant may apply again.
    """
    return _same_applicant(call, data, key).exclude(partner__status=PartnerStatus.WITHDRAWN).exists()


DUPLICATE_MESSAGE = gettext_lazy(
    "该申请人已向本次招募提交过申请，不能重复提交。如需了解进度，请使用提交时获得的申请编号查询。"
)


def application_submit(
    *, call: RecruitmentCall, data: dict, files: dict | None = None, ip: str | None = None
) -> Application:
    """Save an application, its documents and its partner record in one transaction.

    Rulebook 五(一)2: the applicant submits the form with supporting documents
    to the community that owns the space. `data` holds the form's cleaned
    values (incl. `spaces`, `community`, `declarations`, `privacy_consent`);
    `files` maps a DocumentKind to a list of uploads. Raises ValidationError
    (keyed by form field) and saves nothing when anything is wrong: outside
    the call's window, a duplicate, a bad document, a failing file write.
    """
    files = files or {}
    now = timezone.now()
    if not call.is_open(now):
        if call.status == CallStatus.PUBLISHED and now < call.opens_at:
            raise ValidationError(
                _("本次招募尚未开始接受申请（开始时间：%(at)s）。")
                % {"at": timezone.localtime(call.opens_at).strftime("%Y-%m-%d %H:%M")}
            )
        raise ValidationError(_("本次招募已截止，不再接受申请。"))

    errors: dict[str, list] = {}
    missing = [c for c in BasicCondition.values if c not in (data.get("declarations") or [])]
    if missing:
        errors["declarations"] = [_("请逐项确认全部基本条件。")]
    if not data.get("privacy_consent"):
        errors["privacy_consent"] = [_("请阅读并同意个人信息处理说明后再提交。")]
    if data.get("kind") not in (call.eligible_kinds or []):
        errors["kind"] = [_("本次招募不接受该类型的申请主体。")]

    spaces = list(data.get("spaces") or [])
    offered = set(call.spaces.values_list("pk", flat=True))
    community = data.get("community")
    if any(s.pk not in offered for s in spaces):
        errors["spaces"] = [_("所选空间不在本次招募提供的空间之内。")]
    elif spaces:
        communities = {s.community_id for s in spaces}
        if len(communities) > 1:
            errors["spaces"] = [_("所选空间分属不同社区。申请须提交给空间所属社区，请只选择同一社区的空间。")]
        community = spaces[0].community
    if community is None and "spaces" not in errors:
        errors["community"] = [_("请选择意向空间或申报社区。")]
    elif community is not None and community.street_id != call.street_id:
        errors["community"] = [_("所选社区不属于本次招募的街道。")]
    errors.update(_check_documents(call, files))

    values = {name: data.get(name) for name in APPLICATION_FIELDS if name in data}
    for name in ("credit_code", "id_number"):
        values[name] = (values.get(name) or "").strip().upper()

    # Keep only the number that identifies this kind of applicant.
    if values.get("kind") in INDIVIDUAL_KINDS:
        values["credit_code"] = ""
    else:
        values["id_number"] = ""
    key = applicant_key(values)
    application = Application(
        call=call,
        community=community,
        reference="pending",
        applicant_key=key,
        declarations=list(data.get("declarations") or []),
        privacy_consent_at=now if data.get("privacy_consent") else None,
        submitted_ip=ip,
        **values,
    )
    try:
        application.full_clean(
            exclude=["call", "community", "reference", "partner"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if _duplicate_exists(call, values, key):
        raise ValidationError({NON_FIELD_ERRORS: [DUPLICATE_MESSAGE]})

    written: list[ApplicationDocument] = []
    try:
        with transaction.atomic():
            # A withdrawn application keeps its record but gives up its place in the
            # one-application-per-call constraint.
            _same_applicant(call, values, key).filter(partner__status=PartnerStatus.WITHDRAWN).update(
                applicant_key=None
            )
            application.partner = Partner.objects.create(community=community)
            application.reference = _next_reference(timezone.localdate(now).year)
            application.save()
            application.spaces.set(spaces)
            for kind in DocumentKind.values:
                for upload in files.get(kind) or []:
                    document = ApplicationDocument(
                        application=application, kind=kind, original_name=upload.name[:255], size=upload.size
                    )
                    document.file.save(upload.name, upload, save=False)
                    written.append(document)
                    document.save()
            partner = application.partner
            audit_log(
                subject=application,
                action="calls.application.submitted",
                to_state=PartnerStatus.SUBMITTED,
                data={"reference": application.reference, "documents": len(written), "ip": ip or ""},
            )
            message_queue(
                code="calls.application_received",
                to=person_recipients(
                    email=application.email, mobile=application.mobile, name=application.contact_name
                ),
                context={
                    "application": application,
                    "call": call,
                    "status_url": application_status_url(application),
                },
                params={"reference": application.reference},
                cause=application,
                partner_id=application.partner_id,
                street_id=call.street_id,
                community_id=partner.community_id if partner else None,
            )
    except IntegrityError as exc:
        _remove_files(written)
        if "application_once_per_call" in str(exc):
            raise ValidationError({NON_FIELD_ERRORS: [DUPLICATE_MESSAGE]}) from None
        raise
    except Exception:
        # Nothing half-saved: the rows rolled back, so remove the files written so far.
        _remove_files(written)
        raise
    application.partner = partner
    return application


def _remove_files(documents: Iterable[ApplicationDocument]) -> None:
    for document in documents:
        try:
            if document.file.name:
                document.file.storage.delete(document.file.name)
        except OSError:  # pragma: no cover - best effort clean-up
            logger.warning("could not remove %s", document.file.name)


# --- The applicant's private links and the status lookup --------------------------


def application_status_token(application: Application) -> str:
    return signing.dumps({"a": application.pk}, salt=STATUS_SALT)


def application_from_status_token(token: str) -> Application | None:
    try:
        payload = signing.loads(token, salt=STATUS_SALT)
    except signing.BadSignature:
        return None
    return (
        Application.objects.select_related("call", "community", "partner").filter(pk=payload.get("a")).first()
    )


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def application_status_url(application: Application) -> str:
    return _absolute(
        reverse("calls:application_status_private", args=[application_status_token(application)])
    )


def application_lookup(*, reference: str, mobile_last4: str) -> Application | None:
    """The application with this reference whose mobile ends in these 4 digits, else None.

    Either part wrong gives the same None: the lookup reveals nothing.
    """
    reference = (reference or "").strip().upper()
    mobile_last4 = (mobile_last4 or "").strip()
    if len(mobile_last4) != 4 or not mobile_last4.isdigit() or not reference:
        return None
    return (
        Application.objects.select_related("call", "community", "partner")
        .filter(reference=reference, mobile__endswith=mobile_last4)
        .first()
    )


@dataclass(frozen=True)
class Stage:
    title: str
    now: str
    next: str


S = PartnerStatus
STAGES = {
    S.SUBMITTED: Stage(
        gettext_lazy("已提交，社区审核中"),
        gettext_lazy("您的申请已送达申报社区，社区正在核对申请表和证明材料。"),
        gettext_lazy("社区核对无误后将报送街道党建工作办公室；如需补充材料，我们会通过邮件或电话联系您。"),
    ),
    S.VETTING: Stage(
        gettext_lazy("街道联审联查中"),
        gettext_lazy("申请已报送街道，相关部门正在进行完整性、合规性审核。"),
        gettext_lazy("审核通过后将列入入围名单，并通知您参加路演。"),
    ),
    S.SHORTLISTED: Stage(
        gettext_lazy("已入围"),
        gettext_lazy("您已通过联审联查，列入入围名单。"),
        gettext_lazy("请准备路演：专家评审组和社会评审组将现场评分。"),
    ),
    S.SCORED: Stage(
        gettext_lazy("路演已评分"),
        gettext_lazy("路演评分已完成。"),
        gettext_lazy("街道党工委将结合评分和实地考察研究决定。"),
    ),
    S.APPROVED: Stage(
        gettext_lazy("党工委已通过"),
        gettext_lazy("街道党工委会议已研究通过您的申请。"),
        gettext_lazy("名单将公示不少于5天，公示无异议后签订三方协议。"),
    ),
    S.IN_NOTICE: Stage(
        gettext_lazy("公示中"),
        gettext_lazy("入选名单正在公示。"),
        gettext_lazy("公示期满且无异议后，将通知您签订三方协议。"),
    ),
    S.SIGNING: Stage(
        gettext_lazy("待签约"),
        gettext_lazy("公示期满，准备签订三方协议。"),
        gettext_lazy("街道社工站、社区和您三方签署协议后进入试用期。"),
    ),
    S.TRIAL: Stage(
        gettext_lazy("试用期"),
        gettext_lazy("协议已签订，项目处于试用期。"),
        gettext_lazy("请按协议开展服务并如实记录；试用期满将进行评估。"),
    ),
    S.ACTIVE: Stage(
        gettext_lazy("正式运行"),
        gettext_lazy("项目正式运行中。"),
        gettext_lazy("请持续按协议提供公益服务；协议期满前2个月将商议续签。"),
    ),
    S.RENEWAL_DUE: Stage(
        gettext_lazy("待续签"), gettext_lazy("协议即将期满。"), gettext_lazy("社区将与您商议是否续签。")
    ),
    S.REJECTED: Stage(
        gettext_lazy("未通过"),
        gettext_lazy("很遗憾，您的申请未通过审核。"),
        gettext_lazy("如有疑问，请联系招募公告中的联系人。"),
    ),
    S.NOT_SELECTED: Stage(
        gettext_lazy("未入选"),
        gettext_lazy("很遗憾，您的申请本次未入选。"),
        gettext_lazy("欢迎关注今后的招募公告。"),
    ),
    S.EXITED: Stage(
        gettext_lazy("已退出"), gettext_lazy("项目已退出。"), gettext_lazy("感谢您为社区提供的服务。")
    ),
    S.WITHDRAWN: Stage(
        gettext_lazy("已撤回"),
        gettext_lazy("您已撤回本次申请。"),
        gettext_lazy("申请流程已结束；如需再次申请，请关注今后的招募公告。"),
    ),
}


def application_stage(application: Application) -> Stage:
    return STAGES[application.partner.status]


def application_can_withdraw(application: Application) -> bool:
    return application.partner.status in WITHDRAWABLE


def application_withdraw(*, application: Application, note: str = "") -> Partner:
    """The applicant withdraws before signing (rulebook 六(二)3 主动申请退出 applies after).

    The application's audit event is written by `calls.handlers` for every
    door that withdraws (this link, the admin, the API), once it commits.
    """
    return partner_transition(
        partner=application.partner,
        transition="withdraw",
        as_applicant=True,
        note=note or _("申请人通过进度查询页面撤回。"),
    )


def application_forward(*, application: Application, by: User) -> Partner:
    """The community forwards the application to the street (rulebook 五(一)2)."""
    return partner_transition(partner=application.partner, transition="forward", by=by)


def applications_forward(
    *, applications: Iterable[Application], by: User
) -> tuple[list[Application], list[str]]:
    """Forward several; return those forwarded and the refusals, each naming its application."""
    done, refusals = [], []
    for application in applications:
        try:
            application_forward(application=application, by=by)
        except TransitionRefused as refused:
            refusals.append(f"{application.reference}：{'；'.join(refused.messages)}")
        else:
            done.append(application)
    return done, refusals


# --- Missing documents ---------------------------------------------------------------


def document_request_token(document_request: DocumentRequest) -> str:
    return signing.dumps({"r": document_request.pk}, salt=DOCUMENT_REQUEST_SALT)


def document_request_from_token(token: str) -> DocumentRequest | None:
    try:
        payload = signing.loads(token, salt=DOCUMENT_REQUEST_SALT)
    except signing.BadSignature:
        return None
    return (
        DocumentRequest.objects.select_related("application__call", "application__partner")
        .filter(pk=payload.get("r"))
        .first()
    )


def application_request_documents(
    *, application: Application, kind: str, message: str, by: User
) -> DocumentRequest:
    """Staff ask the applicant for a missing or unclear document; the applicant gets a link."""
    if not can_handle_application.test(by, application):
        raise ValidationError(_("您没有权限处理该申请。"))
    if application.partner.status not in (
        PartnerStatus.SUBMITTED,
        PartnerStatus.VETTING,
        PartnerStatus.SHORTLISTED,
    ):
        raise ValidationError(
            _("申请已进入“%(status)s”阶段，不再补充申请材料。")
            % {"status": application.partner.get_status_display()}
        )
    with transaction.atomic():
        request = DocumentRequest(
            application=application, kind=kind, message=(message or "").strip(), requested_by=by
        )
        request.full_clean()
        request.save()
        audit_log(
            subject=application,
            action="calls.application.documents_requested",
            actor=by,
            data={"kind": kind, "request": request.pk},
            note=request.message,
        )
        upload_url = _absolute(
            reverse("calls:application_document_upload", args=[document_request_token(request)])
        )
        message_queue(
            code="calls.documents_requested",
            to=person_recipients(
                email=application.email, mobile=application.mobile, name=application.contact_name
            ),
            context={
                "application": application,
                "request": request,
                "upload_url": upload_url,
                "status_url": application_status_url(application),
            },
            params={"reference": application.reference, "kind": request.get_kind_display()},
            cause=request,
            partner_id=application.partner_id,
            street_id=application.call.street_id,
        )
    return request


def document_request_fulfil(*, document_request: DocumentRequest, files: list) -> list[ApplicationDocument]:
    """The applicant uploads what was asked for, through the private link."""
    if not document_request.is_open:
        raise ValidationError(_("该补充材料已提交，无需重复上传。"))
    if not files:
        raise ValidationError(_("请选择要上传的文件。"))
    errors = []
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    try:
        validate_upload_set(files)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    application = document_request.application
    written = []
    try:
        with transaction.atomic():
            locked = DocumentRequest.objects.select_for_update().get(pk=document_request.pk)
            if not locked.is_open:
                raise ValidationError(_("该补充材料已提交，无需重复上传。"))
            for upload in files:
                document = ApplicationDocument(
                    application=application,
                    kind=locked.kind,
                    original_name=upload.name[:255],
                    size=upload.size,
                )
                document.file.save(upload.name, upload, save=False)
                written.append(document)
                document.save()
            locked.fulfilled_at = timezone.now()
            locked.save(update_fields=["fulfilled_at"])
            audit_log(
                subject=application,
                action="calls.application.documents_supplied",
                data={"request": locked.pk, "documents": [d.pk for d in written]},
            )
    except Exception:
        _remove_files(written)
        raise
    document_request.refresh_from_db()
    return written


def _document_request_for_check(document_request: DocumentRequest, by: User) -> DocumentRequest:
    """The request, locked, once the applicant has sent it back and nobody has checked it yet."""
    locked = (
        DocumentRequest.objects.select_for_update()
        .select_related("application__partner", "application__call")
        .get(pk=document_request.pk)
    )
    if not can_handle_application.test(by, locked.application):
        raise PermissionDenied(_("您没有权限处理该申请。"))
    if locked.fulfilled_at is None:
        raise ActionRefused(_("申请人尚未补交该材料。"))
    if locked.outcome:
        raise ActionRefused(
            _("该补交材料已查看（%(outcome)s），无需重复处理。") % {"outcome": locked.get_outcome_display()}
        )
    return locked


def document_request_accept(*, document_request: DocumentRequest, by: User) -> DocumentRequest:
    """Staff find the documents sent back in order (rulebook 五(一)3 资格审查)."""
    with transaction.atomic():
        locked = _document_request_for_check(document_request, by)
        locked.outcome = DocumentCheck.ACCEPTED
        locked.checked_at = timezone.now()
        locked.checked_by = by
        locked.save(update_fields=["outcome", "checked_at", "checked_by"])
        audit_log(
            subject=locked.application,
            action="calls.application.documents_accepted",
            actor=by,
            data={"kind": locked.kind, "request": locked.pk},
        )
    return locked


def document_request_return(*, document_request: DocumentRequest, reason: str, by: User) -> DocumentRequest:
    """Staff return documents that do not do (rulebook 五(一)3 资格审查), with the reason.

    The applicant is asked again for the same kind of document, the reason as the request's
    message: a new request with a fresh link, told through the outbox like the first one.
    Returns the new request.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回重交时请填写理由，申请人会收到这段说明。")})
    with transaction.atomic():
        locked = _document_request_for_check(document_request, by)
        locked.outcome = DocumentCheck.RETURNED
        locked.checked_at = timezone.now()
        locked.checked_by = by
        locked.check_note = reason
        locked.save(update_fields=["outcome", "checked_at", "checked_by", "check_note"])
        audit_log(
            subject=locked.application,
            action="calls.application.documents_returned",
            actor=by,
            data={"kind": locked.kind, "request": locked.pk},
            note=reason,
        )
        again = application_request_documents(
            application=locked.application, kind=locked.kind, message=reason, by=by
        )
    return again


# --- Staff read functions: the summary list and the printable form --------------------

SUMMARY_HEADERS = [
    gettext_lazy("申请编号"),
    gettext_lazy("招募公告"),
    gettext_lazy("申报社区"),
    gettext_lazy("申请主体"),
    gettext_lazy("主体类型"),
    gettext_lazy("统一社会信用代码/身份证号"),
    gettext_lazy("联系人"),
    gettext_lazy("手机号"),
    gettext_lazy("项目名称"),
    gettext_lazy("服务类别"),
    gettext_lazy("服务对象"),
    gettext_lazy("每月免费服务时数"),
    gettext_lazy("每月服务居民人次"),
    gettext_lazy("每月活动场次"),
    gettext_lazy("意向空间"),
    gettext_lazy("材料份数"),
    gettext_lazy("当前阶段"),
    gettext_lazy("提交时间"),
]


def applications_for_summary(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return (
        queryset.select_related("call", "community", "partner")
        .prefetch_related("spaces", "documents")
        .order_by("community__name", "reference")
    )


def applications_summary_rows(queryset: QuerySet[Application]) -> list[list]:
    """汇总表: one row per application, for the street's party-building office."""
    rows = []
    for a in applications_for_summary(queryset):
        number = mask_id_number(a.id_number) if a.id_number else a.credit_code
        rows.append(
            [
                a.reference,
                a.call.title,
                a.community.name,
                a.applicant_name,
                a.get_kind_display(),
                number,
                a.contact_name,
                a.mobile,
                a.project_title,
                "、".join(a.get_service_categories_display()),
                "、".join(a.get_target_groups_display()),
                a.hours_per_month,
                a.residents_per_month,
                a.events_per_month,
                "、".join(s.name for s in a.spaces.all()),
                len(a.documents.all()),
                a.partner.get_status_display(),
                timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return rows


def applications_summary_xlsx(queryset: QuerySet[Application]) -> bytes:
    return rows_to_xlsx(
        [str(h) for h in SUMMARY_HEADERS],
        applications_summary_rows(queryset),
        title=str(gettext_lazy("申请汇总表")),
    )


def application_pdf(application: Application) -> bytes:
    """项目申请表 as a PDF laid out like a government form (real, selectable text)."""
    application = (
        Application.objects.select_related("call__street", "community", "partner")
        .prefetch_related("spaces", "documents")
        .get(pk=application.pk)
    )
    return render_pdf(
        "calls/application_pdf.html",
        {
            "application": application,
            "documents": application.documents.all(),
            "conditions": BasicCondition.choices,
            "number_masked": mask_id_number(application.id_number) if application.id_number else "",
        },
    )


# --- Inviting prospects (目标清单) -----------------------------------------------


def prospects_invite(
    *, prospects: Iterable[Prospect], call: RecruitmentCall, by: User
) -> tuple[list[Prospect], list[Prospect]]:
    """E-mail prospects the link to a published recruitment call and record each invitation.

    Rulebook 四(一)3 / 五(一)1: the prospect list is where a call looks for
    applicants first. Prospects without an e-mail address are skipped and
    returned so staff can phone them. Returns (invited, skipped).
    """
    if call.status != CallStatus.PUBLISHED:
        raise ValidationError(_("只能邀请申报已发布的招募公告。"))
    try:
        path = reverse("calls:call_detail", args=[call.pk])
    except NoReverseMatch:
        path = f"/calls/{call.pk}/"
    link = settings.PORTAL_BASE_URL.rstrip("/") + path
    invited, skipped = [], []
    with transaction.atomic():
        for prospect in prospects:
            if prospect.community.street_id != call.street_id:
                raise ValidationError(
                    _("“%(name)s”所在社区不属于该招募公告的街道。") % {"name": prospect.name}
                )
            if not prospect.email:
                skipped.append(prospect)
                continue
            invitation = ProspectInvitation.objects.create(
                prospect=prospect, call=call, email=prospect.email, invited_by=by
            )
            previous = prospect.contact_status
            if previous in (ContactStatus.NOT_CONTACTED, ContactStatus.CONTACTED, ContactStatus.INTERESTED):
                prospect.contact_status = ContactStatus.INVITED
                prospect.save(update_fields=["contact_status"])
            message_queue(
                code="calls.prospect_invitation",
                to=person_recipients(email=prospect.email, name=prospect.name),
                context={"prospect": prospect, "call": call, "link": link},
                params={"call": call.title},
                cause=invitation,
                street_id=call.street_id,
                community_id=prospect.community_id,
            )
            audit_log(
                subject=prospect,
                action="spaces.prospect.invited",
                actor=by,
                from_state=previous,
                to_state=prospect.contact_status,
                note=call.title,
                data={"invitation": invitation.pk, "call": call.pk},
            )
            invited.append(prospect)
    return invited, skipped


def _day(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def call_poster_pdf(call: RecruitmentCall) -> bytes:
    """The A4 poster of a recruitment call for the notice board, with a QR code to apply online.

    Rulebook 五(一)1: the street publishes the call through online and offline channels; the
    poster is the offline copy and leads to the call's page, where the application is made.
    A draft has no online page yet, so it has no poster.
    """
    if call.status == CallStatus.DRAFT:
        raise ActionRefused(_("招募公告尚未发布，发布后才能打印海报。"))
    return poster_pdf(
        Poster(
            kicker=_("%(programme)s · 招募公告")
            % {"programme": call.street.programme_name or call.street.name},
            title=call.title,
            url=absolute_url(reverse("calls:call_detail", args=[call.pk])),
            call_to_action=_("扫码查看招募公告全文并在线申请。"),
            rows=[
                (
                    _("报名时间"),
                    _("%(start)s 至 %(end)s") % {"start": _day(call.opens_at), "end": _day(call.closes_at)},
                ),
                (
                    _("适用对象"),
                    "、".join(
                        str(label)
                        for value, label in PartnerKind.choices
                        if value in (call.eligible_kinds or [])
                    ),
                ),
                (_("咨询方式"), call.contact),
            ],
            footer=call.street.name,
        )
    )


# --- Drafts: the application filled in step by step (issue 19) ---------------------------

# The reference read out or typed on a phone: no 0/O, 1/I/L.
DRAFT_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DRAFT_REFERENCE_LENGTH = 8


def _draft_expiry(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) + dt.timedelta(days=settings.APPLICATION_DRAFT_DAYS)


def _new_draft_reference() -> str:
    while True:
        reference = "".join(secrets.choice(DRAFT_REFERENCE_ALPHABET) for _i in range(DRAFT_REFERENCE_LENGTH))
        if not ApplicationDraft.objects.filter(reference=reference).exists():
            return reference


def application_draft_start(
    *, call: RecruitmentCall, data: dict, step: str, phone: str = ""
) -> ApplicationDraft:
    """Keep the first step of an application on the server (五(一)2: the form is the applicant's own
    until submitted). `data` holds JSON values (spaces and community as pks). Refused once the call
    has closed, like the submission itself."""
    if not call.is_open():
        raise ValidationError(_("本次招募已截止，不再接受申请。"))
    draft = ApplicationDraft(
        call=call,
        token=secrets.token_urlsafe(32),
        reference=_new_draft_reference(),
        data=dict(data),
        step=step,
        phone=phone,
        expires_at=_draft_expiry(),
    )
    draft.full_clean()
    draft.save()
    return draft


def application_draft_update(
    *, draft: ApplicationDraft, data: dict, step: str, phone: str | None = None
) -> None:
    """Merge the values of one more step into the draft; each change pushes the expiry forward."""
    draft.data = {**draft.data, **data}
    draft.step = step
    fields = ["data", "step", "expires_at", "updated_at"]
    if phone is not None:
        draft.phone = phone
        fields.append("phone")
    draft.expires_at = _draft_expiry()
    draft.save(update_fields=fields)


def application_draft_from_token(token: str) -> ApplicationDraft | None:
    """The draft behind a private link, expired or not (the caller says which)."""
    return ApplicationDraft.objects.select_related("call").filter(token=token).first()


def application_draft_resume(*, reference: str, phone: str) -> ApplicationDraft:
    """Find a draft by its reference and the mobile number given in the first step.

    A wrong pair and an unknown reference get the same answer, so neither can be probed.
    """
    reference = (reference or "").strip().upper()
    draft = ApplicationDraft.objects.select_related("call").filter(reference=reference).first()
    if draft is None or not draft.phone or not secrets.compare_digest(draft.phone, (phone or "").strip()):
        raise ValidationError(_("草稿编号或手机号不正确，请核对后重试。"))
    if draft.is_expired():
        raise ValidationError(draft_expired_message(draft))
    return draft


def draft_expired_message(draft: ApplicationDraft) -> str:
    return _("该草稿已于%(at)s过期，内容和材料已不再保留，请重新填写申请。") % {
        "at": timezone.localtime(draft.expires_at).strftime("%Y-%m-%d %H:%M")
    }


def application_draft_attach(*, draft: ApplicationDraft, kind: str, uploads: list) -> list[DraftAttachment]:
    """Keep files accepted in the documents step, so that an error elsewhere never asks for them again.

    Each upload has been checked on its own (portal.uploads.validate_upload, by the form field);
    here the draft's whole set is checked against UPLOAD_MAX_FILES / UPLOAD_MAX_TOTAL_BYTES,
    the limits the submission applies (五(一)2).
    """
    kept = list(draft.attachments.all())
    try:
        validate_upload_set([*kept, *uploads])
    except ValidationError as exc:
        raise ValidationError({document_field(kind): exc.messages}) from None
    written = []
    for upload in uploads:
        attachment = DraftAttachment(
            draft=draft, kind=kind, original_name=upload.name[:255], size=upload.size
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        written.append(attachment)
    if written:
        draft.expires_at = _draft_expiry()
        draft.save(update_fields=["expires_at", "updated_at"])
    return written


def _delete_attachment_files(names: list[str]) -> None:
    for name in names:
        try:
            DraftAttachment.file.field.storage.delete(name)
        except OSError:  # pragma: no cover - best effort clean-up
            logger.warning("could not remove %s", name)


def application_draft_detach(*, draft: ApplicationDraft, attachment_id: int) -> None:
    """Remove one kept file (the 删除 button of the documents step)."""
    attachment = draft.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        return
    name = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: _delete_attachment_files([name]))


def application_draft_delete(*, draft: ApplicationDraft) -> int:
    """Delete a draft, its attachments and (after commit) their files; returns the files removed."""
    names = [a.file.name for a in draft.attachments.all() if a.file.name]
    draft.delete()
    transaction.on_commit(lambda: _delete_attachment_files(names))
    return len(names)


def application_draft_files(draft: ApplicationDraft) -> dict[str, list]:
    """The draft's attachments as the `files` argument of application_submit: kind → open files."""
    files: dict[str, list] = {}
    for attachment in draft.attachments.all():
        handle = attachment.file.open("rb")
        files.setdefault(attachment.kind, []).append(File(handle, name=attachment.original_name))
    return files


def application_draft_submit(*, draft: ApplicationDraft, data: dict, ip: str | None = None) -> Application:
    """Submit a draft: application_submit with the same checks (五(一)2), the kept files as documents.

    `data` is the whole form's cleaned values (the last step re-validates every step). On success
    the draft and its files are deleted; on any refusal (the call closed meanwhile, a duplicate,
    a document missing) it raises and the draft stays as it was.
    """
    files = application_draft_files(draft)
    try:
        application = application_submit(call=draft.call, data=data, files=files, ip=ip)
    finally:
        for handles in files.values():
            for handle in handles:
                handle.close()
    with transaction.atomic():
        application_draft_delete(draft=draft)
    return application


def application_drafts_expired(cutoff: dt.datetime) -> QuerySet[ApplicationDraft]:
    return ApplicationDraft.objects.filter(expires_at__lt=cutoff).order_by("pk")
