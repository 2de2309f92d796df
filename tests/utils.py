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


# For every text node of a table cell: its characters, its line boxes and its cell's width.
TEXT_LINES_JS = """() => {
  const found = [];
  document.querySelectorAll('table.cards td').forEach(td => {
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (text.length < 2) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      found.push({text, lines: tops.size, width: td.getBoundingClientRect().width});
    }
  });
  return found;
}"""


def assert_no_text_one_character_per_line(page):
    nodes = page.evaluate(TEXT_LINES_JS)
    assert nodes, "no table text on the page"
    crushed = [n for n in nodes if n["lines"] > 1 and len(n["text"]) / n["lines"] < 4]
    assert crushed == [], crushed
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
