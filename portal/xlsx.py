"""Small XLSX exports (openpyxl): a header row in Chinese and the rows below it."""

from __future__ import annotations

import io
import re

from django.http import HttpResponse
from django.utils.encoding import escape_uri_path
from openpyxl import Workbook


def sheet_title(name, taken: set[str] | None = None) -> str:
    """A worksheet name Excel accepts: no []:*?/\\, at most 31 characters, unique among `taken`
    (which it joins)."""
    base = re.sub(r"[\[\]:*?/\\]", "·", str(name))[:31] or "Sheet1"
    title, n = base, 2
    while taken is not None and title in taken:
        suffix = f"（{n}）"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    if taken is not None:
        taken.add(title)
    return title


def rows_to_xlsx(headers: list[str], rows, *, title: str = "Sheet1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([("" if v is None else v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
