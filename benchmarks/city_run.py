"""The city benchmark: generate (once), load every page under gunicorn, time the jobs, print one table.

Run by `make bench-city` (scripts/bench_city.sh starts PostgreSQL and Redis and
sets DATABASE_URL, CACHE_URL, BENCH_DIR). Options:

    --scale 0.01      size of the city (1 = 50 streets, 3,000 communities, …)
    --duration 10     seconds per wrk measurement
    --skip load,jobs  parts to leave out: load,uncached,jobs,counts,explain
                      (generate is always checked)

Every page's throughput is divided by the throughput of a trivial view on the
same gunicorn measured just before it (config.settings.bench). Figures are
printed and written to var/bench/city-results.json with their targets; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.cookiejar
import json
import os
import platform
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
BENCH_DIR = Path(os.environ.get("BENCH_DIR", ROOT / "var" / "bench"))
WRK_LUA = Path(__file__).resolve().parent / "city_wrk.lua"
CONNECTIONS = (8, 16)
KB = 1024

# Targets of issue 14: (kind, limit). "min" = at least, "max" = at most.
T_RATIO_CACHED, T_RATIO_UNCACHED = ("min", 0.7), ("min", 0.3)
T_P95_STAFF = ("max", 300.0)  # street staff's pages
T_P95_DASHBOARD_CITY = ("max", 500.0)  # "dashboard: p95 ≤ 500 ms city-wide for the superuser"
T_BYTES = ("max", 100 * KB)

results: list[dict] = []


def record(name: str, value, unit: str = "", target: tuple | None = None, note: str = ""):
    verdict = ""
    if target is not None and value is not None:
        kind, limit = target
        verdict = "pass" if (value >= limit if kind == "min" else value <= limit) else "FAIL"
    elif target is not None:
        verdict = "FAIL"
    results.append(
        {
            "name": name,
            "value": value,
            "unit": unit,
            "target": None if target is None else f"{'≥' if target[0] == 'min' else '≤'} {target[1]}",
            "verdict": verdict,
            "note": note,
        }
    )
    shown = "—" if value is None else (f"{value:,.3f}" if isinstance(value, float) else f"{value:,}")
    print(
        f"  {name:<58} {shown:>12} {unit:<8} {results[-1]['target'] or '':<10} {verdict} {note}", flush=True
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict:
    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(int(mem) / 1024 / 1024, 1),
        "load_before": os.getloadavg(),
        "python": platform.python_version(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


# --- pages -------------------------------------------------------------------


def pages(roles: dict) -> list[tuple[str, str, str]]:
    """(label, path, role) of every page measured; detail pages use real records of the city."""
    from calls.models import RecruitmentCall
    from notices.models import PublicNotice

    notice = PublicNotice.objects.filter(status="published").order_by("id").first()
    partner = city_partner()
    call = RecruitmentCall.objects.filter(status="published").order_by("id").first()
    public = [
        ("home", "/", "anonymous"),
        ("notices", "/notices/", "anonymous"),
        ("a notice", f"/notices/{notice.pk}/", "anonymous"),
        ("partners", "/partners/", "anonymous"),
        ("a partner", f"/partners/{partner.pk}/", "anonymous"),
        ("calls", "/calls/", "anonymous"),
        ("a call", f"/calls/{call.pk}/", "anonymous"),
    ]
    staff = [
        ("api partners", "/api/partners/", "street"),
        ("admin service logs", "/admin/services/servicelog/", "street"),
        ("admin partners", "/admin/partners/partner/", "street"),
        ("admin spaces", "/admin/spaces/space/", "community"),
        ("admin service logs", "/admin/services/servicelog/", "community"),
        ("admin agreements", "/admin/agreements/agreement/", "street"),
        ("admin index (staff desk)", "/admin/", "street"),
        ("dashboard", "/services/dashboard/", "street"),
        ("dashboard", "/services/dashboard/", "admin"),
        ("dossier page", f"/services/dossier/{partner.pk}/", "street"),
        ("reviewer start page", "/review/", "reviewer"),
        ("admin partners", "/admin/partners/partner/", "district"),
        ("api partners", "/api/partners/", "city"),
    ]
    return public + staff


def city_partner():
    """The active partner of street 1 the detail pages show (its staff log in: benchmarks/city.py)."""
    from partners.models import Partner

    active = Partner.objects.filter(status="active").order_by("id")
    return active.filter(community_id=1).first() or active.filter(community__street_id=1).first()


def more_staff_pages() -> list[tuple[str, str, str]]:
    """Staff pages measured in-process only (queries, time, EXPLAIN), not under load."""
    from agreements.models import Agreement
    from services.models import ServiceLog

    partner = city_partner()

    log = ServiceLog.objects.filter(partner=partner).order_by("id").first()
    agreement = Agreement.objects.filter(partner=partner).order_by("id").first()
    pages = [
        ("admin partners", "/admin/partners/partner/", "admin"),
        ("admin partners filtered", "/admin/partners/partner/?status__exact=active", "street"),
        ("admin partners searched", "/admin/partners/partner/?q=%E7%A4%BE", "street"),
        ("admin service logs", "/admin/services/servicelog/", "admin"),
        ("admin service logs filtered", "/admin/services/servicelog/?status__exact=submitted", "street"),
        ("admin spaces", "/admin/spaces/space/", "street"),
        ("admin applications", "/admin/calls/application/", "street"),
        ("admin feedback", "/admin/services/feedback/", "street"),
        ("admin objections", "/admin/notices/objection/", "street"),
        ("admin partner change", f"/admin/partners/partner/{partner.pk}/change/", "street"),
        ("api service logs", "/api/service-logs/", "street"),
        ("api feedback", "/api/feedback/", "street"),
        ("api agreements", "/api/agreements/", "street"),
        ("api spaces", "/api/spaces/", "street"),
        ("api applications", "/api/applications/", "street"),
    ]
    if log is not None:
        pages.append(("admin service log change", f"/admin/services/servicelog/{log.pk}/change/", "street"))
    if agreement is not None:
        pages.append(
            ("admin agreement change", f"/admin/agreements/agreement/{agreement.pk}/change/", "street")
        )
    return pages


def query_counts(label: str, *, explain: bool = False) -> dict:
    """Queries, bytes and time of every page in-process (Django test client), for the size at hand.

    Staff pages are also timed warm (median of WARM_RUNS) and, with `explain`, every
    SELECT they run is EXPLAINed (explain_page)."""
    from django.core.cache import cache
    from django.test import Client

    from benchmarks.city import LOGIN_USERS

    clients = {"anonymous": Client()}
    for username in LOGIN_USERS:
        client = Client()
        client.force_login(_user(username))
        clients[username.removeprefix("bench-")] = client
    out = {}
    for name, path, role in pages(clients) + more_staff_pages():
        cache.clear()
        with counting(keep=True) as queries:
            started = time.perf_counter()
            response = clients[role].get(path)
            elapsed = time.perf_counter() - started
        body = b"".join(response) if response.streaming else response.content
        key = f"{name} [{role}]"
        out[key] = {
            "status": response.status_code,
            "queries": len(queries),
            "bytes": len(body),
            "cold_ms": 1000 * elapsed,
            "path": path,
        }
        if role != "anonymous":
            warm, cpu = [], []
            for _ in range(WARM_RUNS):
                cache.clear()
                started, cpu_started = time.perf_counter(), time.process_time()
                clients[role].get(path)
                warm.append(1000 * (time.perf_counter() - started))
                cpu.append(1000 * (time.process_time() - cpu_started))
            out[key]["warm_ms"] = sorted(warm)[len(warm) // 2]
            # Python's own CPU time: on a busy shared machine far steadier than the wall clock.
            out[key]["warm_cpu_ms"] = sorted(cpu)[len(cpu) // 2]
            if explain:
                out[key]["explain"] = explain_page(key, queries.statements)
    return out


WARM_RUNS = 5

# Tables that grow with the city (rows at scale 1: benchmarks/README.md). A sequential
# scan over one of them in a staff page is a missing index or a query without scope.
BIG_TABLES = {
    "services_servicelog",
    "partners_partner",
    "spaces_space",
    "services_feedback",
    "partners_partnertransition",
    "portal_auditevent",
    "calls_application",
    "agreements_agreement",
}


# Below this many rows a sequential scan is the planner's right choice (a small city's
# 2,000 partners fit in a few pages); the plans are written all the same.
SEQ_SCAN_MIN_ROWS = 10_000


@functools.cache
def big_tables() -> frozenset[str]:
    """The tables of BIG_TABLES that hold at least SEQ_SCAN_MIN_ROWS rows in this city."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples >= %s",
            [sorted(BIG_TABLES), SEQ_SCAN_MIN_ROWS],
        )
        return frozenset(row[0] for row in cursor.fetchall())


def explain_page(key: str, statements: list[tuple[str, object]]) -> dict:
    """EXPLAIN (ANALYZE) every SELECT a page ran; write the plans to var/bench/explain/<page>.txt.

    Returns the page's summary for the JSON: the number of plans, the slowest
    statement's time, and every Seq Scan over a table of BIG_TABLES holding at
    least SEQ_SCAN_MIN_ROWS rows (table, estimated rows, statement number).
    """
    from django.db import connection

    folder = BENCH_DIR / "explain"
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    text, seq_scans, slowest, explained = [f"# {key}", ""], [], 0.0, 0
    for number, (sql, params) in enumerate(statements, 1):
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            cursor.execute("EXPLAIN (ANALYZE) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        explained += 1
        slowest = max(slowest, plan[0].get("Execution Time", 0.0))
        found = [
            {"statement": number, "table": node["Relation Name"], "rows": node.get("Plan Rows")}
            for node in _plan_nodes(plan[0]["Plan"])
            if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in big_tables()
        ]
        seq_scans += found
        flag = "  ← SEQ SCAN over " + ", ".join(f["table"] for f in found) if found else ""
        text += [f"## statement {number}{flag}", sql, "", *lines, ""]
    (folder / f"{slug}.txt").write_text("\n".join(text))
    return {"file": f"explain/{slug}.txt", "plans": explained, "slowest_ms": slowest, "seq_scans": seq_scans}


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


# --- gunicorn and wrk --------------------------------------------------------


class Gunicorn:
    def __init__(self, *, cache_url: str, workers: int = 2):
        self.port = free_port()
        env = dict(os.environ, CACHE_URL=cache_url, DJANGO_SETTINGS_MODULE="config.settings.bench")
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "config.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                "--timeout=120",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/__bench__/baseline", timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def worker_rss_mb(self) -> float:
        """Peak RSS (VmHWM) of the largest worker."""
        peak = 0
        for child in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split():
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        return peak / 1024

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def login(base: str, username: str, password: str) -> str:
    """Log in once through the real login form; return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    opener.open(
        urllib.request.Request(base + "/accounts/login/", data=data.encode(), headers={"Referer": base})
    )
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, f"login of {username} failed"
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def wrk(url: str, *, connections: int, duration: float, cookie: str | None) -> dict:
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_LUA),
    ]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    run = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=duration + 60)
    line = next((x for x in run.stdout.splitlines() if x.startswith("JSON ")), None)
    if line is None:
        print(f"    wrk gave no figures for {url}: {(run.stdout + run.stderr)[-300:]}")
    return json.loads(line[5:]) if line else {"rps": 0, "p95_ms": None, "bytes": None, "errors": None}


def load(*, duration: float, cache_label: str, cache_url: str, which: str, counts: dict):
    from benchmarks.city import LOGIN_USERS, PASSWORD

    server = Gunicorn(cache_url=cache_url)
    try:
        cookies = {"anonymous": None}
        for username in LOGIN_USERS:
            cookies[username.removeprefix("bench-")] = login(server.base, username, PASSWORD)
        for name, path, role in pages(cookies):
            public = role == "anonymous"
            if which == "public" and not public:
                continue
            warm = urllib.request.Request(server.base + path, headers={"Cookie": cookies[role] or ""})
            try:  # one request first: the measurement starts from a warm cache, as a live site would
                urllib.request.urlopen(warm, timeout=120).read()
            except OSError as error:
                print(f"    warm-up of {path}: {error}")
            for c in CONNECTIONS:
                base = wrk(server.base + "/__bench__/baseline", connections=c, duration=duration, cookie=None)
                page = wrk(server.base + path, connections=c, duration=duration, cookie=cookies[role])
                # Let the workers finish the requests wrk left in flight before the next baseline.
                time.sleep(min(10.0, (page.get("p99_ms") or 0) / 1000 + 0.5))
                ratio = page["rps"] / base["rps"] if base["rps"] else None
                label = f"{name} [{role}] {cache_label} c={c}"
                target = (T_RATIO_CACHED if cache_label == "cached" else T_RATIO_UNCACHED) if public else None
                record(
                    f"{label} ratio", ratio, "×base", target, f"{page['rps']:.1f} vs {base['rps']:.1f} req/s"
                )
                p95_target = None
                if not public and c == 16:
                    city_dashboard = role == "admin" and path == "/services/dashboard/"
                    p95_target = T_P95_DASHBOARD_CITY if city_dashboard else T_P95_STAFF
                record(f"{label} p95", page["p95_ms"], "ms", p95_target)
                if page.get("errors"):
                    record(f"{label} errors (HTTP ≥ 400, timeouts)", page["errors"], "", ("max", 0))
            size = counts.get(f"{name} [{role}]", {}).get("bytes")
            if cache_label == "cached":
                record(f"{name} [{role}] response size", size, "bytes", T_BYTES)
        if cache_label == "cached":
            record("web worker peak RSS after load", server.worker_rss_mb(), "MB", ("max", 250))
    finally:
        server.stop()


# --- jobs --------------------------------------------------------------------


class Rollback(Exception):
    pass


class QueryCounter:
    """Counts the queries run inside it (CaptureQueriesContext keeps only the last 9,000);
    with `keep`, also keeps each statement and its parameters (for EXPLAIN)."""

    def __init__(self, keep: bool = False):
        self.count = 0
        self.keep = keep
        self.statements: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.keep and not many:
            self.statements.append((sql, params))
        return execute(sql, params, many, context)

    def __len__(self):
        return self.count


def counting(keep: bool = False):
    from contextlib import contextmanager

    from django.db import connection

    @contextmanager
    def context():
        counter = QueryCounter(keep)
        with connection.execute_wrapper(counter):
            yield counter

    return context()


def timed_queries(fn):
    with counting() as queries:
        started = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - started
    return value, elapsed, len(queries)


def jobs(dossier_timeout: float):
    from django.db import transaction

    from agreements.domain import TERM_KINDS, renewal_reminders_send, terms_awaiting_decision
    from agreements.models import Agreement
    from partners.models import Partner
    from portal.dates import local_today

    terms = Agreement.objects.filter(status="signed").count()
    found, seconds, queries = timed_queries(lambda: terms_awaiting_decision())
    record(f"renewal: terms_awaiting_decision ({terms:,} terms) queries", queries, "", ("max", 10))
    record("renewal: terms_awaiting_decision time", seconds, "s", ("max", 2.0), f"{len(found)} found")
    try:
        with transaction.atomic():
            sent, seconds, queries = timed_queries(lambda: renewal_reminders_send())
            raise Rollback
    except Rollback:
        pass
    record(
        "renewal: renewal_reminders_send queries (rolled back)", queries, "", ("max", 10), f"{len(sent)} sent"
    )
    record("renewal: renewal_reminders_send time", seconds, "s", ("max", 2.0))

    # The scan when nothing is due: the same call a day after every reminder went out.
    try:
        with transaction.atomic():
            renewal_reminders_send()
            _, seconds, queries = timed_queries(lambda: renewal_reminders_send())
            raise Rollback
    except Rollback:
        pass
    record("renewal: scan with nothing due, queries", queries, "", ("max", 10))

    # A day's active partners entering the window (the generated city has none on the day):
    # after the backlog is sent, 30 active partners' terms are moved to end in 40 days, so
    # the next send moves them to renewal_due through the state machine, in one batch (rolled back).
    day = 30
    try:
        with transaction.atomic():
            renewal_reminders_send()
            ids = list(
                Agreement.objects.filter(
                    status="signed",
                    kind__in=TERM_KINDS,
                    partner__status="active",
                    end_date__gt=local_today() + dt.timedelta(days=120),
                    reminders__isnull=True,
                )
                .order_by("id")
                .values_list("id", flat=True)[:day]
            )
            Agreement.objects.filter(id__in=ids).update(end_date=local_today() + dt.timedelta(days=40))
            sent, seconds, queries = timed_queries(lambda: renewal_reminders_send())
            moved = Partner.objects.filter(agreements__id__in=ids, status="renewal_due").count()
            raise Rollback
    except Rollback:
        pass
    note = f"{len(ids)} terms, {len(sent)} reminders, {moved} partners moved to renewal_due"
    record(f"renewal: {day} active partners entering the window, queries", queries, "", ("max", 10), note)
    record(f"renewal: {day} active partners entering the window, time", seconds, "s", ("max", 2.0))

    # Dashboard: the superuser's city-wide view, in-process (p95 under load is in the load table).
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(_user("bench-admin"))
    cache.clear()  # a cold render: the load phase left it cached
    response, seconds, queries = timed_queries(lambda: client.get("/services/dashboard/"))
    record(
        "dashboard city-wide (superuser), one render",
        seconds * 1000,
        "ms",
        ("max", 500),
        f"{queries} queries",
    )

    _pdf_jobs(dossier_timeout)
    _import_job()


def _pdf_jobs(dossier_timeout: float):
    """Dossier and agreement PDFs in a child process each: time, peak RSS, a timeout."""
    from django.db.models import Count

    from partners.models import Partner

    partner = Partner.objects.annotate(n=Count("service_logs")).order_by("-n").first()
    code = (
        "import os,sys,time,resource,django;django.setup();"
        "from django.test import Client;from django.contrib.auth import get_user_model;"
        "c=Client();c.force_login(get_user_model().objects.get(username='bench-admin'));"
        "t=time.perf_counter();r=c.get(sys.argv[1]);b=b''.join(r) if r.streaming else r.content;"
        "print('RESULT',r.status_code,time.perf_counter()-t,len(b),"
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    for label, path in [
        (f"dossier PDF ({partner.n:,} logs)", f"/services/dossier/{partner.pk}/pdf/"),
    ]:
        try:
            out = subprocess.run(
                [sys.executable, "-c", code, path],
                capture_output=True,
                text=True,
                timeout=dossier_timeout,
                cwd=ROOT,
            ).stdout
            line = next(x for x in out.splitlines() if x.startswith("RESULT"))
            _, status, seconds, size, rss = line.split()
            record(f"{label} time", float(seconds), "s", ("max", 60), f"HTTP {status}, {int(size):,} bytes")
            record(f"{label} peak RSS", float(rss), "MB", ("max", 400))
        except subprocess.TimeoutExpired:
            record(f"{label} time", None, "s", ("max", 60), f"killed after {dossier_timeout:.0f} s")
        except StopIteration:
            record(f"{label} time", None, "s", ("max", 60), "no result (crashed)")

    # The dossier rendered as the PDF worker renders it (services.dossier.dossier_file_render,
    # minus storing it), in a child process of its own: time and peak RSS.
    label = f"dossier PDF render in the worker ({partner.n:,} logs)"
    try:
        out = subprocess.run(
            [sys.executable, "-c", _DOSSIER_RENDER_CHILD, str(partner.pk)],
            capture_output=True,
            text=True,
            timeout=dossier_timeout,
            cwd=ROOT,
        )
        _, seconds, size, pages, rss = next(
            x for x in out.stdout.splitlines() if x.startswith("RESULT")
        ).split()
        record(f"{label} time", float(seconds), "s", ("max", 60), f"{int(pages)} pages, {int(size):,} bytes")
        record(f"{label} peak RSS", float(rss), "MB", ("max", 400))
    except subprocess.TimeoutExpired:
        record(f"{label} time", None, "s", ("max", 60), f"killed after {dossier_timeout:.0f} s")
    except StopIteration:
        record(f"{label} time", None, "s", ("max", 60), "no result (crashed): " + out.stderr[-200:])

    code = _AGREEMENT_PDF_CHILD
    try:
        out = subprocess.run(
            [sys.executable, "-c", code, str(partner.pk)],
            capture_output=True,
            text=True,
            timeout=max(300, dossier_timeout),
            cwd=ROOT,
        )
        _, one, agreement, rss, after = next(
            x for x in out.stdout.splitlines() if x.startswith("RESULT")
        ).split()
        record(
            "agreement PDF median",
            float(agreement) * 1000,
            "ms",
            None,
            f"one-page doc {float(one) * 1000:.0f} ms",
        )
        record("agreement PDF ÷ one-page doc (same font)", float(agreement) / float(one), "×", ("max", 2.0))
        record(
            "PDF-rendering process peak RSS", float(rss), "MB", ("max", 500), "agreements, then the dossier"
        )
        record("PDF worker RSS after agreement + dossier", float(after), "MB", ("max", 500))
    except (subprocess.TimeoutExpired, StopIteration):
        record("agreement PDF ÷ one-page doc (same font)", None, "×", ("max", 2.0), out.stderr[-300:])


_DOSSIER_RENDER_CHILD = """
import io, resource, sys, time

import django

django.setup()
from pypdf import PdfReader

from partners.models import Partner
from portal.pdf import html_to_pdf
from services.dossier import dossier_pdf_html

started = time.perf_counter()
partner = Partner.objects.select_related("application", "community").get(pk=int(sys.argv[1]))
data = html_to_pdf(dossier_pdf_html(partner)[0])
seconds = time.perf_counter() - started
pages = len(PdfReader(io.BytesIO(data)).pages)
print("RESULT", seconds, len(data), pages, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

_AGREEMENT_PDF_CHILD = """
import resource, sys, time

import django

django.setup()
from weasyprint import HTML
from django.template import engines

from agreements.domain import agreement_pdf_html
from agreements.models import Agreement
from portal.pdf import html_to_pdf

one = engines["django"].from_string(
    '{% extends "pdf/base.html" %}{% block content %}<p>睦邻合伙人一页文档。</p>{% endblock %}'
).render({})
HTML(string=one).write_pdf()  # warm: fonts loaded once, as in a long-lived worker
agreement = Agreement.objects.order_by("id").first()


def median(render):
    times = []
    for _ in range(5):
        started = time.perf_counter()
        render()
        times.append(time.perf_counter() - started)
    return sorted(times)[2]


plain = median(lambda: HTML(string=one).write_pdf())
# As the worker does (agreement_document_render, minus storing): the HTML once, hashed and laid out.
full = median(lambda: html_to_pdf(agreement_pdf_html(agreement)[0]))

# Then, in the same process as a long-lived PDF worker, the dossier with the most logs.
from partners.models import Partner
from services.dossier import dossier_pdf_html

partner = Partner.objects.select_related("application", "community").get(pk=int(sys.argv[1]))
html_to_pdf(dossier_pdf_html(partner)[0])
rss_now = next(
    int(line.split()[1]) / 1024 for line in open("/proc/self/status") if line.startswith("VmRSS:")
)
print("RESULT", plain, full, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, rss_now)
"""


def _import_job():
    """XLSX import of 10,000 spaces (benchmarks/spaces_import.py, rolled back) vs a plain bulk_create."""
    from django.db import transaction

    from portal.models import Community, Street
    from spaces.models import Space

    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/spaces_import.py"), "--rows", "10000"],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    ).stdout
    match = re.search(r"^\s+import\s+([\d.]+) s", out, re.M)
    imported = float(match.group(1)) if match else None
    try:
        with transaction.atomic():
            street = Street.objects.create(name="基准导入对照街道")
            community = Community.objects.create(street=street, name="基准导入对照社区")
            started = time.perf_counter()
            Space.objects.bulk_create(
                Space(
                    community=community,
                    name=f"基准活动室{i:05d}",
                    address=f"基准路{i}号",
                    area_m2=f"{20 + i % 80}.5",
                    capacity=30,
                    opening_hours="周一至周五 8:30–17:30",
                )
                for i in range(10_000)
            )
            bulk = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    record("XLSX import of 10,000 spaces", imported, "s", None, f"bulk_create {bulk:.2f} s")
    record("XLSX import ÷ bulk_create", imported / bulk if imported else None, "×", ("max", 3.0))


# --- main --------------------------------------------------------------------


def database_for(scale: float) -> str:
    """DATABASE_URL of the city at `scale`: one database per scale (mulin_city_1, mulin_city_0_01, …), created if missing."""
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = "mulin_city_" + format(scale, "g").replace(".", "_").replace("-", "_")
    subprocess.run([sys.executable, "-c", _CREATE_DB, server + "/postgres", name], check=True, cwd=ROOT)
    return f"{server}/{name}"


def counts_at_scale(scale: float) -> dict:
    """Query counts at another size, in a child process on that size's database."""
    small_url = database_for(scale)
    out = subprocess.run(
        [sys.executable, __file__, "--scale", str(scale), "--counts-only"],
        env=dict(os.environ, DATABASE_URL=small_url),
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("COUNTS ")), None)
    if line is None:
        print(out.stdout[-2000:], out.stderr[-2000:])
        return {}
    return json.loads(line[7:])


_CREATE_DB = (
    "import sys,psycopg2;c=psycopg2.connect(sys.argv[1].replace('postgres://','postgresql://'));"
    "c.autocommit=True;k=c.cursor();k.execute('SELECT 1 FROM pg_database WHERE datname=%s',[sys.argv[2]]);"
    "k.fetchone() or k.execute('CREATE DATABASE '+sys.argv[2])"
)


def results_markdown(report: dict) -> str:
    """The figures of one run as Markdown, for benchmarks/README.md."""
    m = report["machine"]
    lines = [
        f"Scale {report['scale']} · {m['when']} · nproc {m['nproc']}, {m['memory_gb']} GB, "
        f"load {m['load_before'][0]:.1f} before / {m.get('load_after', [0])[0]:.1f} after · "
        + ", ".join(f"{t.split('_', 1)[1]} {c:,}" for t, c in report["rows"].items()),
        "",
        "| figure | value | unit | target | | note |",
        "| --- | ---: | --- | --- | --- | --- |",
    ]
    for r in report["results"]:
        value = (
            "—"
            if r["value"] is None
            else (f"{r['value']:,.2f}" if isinstance(r["value"], float) else r["value"])
        )
        lines.append(
            f"| {r['name']} | {value} | {r['unit']} | {r['target'] or ''} | {r['verdict']} | {r['note']} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--small-scale", type=float, default=0.002, help="second size for query counts")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--dossier-timeout", type=float, default=150.0)
    parser.add_argument("--skip", default="", help="comma-separated: load,uncached,jobs,counts,explain")
    parser.add_argument("--counts-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--markdown", action="store_true", help="print the last results as a Markdown table")
    args = parser.parse_args()
    if args.markdown:
        print(results_markdown(json.loads((BENCH_DIR / "city-results.json").read_text())))
        return
    skip = set(filter(None, args.skip.split(",")))
    if not args.counts_only:
        os.environ["DATABASE_URL"] = database_for(args.scale)

    import django

    django.setup()
    from benchmarks.city import city_counts, city_generate

    timings = city_generate(args.scale, verbose=not args.counts_only)
    if args.counts_only:
        print("COUNTS " + json.dumps(query_counts("small")))
        return
    info = machine()
    print(f"\ncity benchmark · scale {args.scale} · {info}")
    rows = city_counts()
    for table, count in rows.items():
        print(f"  {table:<30} {count:>10,}")
    if timings:
        record("generation time", timings["total"], "s", None, f"scale {args.scale}")
    else:
        from benchmarks.city import sql

        seconds = sql("SELECT seconds FROM bench_city_marker")[0][0]
        record("generation time", seconds, "s", None, f"scale {args.scale}, earlier run (skipped now)")

    big = query_counts("city", explain="explain" not in skip)
    small = {} if "counts" in skip else counts_at_scale(args.small_scale)
    print(
        f"\n{'page':<44} {'status':>6} {'queries':>8} {'at ' + str(args.small_scale):>9} {'bytes':>10} {'cold ms':>9}"
    )
    for key, figure in big.items():
        other = small.get(key, {}).get("queries")
        print(
            f"  {key:<42} {figure['status']:>6} {figure['queries']:>8} {other if other is not None else '—':>9} "
            f"{figure['bytes']:>10,} {figure['cold_ms']:>9.0f}"
        )
        if figure["status"] != 200:
            record(f"{key} HTTP status", figure["status"], "", ("max", 200), "the page was not measured")
        if other is not None:
            record(f"{key} queries, city vs small", figure["queries"] - other, "extra", ("max", 0))
        if "warm_ms" in figure:
            record(
                f"{key} in-process warm",
                figure["warm_ms"],
                "ms",
                T_P95_STAFF,
                f"median of {WARM_RUNS}; Python CPU {figure['warm_cpu_ms']:.0f} ms",
            )
        if "explain" in figure:
            scans = figure["explain"]["seq_scans"]
            tables = sorted({scan["table"] for scan in scans})
            record(
                f"{key} Seq Scans over big tables",
                len(scans),
                "",
                ("max", 0),
                f"{figure['explain']['file']}" + (f": {', '.join(tables)}" if tables else ""),
            )

    if "load" not in skip:
        print("\nload (wrk, interleaved with the baseline view):")
        load(
            duration=args.duration,
            cache_label="cached",
            cache_url=os.environ["CACHE_URL"],
            which="all",
            counts=big,
        )
        if "uncached" not in skip:
            load(
                duration=args.duration,
                cache_label="uncached",
                cache_url="dummycache://",
                which="public",
                counts=big,
            )
    if "jobs" not in skip:
        print("\njobs:")
        jobs(args.dossier_timeout)

    info["load_after"] = os.getloadavg()
    info["runner_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {"scale": args.scale, "machine": info, "rows": rows, "query_counts": big, "small_counts": small}
    report["explain"] = {key: figure["explain"] for key, figure in big.items() if "explain" in figure}
    report["results"] = results
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "city-results.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, default=str)
    )
    failed = [r for r in results if r["verdict"] == "FAIL"]
    print(
        f"\n{len(results)} figures, {len(failed)} miss their target; written to {BENCH_DIR / 'city-results.json'}"
    )


if __name__ == "__main__":
    main()
