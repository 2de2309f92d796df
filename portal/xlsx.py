"""Small XLSX exports (openpyxl): a header row in Chinese and the rows below it."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.encoding import escape_uri_path
from openpyxl import Workbook


def rows_to_xlsx(headers: list[str], rows, *, title: str = "Sheet1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
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
