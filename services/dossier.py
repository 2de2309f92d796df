"""This app's sections of the partner's dossier (项目档案, rulebook 六(二)1)."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import PartnerTransition
from portal.dossier import (
    DossierDocument,
    DossierEntry,
    DossierSection,
    dossier_archive,
    dossier_section,
    dossier_sections,
)
from portal.forms import average_display
from portal.pdf import html_to_pdf
from portal.tasks import publish
from portal.uploads import private_storage
from portal.xlsx import rows_to_xlsx

from .domain import satisfaction
from .models import (
    DisciplineSignoff,
    Evaluation,
    Feedback,
    FeedbackStatus,
    LogoLicence,
    LogStatus,
    Observation,
    PartnerExit,
    Recognition,
    ServiceLog,
    ServiceLogFile,
)
from .progress import completion_percent
from .stats import LOG_EXPORT_HEADERS, log_export_rows, month_sheet_pdf

# Rejected and closed logs are left off the monthly sheet (stats.month_logs).
_OFF_SHEET = (LogStatus.REJECTED, LogStatus.CLOSED)


def _admin_url(obj) -> str:
    return reverse(f"admin:services_{obj._meta.model_name}_change", args=[obj.pk])


@dossier_section(order=70)
def service_logs_section(partner):
    """Service logs summarised by month (verified only), the full list as an XLSX appendix.

    A partner serving for years has thousands of logs (rulebook 六(一)1 asks for one
    record per service); the dossier (六(二)1) keeps their monthly figures, the
    monthly sheets, every uploaded file, and the full list as 公益服务记录明细.xlsx,
    so its size does not grow with the number of logs.
    """
    logs = ServiceLog.objects.filter(partner=partner)
    span = logs.aggregate(total=Count("id"), last=Max("date"))
    total = span["total"]
    if not total:
        return DossierSection(key="service_logs", title=_("公益服务记录"), entries=[])
    monthly = {
        row["month"]: row
        for row in logs.filter(status=LogStatus.VERIFIED)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("id"), hours=Sum("hours"), residents=Sum("residents_served"))
        .order_by("month")
    }
    sheet_months = set(
        logs.exclude(status__in=_OFF_SHEET)
        .annotate(month=TruncMonth("date"))
        .values_list("month", flat=True)
        .order_by("month")  # not the model's ordering: DISTINCT would then keep one row per log
        .distinct()
    )
    verified = {
        "n": sum(row["n"] for row in monthly.values()),
        "hours": sum((row["hours"] for row in monthly.values()), Decimal(0)),
        "residents": sum(row["residents"] or 0 for row in monthly.values()),
    }
    entries = [
        DossierEntry(
            when=None,
            title=_("汇总"),
            detail=_("共 %(all)s 条记录，其中已核实 %(n)s 条，服务 %(hours)s 小时、%(residents)s 人次。")
            % {"all": total, **verified},
        ),
        DossierEntry(
            when=span["last"],
            title=_("公益服务记录明细（全部 %(n)s 条）") % {"n": total},
            detail=_("每条记录的日期、时间、空间、内容、人次与核实状态见附件 XLSX。"),
            url=reverse("services:dossier_logs", args=[partner.pk]),
            documents=[
                DossierDocument(
                    label=_("公益服务记录明细"),
                    render=lambda: dossier_logs_xlsx(partner),
                    extension=".xlsx",
                )
            ],
        ),
    ]
    files_by_month: dict[dt.date, list] = {}
    for f in (
        ServiceLogFile.objects.filter(log__partner=partner)
        .select_related("log")
        .order_by("log__date", "log_id", "id")
    ):
        files_by_month.setdefault(f.log.date.replace(day=1), []).append(f)
    for month in sorted(set(monthly) | sheet_months | set(files_by_month)):
        row = monthly.get(month)
        detail = (
            _("已核实 %(n)s 次活动，服务 %(hours)s 小时、%(residents)s 人次。")
            % {"n": row["n"], "hours": row["hours"] or 0, "residents": row["residents"] or 0}
            if row
            else _("本月无已核实的记录。")
        )
        documents = []
        if month in sheet_months:
            documents.append(
                DossierDocument(
                    label=_("公益服务记录表-%(year)s%(month)02d")
                    % {"year": month.year, "month": month.month},
                    render=lambda year=month.year, m=month.month: month_sheet_pdf(partner, year, m),
                )
            )
        documents += [  # the sign-in sheets and photos uploaded with the month's logs
            DossierDocument(
                label=f"{f.log.date:%Y-%m-%d}-{f.get_kind_display()}",
                file=f.file,
                original_name=f.original_name,
            )
            for f in files_by_month.get(month, [])
        ]
        entries.append(
            DossierEntry(
                when=month,
                title=_("%(year)s年%(month)02d月") % {"year": month.year, "month": month.month},
                detail=detail,
                url=reverse("services:log_export", args=[partner.pk, month.year, month.month, "pdf"])
                if month in sheet_months
                else "",
                documents=documents,
            )
        )
    return DossierSection(key="service_logs", title=_("公益服务记录"), entries=entries)


def dossier_logs(partner):
    """Every service log of the partner, oldest first (the dossier's appendix and its paginated list)."""
    return (
        ServiceLog.objects.filter(partner=partner)
        .select_related("space")
        .order_by("date", "start_time", "id")
    )


def dossier_logs_xlsx(partner) -> bytes:
    """公益服务记录明细: one row per log, every status, as XLSX."""
    return rows_to_xlsx(
        LOG_EXPORT_HEADERS,
        log_export_rows(dossier_logs(partner).iterator(chunk_size=2000)),
        title=_("公益服务记录明细"),
    )


@dossier_section(order=80)
def observations_feedback_section(partner):
    entries = []
    for obs in (
        Observation.objects.filter(partner=partner)
        .select_related("observer__user")
        .prefetch_related("photos")
        .order_by("date", "id")
    ):
        entries.append(
            DossierEntry(
                when=obs.date,
                title=_("观察员 %(name)s 的观察记录") % {"name": obs.observer},
                detail=_("守时 %(p)s、质量 %(q)s、安全 %(s)s、态度 %(a)s。%(seen)s")
                % {
                    "p": obs.punctuality,
                    "q": obs.quality,
                    "s": obs.safety,
                    "a": obs.attitude,
                    "seen": obs.seen,
                },
                url=_admin_url(obs),
                documents=[
                    DossierDocument(
                        label=_("观察照片-%(date)s") % {"date": f"{obs.date:%Y-%m-%d}"},
                        file=p.file,
                        original_name=p.original_name,
                    )
                    for p in obs.photos.all()
                ],
            )
        )
    counts = dict(Feedback.objects.filter(partner=partner).values_list("status").annotate(n=Count("id")))
    if counts:
        avg, n = satisfaction(partner)
        entries.append(
            DossierEntry(
                when=None,
                title=_("居民意见箱汇总"),
                detail=_("共 %(total)s 条意见，审核通过 %(n)s 条，平均满意度 %(avg)s 分。")
                % {
                    "total": sum(counts.values()),
                    "n": counts.get(FeedbackStatus.APPROVED, 0),
                    "avg": average_display(avg),
                },
                url=reverse("admin:services_feedback_changelist") + f"?partner__id__exact={partner.pk}",
            )
        )
    return DossierSection(key="observations_feedback", title=_("观察员报告与居民意见"), entries=entries)


@dossier_section(order=90)
def evaluations_section(partner):
    entries = []
    for ev in Evaluation.objects.filter(partner=partner).order_by("evaluated_on", "id"):
        share = f"{completion_percent(ev.fulfilment_share)}%" if ev.fulfilment_share is not None else "—"
        entries.append(
            DossierEntry(
                when=ev.evaluated_on,
                title=f"{ev.get_kind_display()}：{ev.get_conclusion_display()}",
                detail=_(
                    "指标完成率 %(share)s，满意度 %(sat)s，观察员评分 %(obs)s，评分合计 %(total)s。%(remarks)s"
                )
                % {
                    "share": share,
                    "sat": ev.satisfaction if ev.satisfaction is not None else "—",
                    "obs": ev.observer_rating if ev.observer_rating is not None else "—",
                    "total": ev.total_score if ev.total_score is not None else "—",
                    "remarks": ev.remarks,
                },
                url=_admin_url(ev),
            )
        )
    for rec in Recognition.objects.filter(partner=partner).order_by("date", "id"):
        entries.append(
            DossierEntry(
                when=rec.date,
                title=f"{rec.get_kind_display()}：{rec.title}",
                detail=rec.detail,
                url=_admin_url(rec),
            )
        )
    return DossierSection(key="evaluations", title=_("评估、表扬与警告"), entries=entries)


@dossier_section(order=100)
def exit_section(partner):
    entries = []
    for licence in LogoLicence.objects.filter(partner=partner).order_by("granted_on", "id"):
        detail = (
            _("已于 %(date)s 撤销（%(why)s）。") % {"date": licence.revoked_on, "why": licence.revoked_note}
            if licence.revoked_on
            else _("有效。")
        )
        entries.append(
            DossierEntry(
                when=licence.granted_on, title=_("授予标识使用权"), detail=detail, url=_admin_url(licence)
            )
        )
    for signoff in DisciplineSignoff.objects.filter(partner=partner).order_by("signed_on", "id"):
        entries.append(
            DossierEntry(
                when=signoff.signed_on,
                title=_("%(dept)s签字确认（%(name)s）")
                % {"dept": signoff.department, "name": signoff.signatory},
                detail=signoff.finding,
                url=_admin_url(signoff),
            )
        )
    record = PartnerExit.objects.filter(partner=partner).first()
    if record:
        entries.append(
            DossierEntry(
                when=record.exit_date,
                title=_("退出：%(reason)s") % {"reason": record.get_reason_display()},
                detail=_("%(note)s 交接情况：%(handover)s")
                % {"note": record.note, "handover": record.handover_note},
                url=_admin_url(record),
            )
        )
    return DossierSection(key="exit", title=_("标识使用与退出"), entries=entries)


# --- Dossier files built by the worker: the PDF, the ZIP, the log appendix -------------------
#
# Each grows with the partner's record (a partner with 5,000 logs: a 265-page PDF before the
# monthly summary, a ZIP of every upload), so no request builds one. A request asks for the file
# (`dossier_file_request`); if the stored copy for the current content is missing it queues the
# worker (the "pdf" queue: concurrency 1, memory-capped, config/settings/base.py) and shows a
# page that refreshes; the worker stores it under the hash of its content, so it is rebuilt only
# when a record it shows changes.

PDF_TEMPLATE = "services/pdf/dossier.html"
# How long a queued rendering keeps later requests from queueing it again.
PDF_QUEUE_SECONDS = 15 * 60


def dossier_number(partner) -> str:
    """The dossier's 档号: street code, year the record was opened, partner number.

    `JD003-2026-000123` is the dossier of partner 123, opened in 2026, of the street with
    id 3. Every part is fixed when the partner record is created (a partner never changes
    street or community), so the number printed on the cover never changes (rulebook 六(二)1
    asks for one complete dossier per partner).
    """
    year = timezone.localtime(partner.created_at).year
    return f"JD{partner.community.street_id:03d}-{year}-{partner.pk:06d}"


def dossier_context(partner) -> dict:
    return {
        "partner": partner,
        "dossier_number": dossier_number(partner),
        "sections": dossier_sections(partner),
        "history": PartnerTransition.objects.filter(partner=partner)
        .select_related("actor")
        .order_by("created_at", "id"),
    }


def dossier_pdf_html(partner) -> tuple[str, dict]:
    context = dossier_context(partner)
    return render_to_string(PDF_TEMPLATE, context), context


def _logs_fingerprint(partner) -> bytes:
    """Every exported column of every log, hashed: the XLSX appendix changes when any of them does."""
    digest = hashlib.sha256()
    for row in (
        ServiceLog.objects.filter(partner=partner)
        .order_by("id")
        .values_list(
            "id",
            "date",
            "start_time",
            "end_time",
            "hours",
            "space_id",
            "category",
            "title",
            "description",
            "residents_served",
            "special_group_residents",
            "special_groups",
            "cost_basis",
            "volunteers",
            "status",
        )  # fmt: skip
        .iterator(chunk_size=2000)
    ):
        digest.update(repr(row).encode())
    return digest.digest()


def _write_pdf(partner, html: str, context: dict, out) -> None:
    out.write(html_to_pdf(html))


def _write_zip(partner, html: str, context: dict, out) -> None:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    dossier_archive(
        context["sections"],
        dossier=DossierDocument(
            label=_("项目档案-%(name)s") % {"name": partner.name},
            render=lambda: dossier_pdf_bytes(partner),
        ),
        absolute_url=lambda url: base + url,
        out=out,
    )


def _write_logs_xlsx(partner, html: str, context: dict, out) -> None:
    out.write(dossier_logs_xlsx(partner))


@dataclass(frozen=True)
class DossierFile:
    """One file of the dossier the worker builds: how to name, fingerprint and write it."""

    kind: str  # "pdf", "zip", "xlsx": the storage suffix and the task's argument
    write: Callable  # (partner, html, context, out) -> None
    with_logs: bool = False  # its content also holds every log's columns (the XLSX appendix)


DOSSIER_FILES = {
    f.kind: f
    for f in (
        DossierFile("pdf", _write_pdf),
        DossierFile("zip", _write_zip, with_logs=True),
        DossierFile("xlsx", _write_logs_xlsx, with_logs=True),
    )
}


def _stored_name(partner, kind: str, digest: str) -> str:
    return f"dossiers/{partner.pk}/{digest}.{kind}"


def _progress_key(partner, kind: str, digest: str) -> str:
    return f"services:dossier-{kind}:{partner.pk}:{digest}"


def _content(partner, kind: str) -> tuple[str, dict, str]:
    """(the dossier HTML, its context, the hash naming the stored file of this kind)."""
    html, context = dossier_pdf_html(partner)
    digest = hashlib.sha256(html.encode())
    if DOSSIER_FILES[kind].with_logs:
        digest.update(_logs_fingerprint(partner))
    return html, context, digest.hexdigest()


def dossier_file_stored(partner, kind: str) -> tuple[str | None, str]:
    """(the stored file's name if this content was built already, the content hash)."""
    _html, _context, digest = _content(partner, kind)
    name = _stored_name(partner, kind, digest)
    return (name if private_storage.exists(name) else None), digest


def dossier_file_render(partner, kind: str) -> str:
    """Build the dossier file of `kind` once per content hash and keep it privately; its storage name.

    The file is written to a temporary file, not held in memory, and the HTML and context
    are dropped before storing, so the worker's peak stays that of the rendering itself.
    """
    html, context, digest = _content(partner, kind)
    name = _stored_name(partner, kind, digest)
    if private_storage.exists(name):
        return name
    cache.set(_progress_key(partner, kind, digest), "rendering", PDF_QUEUE_SECONDS)
    with tempfile.TemporaryFile() as out:
        DOSSIER_FILES[kind].write(partner, html, context, out)
        del html, context
        out.seek(0)
        stored = private_storage.save(name, File(out))
    if stored != name:  # a concurrent rendering stored the same content first
        private_storage.delete(stored)
    cache.delete(_progress_key(partner, kind, digest))
    return name


def dossier_file_progress(partner, kind: str, digest: str) -> str | None:
    """ "queued" or "rendering" while the worker has it, else None."""
    return cache.get(_progress_key(partner, kind, digest))


def _queue(partner_pk: int, kind: str) -> None:
    from .tasks import render_dossier_file  # deferred: the task module imports this one

    publish(render_dossier_file, partner_id=partner_pk, kind=kind)


def dossier_file_request(partner, kind: str) -> tuple[str | None, str | None]:
    """(stored name, None) if ready; otherwise queue its building after commit: (None, progress)."""
    name, digest = dossier_file_stored(partner, kind)
    if name is not None:
        return name, None
    progress = dossier_file_progress(partner, kind, digest)
    if progress is None:
        cache.set(_progress_key(partner, kind, digest), "queued", PDF_QUEUE_SECONDS)
        transaction.on_commit(lambda: _queue(partner.pk, kind))
        progress = "queued"
    return None, progress


def dossier_pdf_render(partner) -> str:
    return dossier_file_render(partner, "pdf")


def dossier_pdf_request(partner) -> tuple[str | None, str | None]:
    return dossier_file_request(partner, "pdf")


def dossier_pdf_bytes(partner) -> bytes:
    """The dossier PDF for the archive: the stored copy, rendered now if missing."""
    name, _digest = dossier_file_stored(partner, "pdf")
    if name is None:
        name = dossier_file_render(partner, "pdf")
    with private_storage.open(name, "rb") as handle:
        return handle.read()
