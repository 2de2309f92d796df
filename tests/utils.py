"""Helpers for assertions on generated documents."""

import io


def pdf_text(data: bytes) -> str:
    """All text of a PDF, as extracted by pypdf (proves the Chinese is real text)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]
