"""The dossier of a partner with 5,000 service logs: HTML page, PDF (worker) and XLSX appendix.

Figures: wall time of each rendering, queries of the HTML page, PDF pages and size,
Python peak memory (tracemalloc) and the process's peak RSS after the PDF; the
baseline is a one-page PDF with the same CJK font rendered in the same run.
Targets (issue 14): PDF ≤ 60 s and ≤ 400 MB; the HTML page's queries independent of logs.
"""

import datetime as dt
import io
import resource
import time
import tracemalloc
from decimal import Decimal

LOGS = 5000


def _logs(partner, agreement, space, n):
    from services.models import LogStatus, ServiceLog

    statuses = [LogStatus.VERIFIED] * 8 + [LogStatus.SUBMITTED, LogStatus.REJECTED]
    ServiceLog.objects.bulk_create(
        (
            ServiceLog(
                partner=partner,
                street_id=partner.community.street_id,
                agreement=agreement,
                space=space,
                date=dt.date(2024, 1, 1) + dt.timedelta(days=i % 730),
                start_time=dt.time(9),
                end_time=dt.time(11),
                hours=Decimal("2"),
                category="elderly",
                title=f"基准活动{i:05d}",
                description="为老服务:健康讲座与智能手机教学",
                residents_served=12,
                status=statuses[i % len(statuses)],
            )
            for i in range(n)
        ),
        batch_size=1000,
    )


def _timed(func):
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def run():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from pypdf import PdfReader

    from portal.pdf import render_pdf
    from portal.uploads import private_storage
    from services.dossier import dossier_logs_xlsx, dossier_pdf_render
    from tests.factories import street_staff
    from tests.services.factories import serving_partner

    partner, agreement, space = serving_partner("active")
    staff = street_staff(street=partner.community.street)
    client = Client()
    client.force_login(staff)
    url = reverse("services:dossier", args=[partner.pk])
    results = []

    _logs(partner, agreement, space, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _logs(partner, agreement, space, LOGS - 3)
    with CaptureQueriesContext(connection) as many:
        response, html_s = _timed(lambda: client.get(url))
    results.append(("HTML dossier queries, 3 logs", len(few), "queries"))
    results.append((f"HTML dossier queries, {LOGS} logs", len(many), "queries"))
    results.append((f"HTML dossier, {LOGS} logs: time", 1000 * html_s, "ms"))
    results.append((f"HTML dossier, {LOGS} logs: size", len(response.content) / 1024, "KB"))

    # Baseline: a one-page PDF with the same template base and CJK font.
    render_pdf("pdf/base.html", {})  # warm WeasyPrint and fonts
    _baseline, baseline_s = _timed(lambda: render_pdf("pdf/base.html", {}))
    results.append(("baseline: one-page PDF", 1000 * baseline_s, "ms"))

    name, pdf_s = _timed(lambda: dossier_pdf_render(partner))
    results.append((f"dossier PDF, {LOGS} logs: render time", pdf_s, "s"))
    results.append(("dossier PDF ÷ one-page PDF", pdf_s / baseline_s, "x"))
    private_storage.delete(name)  # again, under tracemalloc (slower) for its memory figures

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    name, _traced_s = _timed(lambda: dossier_pdf_render(partner))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with private_storage.open(name, "rb") as handle:
        data = handle.read()
    results.append(("dossier PDF: pages", len(PdfReader(io.BytesIO(data)).pages), "pages"))
    results.append(("dossier PDF: size", len(data) / 1024, "KB"))
    results.append(("dossier PDF: Python peak (tracemalloc)", peak / 2**20, "MB"))
    results.append(("process peak RSS before the PDF", rss_before, "MB"))
    results.append(("process peak RSS after the PDF", rss_after, "MB"))
    _again, reuse_s = _timed(lambda: dossier_pdf_render(partner))
    results.append(("dossier PDF again (stored copy, hash check)", 1000 * reuse_s, "ms"))

    xlsx, xlsx_s = _timed(lambda: dossier_logs_xlsx(partner))
    results.append((f"XLSX appendix, {LOGS} rows: time", 1000 * xlsx_s, "ms"))
    results.append(("XLSX appendix: size", len(xlsx) / 1024, "KB"))
    return results
