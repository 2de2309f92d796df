"""Posters for the notice board (issue 16): an A4 or A5 PDF with a QR code to the online page.

The rulebook publishes calls and notices through online and offline channels (rulebook
五(一)1 招募公告, through 线上 and 线下 channels, and 五(二)3 公示 through the same channels); a printed poster carries a QR code
that opens the same page online, and the page's address in words for those who type it.
The QR code is drawn by segno as SVG (no Pillow needed) and embedded as a data URI,
which WeasyPrint renders as vectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import segno
from django.conf import settings

from .pdf import render_pdf


def absolute_url(path: str) -> str:
    """The public address of a site path, from PORTAL_BASE_URL (what a phone opens)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def qr_svg_data_uri(url: str) -> str:
    """The QR code of `url` as an SVG data URI (error correction M: survives a scuffed print)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=10, border=2)


@dataclass
class Poster:
    """What a poster says: a kicker line, the title, a few (label, text) rows, body lines, the QR."""

    kicker: str
    title: str
    url: str
    call_to_action: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    footer: str = ""
    page_size: str = "A4"  # "A4" or "A5"


def poster_pdf(poster: Poster) -> bytes:
    return render_pdf(
        "pdf/poster.html",
        {"poster": poster, "qr": qr_svg_data_uri(poster.url), "page_size": poster.page_size},
    )
