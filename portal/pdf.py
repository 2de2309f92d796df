"""PDF rendering with WeasyPrint and a CJK font (Noto CJK from Debian's fonts-noto-cjk).

All text stays real, selectable text. Templates extend "pdf/base.html", which
sets A4 pages, page numbers and the Chinese fonts.
"""

from __future__ import annotations

import threading

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path

_local = threading.local()


def _font_config():
    """This thread's WeasyPrint font configuration, made once and kept.

    By default WeasyPrint builds a new one (Fontconfig's font list and a new Pango
    font map) for every document, so each render loads and shapes the 20–27 MB CJK
    faces afresh; a long-lived PDF worker keeps one instead (issue 14: about 15 %
    of an agreement's render). One per thread, as Pango font maps are not shared
    across threads. Our templates declare no @font-face, so nothing a document
    declares leaks into the next one's fonts.
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration  # deferred: a cold WeasyPrint import costs ~0.7 s

        config = _local.font_config = FontConfiguration()
    return config


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of HTML already rendered (e.g. the HTML whose hash names the stored PDF)."""
    from weasyprint import HTML  # deferred: a cold import costs ~0.7 s; only PDF rendering needs it

    return HTML(string=html, base_url=base_url or ".").write_pdf(font_config=_font_config())


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    return html_to_pdf(render_to_string(template_name, context), base_url=base_url)


def pdf_response(data: bytes, filename: str, *, inline: bool = True):
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
