"""PDF rendering with WeasyPrint and a CJK font (Noto CJK from Debian's fonts-noto-cjk).

All text stays real, selectable text. Templates extend "pdf/base.html", which
sets A4 pages, page numbers and the Chinese fonts.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of HTML already rendered (e.g. the HTML whose hash names the stored PDF)."""
    from weasyprint import HTML  # deferred: a cold import costs ~0.7 s; only PDF rendering needs it

    return HTML(string=html, base_url=base_url or ".").write_pdf()


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    return html_to_pdf(render_to_string(template_name, context), base_url=base_url)


def pdf_response(data: bytes, filename: str, *, inline: bool = True):
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
