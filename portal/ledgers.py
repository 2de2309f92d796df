"""Ledgers (台账): every list staff keep, exported as XLSX (by default) or CSV (issue 16).

A ledger is the admin's change list as a file: the same scoped, filtered rows
(the changelist's queryset, so a street sees its street and a community its
community), Chinese column headers (the fields' verbose names), choices as
their labels, people by name (portal.models.person_name), and a title row
above the header naming the list, the filters applied and the date range.

An app declares its ledger in its `resources.py` with `ledger_resource(model,
[field paths…])` and adds `LedgerExportMixin` to the ModelAdmin with
`resource_classes = [ThatResource]` and, where the list has a date worth
bounding, `ledger_date_field`. The export page then offers 起始日期/截止日期.

Small ledgers are written in the request; above LEDGER_WORKER_ABOVE rows the
worker writes them (portal.background) while a pending page shows the progress.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.encoding import escape_uri_path, force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from openpyxl import Workbook

from .background import background_builder, background_job_start, background_job_url
from .models import person_name
from .xlsx import sheet_title

# Above this many rows the worker writes the file (a few seconds of a request at most below it).
LEDGER_WORKER_ABOVE = 3000
# How often the worker reports its progress, in rows.
PROGRESS_EVERY = 500

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- Values ------------------------------------------------------------------------


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _plain(value):
    """A cell value a spreadsheet keeps as it is: local naive times, whole numbers without decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return "、".join(str(_plain(v)) for v in value)
    if isinstance(value, dt.date | dt.time | int | float):
        return value
    return force_str(value)


def ledger_value(obj, path: str):
    """The value at `path` ("partner__community__name") for a ledger cell.

    Choices give their label, users their name, other records their text, booleans 是/否.
    """
    parts = path.split("__")
    for part in parts[:-1]:
        obj = getattr(obj, part, None)
        if obj is None:
            return ""
    name = parts[-1]
    field = _model_field(type(obj), name)
    if field is not None and field.choices and not field.many_to_many:
        value = getattr(obj, name)
        if isinstance(value, list):  # a JSON list of choice codes
            labels = dict(field.choices)
            return "、".join(str(labels.get(v, v)) for v in value)
        return force_str(getattr(obj, f"get_{name}_display")()) if value not in (None, "") else ""
    if field is not None and field.many_to_many:
        return "、".join(_person_or_text(o) for o in getattr(obj, name).all())
    value = getattr(obj, name)
    if callable(value) and not isinstance(value, models.Model):
        value = value()
    if isinstance(value, models.Model):
        return _person_or_text(value)
    return _plain(value)


def _person_or_text(obj) -> str:
    if obj._meta.label == settings.AUTH_USER_MODEL:
        return person_name(obj)
    return force_str(obj)


def _header(model, path: str) -> str:
    parts = path.split("__")
    for part in parts[:-1]:
        field = _model_field(model, part)
        if field is None or not field.is_relation:
            return path
        model = field.related_model
    field = _model_field(model, parts[-1])
    return force_str(field.verbose_name) if field is not None else parts[-1]


def _related_paths(model, paths) -> tuple[list[str], list[str]]:
    """(select_related, prefetch_related) lookups the ledger's columns need."""
    joins, prefetch = set(), set()
    for path in paths:
        current, prefix = model, []
        for part in path.split("__"):
            field = _model_field(current, part)
            if field is None or not field.is_relation:
                break
            prefix.append(part)
            if field.many_to_many or field.one_to_many:
                prefetch.add("__".join(prefix))
                break
            joins.add("__".join(prefix))
            current = field.related_model
    return sorted(joins), sorted(prefetch)


class LedgerResource(resources.Resource):
    """An export-only resource: declared by `ledger_resource`, bound to the exporting user."""

    ledger_model: type[models.Model]
    ledger_name: str = ""
    select: tuple[list[str], list[str]] = ([], [])

    def __init__(self, user=None, **kwargs):
        self.user = user
        super().__init__(**kwargs)

    @classmethod
    def get_display_name(cls):
        return cls.ledger_name

    def export_field(self, field, instance, **kwargs):
        method = getattr(self, f"dehydrate_{field.column_name}", None)
        if method is None:
            method = getattr(self, f"dehydrate_{self.get_field_name(field)}", None)
        if method is not None:
            return _plain(method(instance))
        return ledger_value(instance, field.attribute)

    def headers(self) -> list[str]:
        return self.get_export_headers()

    def rows(self, queryset, *, native: bool = True):
        joins, prefetch = self.select
        queryset = queryset.select_related(*joins).prefetch_related(*prefetch)
        if not queryset.query.order_by and not queryset.ordered:
            queryset = queryset.order_by("pk")
        for obj in self.iter_queryset(queryset):
            yield self.export_resource(obj)


def ledger_resource(model, columns, *, name: str = "", extra: dict | None = None) -> type[LedgerResource]:
    """A ledger resource for `model`: each column a field path, or (path, header).

    A column whose path is not a field is computed by a `dehydrate_<path>` method in `extra`
    (give its header). Headers default to the fields' verbose names.
    """
    attrs: dict = {}
    paths = []
    for column in columns:
        path, header = column if isinstance(column, tuple) else (column, None)
        paths.append(path)
        attrs[path] = fields.Field(attribute=path, column_name=header or _header(model, path), readonly=True)
    attrs.update(extra or {})
    attrs.update(
        ledger_model=model,
        ledger_name=name or force_str(model._meta.verbose_name_plural),
        select=_related_paths(model, paths),
    )
    return type(f"{model.__name__}Ledger", (LedgerResource,), attrs)


# --- Files -------------------------------------------------------------------------


def ledger_title(name: str, *, filters: list[str], start, end, date_label: str = "") -> str:
    """`社区空间台账(筛选:社区:东村社区;日期:2026年1月1日至2026年3月31日)`."""
    filter_text = "；".join(filters) if filters else _("无")
    if start or end:
        dates = _("%(start)s至%(end)s") % {
            "start": chinese_date(start) if start else _("最早"),
            "end": chinese_date(end) if end else _("今"),
        }
    else:
        dates = _("全部（导出于%(today)s）") % {"today": chinese_date(timezone.localdate())}
    date_head = _("日期") + (f"（{date_label}）" if date_label else "")
    return _("%(name)s台账（筛选：%(filters)s；%(date_head)s：%(dates)s）") % {
        "name": name,
        "filters": filter_text,
        "date_head": date_head,
        "dates": dates,
    }


def write_ledger(out, *, fmt: str, sheet: str, title: str, headers: list[str], rows, report=None) -> None:
    """Write the title row, the header row and the rows to `out` as XLSX or CSV (UTF-8 with BOM)."""
    count = 0
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([title])
        writer.writerow(headers)
        for row in rows:
            writer.writerow(row)
            count += 1
            if report and count % PROGRESS_EVERY == 0:
                report(count)
        text.flush()
        text.detach()
        return
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet_title(sheet))
    worksheet.append([title])
    worksheet.append(headers)
    for row in rows:
        worksheet.append([None if value == "" else value for value in row])
        count += 1
        if report and count % PROGRESS_EVERY == 0:
            report(count)
    workbook.save(out)


def ledger_filename(name: str, fmt: str) -> str:
    return f"{name}台账-{timezone.localdate():%Y%m%d}.{fmt}"


# --- Admin -------------------------------------------------------------------------


class LedgerExportForm(ExportForm):
    """The export page: XLSX chosen already (CSV also), and an optional date range."""

    date_label = ""

    start = forms.DateField(
        label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        field = self.fields["format"]
        field.choices = [(value, label) for value, label in field.choices if value != ""]
        field.initial = "0"
        field.label = gettext_lazy("文件格式")
        if self.date_label:
            for name in ("start", "end"):
                self.fields[name].help_text = _("按“%(field)s”筛选；留空表示不限。") % {
                    "field": self.date_label
                }
        else:
            del self.fields["start"], self.fields["end"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise ValidationError({"end": _("截止日期不能早于起始日期。")})
        return data


def _date_filter(model, field_name: str, start, end) -> dict:
    field = model._meta.get_field(field_name)
    suffix = "__date" if isinstance(field, models.DateTimeField) else ""
    lookups = {}
    if start:
        lookups[f"{field_name}{suffix}__gte"] = start
    if end:
        lookups[f"{field_name}{suffix}__lte"] = end
    return lookups


def changelist_filters(changelist) -> list[str]:
    """The filters applied on a change list, in words: ["社区:东村社区", "搜索:王"]."""
    parts = []
    for spec in changelist.filter_specs:
        if not getattr(spec, "used_parameters", None):
            continue
        for choice in spec.choices(changelist):
            if choice.get("selected"):
                parts.append(f"{force_str(spec.title)}：{force_str(choice['display'])}")
                break
    if changelist.query:
        parts.append(_("搜索：%(q)s") % {"q": changelist.query})
    return parts


class LedgerExportMixin(ExportMixin):
    """Export the change list as a ledger: the scoped, filtered rows with a title row.

    `resource_classes = [ledger_resource(...)]`; `ledger_date_field` names the date the
    export page's range bounds (optional).
    """

    formats = [XLSX, CSV]
    ledger_date_field = ""

    def get_export_form_class(self):
        label = ""
        if self.ledger_date_field:
            label = force_str(self.model._meta.get_field(self.ledger_date_field).verbose_name)
        return type("LedgerExportForm", (LedgerExportForm,), {"date_label": label})

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_export_queryset(self, request):
        changelist = self.get_changelist_instance(request)
        request.ledger_filters = changelist_filters(changelist)
        return changelist.queryset

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        fmt = file_format.get_extension()
        data = export_form.cleaned_data if export_form is not None else {}
        start, end = data.get("start"), data.get("end")
        if self.ledger_date_field and (start or end):
            queryset = queryset.filter(**_date_filter(self.model, self.ledger_date_field, start, end))
        resource = self.get_export_resource_classes(request)[0](user=request.user)
        name = resource.get_display_name()
        date_label = export_form.date_label if export_form is not None else ""
        title = ledger_title(
            name, filters=getattr(request, "ledger_filters", []), start=start, end=end, date_label=date_label
        )
        if queryset.count() > LEDGER_WORKER_ABOVE:
            job = background_job_start(
                builder="ledger",
                user=request.user,
                title=title,
                back=request.get_full_path().replace("export/", ""),
                kwargs={
                    "app_label": self.opts.app_label,
                    "model_name": self.opts.model_name,
                    "user_id": request.user.pk,
                    "query": request.GET.urlencode(),
                    "start": start.isoformat() if start else "",
                    "end": end.isoformat() if end else "",
                    "fmt": fmt,
                    "pks": list(queryset.values_list("pk", flat=True)) if "export_items" in data else None,
                },
            )
            return HttpResponseRedirect(background_job_url(job))
        out = io.BytesIO()
        write_ledger(
            out,
            fmt=fmt,
            sheet=name,
            title=title,
            headers=resource.headers(),
            rows=resource.rows(queryset, native=fmt == "xlsx"),
        )
        response = _file_response(out.getvalue(), file_format.get_content_type(), ledger_filename(name, fmt))
        return response


def _file_response(data: bytes, content_type: str, filename: str):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


@background_builder("ledger")
def build_ledger(*, out, report, app_label, model_name, user_id, query, start, end, fmt, pks=None) -> str:
    """The worker's side of a big ledger: the same admin, user and filters as the request."""
    user = get_user_model().objects.get(pk=user_id)
    model_admin = next(
        a
        for m, a in admin.site._registry.items()
        if (m._meta.app_label, m._meta.model_name) == (app_label, model_name)
    )
    request = RequestFactory().get("/?" + query)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    queryset = model_admin.get_export_queryset(request)
    start, end = parse_date(start or ""), parse_date(end or "")
    if model_admin.ledger_date_field and (start or end):
        queryset = queryset.filter(
            **_date_filter(model_admin.model, model_admin.ledger_date_field, start, end)
        )
    if pks is not None:
        queryset = queryset.filter(pk__in=pks)
    resource = model_admin.get_export_resource_classes(request)[0](user=user)
    name = resource.get_display_name()
    total = queryset.count()
    report(0, total)
    date_label = model_admin.get_export_form_class().date_label
    title = ledger_title(name, filters=request.ledger_filters, start=start, end=end, date_label=date_label)
    write_ledger(
        out,
        fmt=fmt,
        sheet=name,
        title=title,
        headers=resource.headers(),
        rows=resource.rows(queryset, native=fmt == "xlsx"),
        report=lambda done: report(done, total),
    )
    report(total, total)
    return ledger_filename(name, fmt)
