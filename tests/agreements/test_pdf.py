"""The agreement as a printable Chinese PDF, cached per version (issue 8)."""

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.utils.html import strip_tags
from pypdf import PdfReader

from agreements.domain import (
    agreement_document_current,
    agreement_document_render,
    agreement_pdf_html,
    agreement_pdf_request,
)
from agreements.models import AgreementDocument
from tests.factories import partner_in_state
from tests.utils import pdf_text

from .factories import draft_agreement, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement():
    partner = partner_in_state("signing", application__applicant_name="句容市银龄互助服务中心")
    return draft_agreement(partner, start=dt.date(2026, 3, 1), months=12)


def test_agreement_pdf_text_has_parties_articles_targets_and_signatures(agreement):
    document = agreement_document_render(agreement=agreement)

    with document.file.open("rb") as pdf:
        text = pdf_text(pdf.read())
    flat = text.replace("\n", "").replace(" ", "")
    assert "“睦邻合伙人”三方协议" in flat
    assert "句容市银龄互助服务中心" in flat
    assert "第一条协议期限" in flat and "第十条其他" in flat
    assert "本协议期限自2026年3月1日起至2027年2月28日止，共12个月" in flat
    assert "服务居民人次每月120" in flat
    assert "免租金" in flat and "标识使用权" in flat
    assert "甲方：" in flat and "乙方：句容市银龄互助服务中心" in flat and "丙方：" in flat
    assert "第1页共" in flat
    assert "草拟稿" in flat


def test_pdf_cached_per_version(agreement, django_capture_on_commit_callbacks):
    first = agreement_document_render(agreement=agreement)
    again = agreement_document_render(agreement=agreement)
    with django_capture_on_commit_callbacks(execute=True):
        sign_all(agreement)  # the text changes (signatories, dates): signing queues the new version

    current = agreement_document_current(agreement)

    assert again.pk == first.pk
    assert current is not None and current.pk != first.pk
    assert AgreementDocument.objects.filter(agreement=agreement).count() == 2
    with current.file.open("rb") as pdf:
        assert "王小明" in pdf_text(pdf.read())


def test_pdf_request_queues_rendering_after_commit(agreement, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert agreement_pdf_request(agreement=agreement) is None

    assert agreement_document_current(agreement) is not None


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_agreement_pdf_holds_every_text_of_its_html_in_two_regular_faces(agreement):
    """Fewer font faces (issue 14) keep all the text: every heading, paragraph and cell is in the PDF."""
    html, _context = agreement_pdf_html(agreement)
    document = agreement_document_render(agreement=agreement)
    with document.file.open("rb") as pdf:
        data = pdf.read()
    flat = re.sub(r"第\d+页共\d+页", "", _flat(pdf_text(data)))  # the footer may fall inside a paragraph
    body = html.split("<body>", 1)[1]
    pieces = [
        _flat(unescape(strip_tags(piece)))
        for piece in re.findall(r"<(?:h1|h2|p|th|td)\b[^>]*>(.*?)</(?:h1|h2|p|th|td)>", body, re.S)
    ]
    assert len(pieces) > 30
    missing = [piece for piece in pieces if piece and piece not in flat]
    assert missing == []

    reader = PdfReader(io.BytesIO(data))
    faces = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    assert len(faces) == 2 and not any("Bold" in face for face in faces), faces
