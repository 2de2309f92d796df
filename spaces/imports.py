"""Running a list import: check (dry run), then import — all or nothing.

Rulebook 四(一): communities keep the three lists, often as spreadsheets.
A file is imported whole or not at all: any bad row (unknown community,
negative area, overlapping slot, missing column) is reported with its row
number as staff see it in the spreadsheet, and nothing of the file is saved.
"""

from __future__ import annotations

import csv
import io

import tablib
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from portal.domain import audit_log
from portal.tasks import publish_after_commit
from portal.uploads import validate_upload

from .models import ImportJob, ImportStatus
from .resources import RESOURCES
from .tasks import run_import_job

FORMATS = {"xlsx": "XLSX", "csv": "CSV"}
PREVIEW_ROWS = 20
PROGRESS_EVERY = 200
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def load_dataset(data: bytes, file_format: str) -> tablib.Dataset:
    """Read an uploaded file into a dataset; a file that cannot be read raises ValidationError."""
    try:
        if _is_ledger_title(_first_row(data, file_format)):
            # An exported ledger (portal.ledgers) has its title row above the header: skip it.
            dataset = _load(data, file_format, skip_lines=1)
            dataset.title_rows = 1
            return dataset
        return _load(data, file_format)
    except Exception as exc:  # tablib and openpyxl raise many kinds for a broken file
        raise ValidationError(_("无法读取文件，请确认是 UTF-8 编码的 CSV 或 XLSX 文件。")) from exc


def _load(data: bytes, file_format: str, skip_lines: int = 0) -> tablib.Dataset:
    if file_format == "csv":
        text = data.decode("utf-8-sig")
        return tablib.Dataset().load(io.StringIO(text), format="csv", skip_lines=skip_lines)
    return tablib.Dataset().load(io.BytesIO(data), format="xlsx", skip_lines=skip_lines)


def _first_row(data: bytes, file_format: str) -> list:
    if file_format == "csv":
        return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))), [])
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return list(next(workbook.active.iter_rows(max_row=1, values_only=True), ()))
    finally:
        workbook.close()


def _is_ledger_title(headers) -> bool:
    cells = [str(h).strip() for h in headers or [] if h not in (None, "")]
    return len(cells) == 1 and "台账（" in cells[0]


def _clean_headers(dataset: tablib.Dataset) -> None:
    if dataset.headers:
        dataset.headers = [str(h).strip() if h is not None else "" for h in dataset.headers]


def _row_label(number: int, offset: int = 0) -> int:
    # import-export numbers data rows from 1; the spreadsheet's row 1 is the header
    # (row 2 when an exported ledger's title row is above it: `offset`).
    return number + 1 + offset


def result_errors(resource, result) -> list[dict]:
    """Every problem of an import result as {row, message}, row as numbered in the spreadsheet."""
    columns = {name: field.column_name for name, field in resource.fields.items()}
    errors = [{"row": None, "message": str(e.error)} for e in result.base_errors]
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append({"row": _row_label(number, resource.row_offset), "message": str(error.error)})
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            prefix = "" if key == NON_FIELD_ERRORS else f"{columns.get(key, key)}："
            for message in messages:
                errors.append(
                    {"row": _row_label(invalid.number, resource.row_offset), "message": f"{prefix}{message}"}
                )
    errors.sort(key=lambda e: e["row"] or 0)
    return errors


class _Progress:
    """Publishes how many rows are done, in the cache, while the import transaction is open."""

    def __init__(self, key: str | None):
        self.key = key

    def __call__(self, done: int):
        if self.key and done % PROGRESS_EVERY == 0:
            cache.set(self.key, done, timeout=3600)


def import_rows(
    *, kind: str, dataset: tablib.Dataset, user, dry_run: bool, progress_key: str | None = None
) -> dict:
    """Check or import one dataset for `user`. Returns counts and errors; saves nothing on any error."""
    with translation.override("zh-hans"):
        resource = RESOURCES[kind](user=user)
        resource.row_offset = getattr(dataset, "title_rows", 0)
        _clean_headers(dataset)
        if not dataset.headers or len(dataset) == 0:
            return {
                "total": 0,
                "new": 0,
                "update": 0,
                "preview": {},
                "errors": [{"row": None, "message": _("文件没有数据行。")}],
            }
        missing = resource.missing_columns(dataset.headers)
        if missing:
            return {
                "total": len(dataset),
                "new": 0,
                "update": 0,
                "preview": {},
                "errors": [
                    {
                        "row": 1,
                        "message": _("文件缺少必填列：%(columns)s。") % {"columns": "、".join(missing)},
                    }
                ],
            }
        progress = _Progress(progress_key)
        original_after = resource.after_import_row
        counter = {"n": 0}

        def after_import_row(row, row_result, **kwargs):
            original_after(row, row_result, **kwargs)
            counter["n"] += 1
            progress(counter["n"])

        resource.after_import_row = after_import_row
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
        errors = result_errors(resource, result)
        totals = result.totals
        headers = list(dataset.headers or [])
        preview = {
            "headers": headers,
            "rows": [[("" if v is None else str(v)) for v in row] for row in dataset[:PREVIEW_ROWS]],
        }
        return {
            "total": len(dataset),
            "new": 0 if errors else totals.get("new", 0),
            "update": 0 if errors else totals.get("update", 0),
            "errors": errors,
            "preview": preview,
        }


def import_job_create(*, kind: str, uploaded, by) -> ImportJob:
    """Store an uploaded list file for checking by the worker."""
    name = getattr(uploaded, "name", "") or ""
    file_format = "csv" if name.lower().endswith(".csv") else "xlsx"
    if file_format == "xlsx":
        validate_upload(uploaded, kinds={"xlsx": "XLSX"}, max_bytes=MAX_IMPORT_BYTES)
    elif uploaded.size == 0 or uploaded.size > MAX_IMPORT_BYTES:
        raise ValidationError(_("文件为空或超过 20 MB。"))
    if kind not in RESOURCES:
        raise ValidationError(_("未知的清单类型。"))
    job = ImportJob(
        kind=kind, file=uploaded, original_name=name[:255], file_format=file_format, created_by=by
    )
    job.save()
    audit_log(subject=job, action="spaces.import.uploaded", actor=by, note=name)
    return job


def import_job_queue(*, job: ImportJob, confirm: bool = False) -> None:
    """Hand the job to the worker after commit: a check first, the real import on confirmation."""
    publish_after_commit(run_import_job, job_id=job.pk, confirm=confirm)


def import_job_confirm(*, job: ImportJob, by) -> bool:
    """Staff confirm a clean check; the worker then imports the file. False if not (or no longer) possible."""
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.CONFIRMED
    )
    if not updated:
        return False
    job.status = ImportStatus.CONFIRMED
    audit_log(subject=job, action="spaces.import.confirmed", actor=by, note=job.original_name)
    import_job_queue(job=job, confirm=True)
    return True


def import_job_run(*, job: ImportJob, confirm: bool) -> ImportJob:
    """Check (dry run) or, when confirmed after a clean check, import the job's file."""
    if confirm and job.status != ImportStatus.CONFIRMED:
        return job  # only a clean, checked, confirmed file is imported, and only once
    if not confirm and job.status != ImportStatus.PENDING:
        return job
    job.status = ImportStatus.IMPORTING if confirm else ImportStatus.CHECKING
    job.save(update_fields=["status"])
    cache.set(job.progress_key, 0, timeout=3600)
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        dataset = load_dataset(data, job.file_format)
    except ValidationError as exc:
        job.errors = [{"row": None, "message": m} for m in exc.messages]
        job.status = ImportStatus.FAILED
        job.finished_at = timezone.now()
        job.save(update_fields=["errors", "status", "finished_at"])
        return job
    job.total = len(dataset)
    job.save(update_fields=["total"])
    outcome = import_rows(
        kind=job.kind,
        dataset=dataset,
        user=job.created_by,
        dry_run=not confirm,
        progress_key=job.progress_key,
    )
    job.processed = outcome["total"]
    job.new_count, job.update_count = outcome["new"], outcome["update"]
    job.errors = outcome["errors"]
    job.preview = outcome["preview"]
    if outcome["errors"]:
        job.status = ImportStatus.FAILED
    else:
        job.status = ImportStatus.DONE if confirm else ImportStatus.CHECKED
    if job.status != ImportStatus.CHECKED:
        job.finished_at = timezone.now()
    job.save()
    if confirm and job.status == ImportStatus.DONE:
        audit_log(
            subject=job,
            action="spaces.import.done",
            actor=job.created_by,
            note=job.original_name,
            data={"kind": job.kind, "new": job.new_count, "update": job.update_count},
        )
    return job


def import_job_progress(job: ImportJob) -> int:
    """Rows done so far (live from the worker while it runs)."""
    if job.is_running:
        return int(cache.get(job.progress_key) or 0)
    return job.processed
