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


def built_by_worker(client, url: str, capture_on_commit) -> bytes:
    """A file the worker builds (dossier PDF/ZIP/XLSX): the pending page (202) queues it, the
    worker runs (eager in tests), then the same URL serves the stored file."""
    with capture_on_commit(execute=True):
        assert client.get(url).status_code == 202
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content
