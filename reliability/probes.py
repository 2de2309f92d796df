"""The reliability probes of issue 18, repeatable: what held, as a table.

Starts its own PostgreSQL, Redis, gunicorn (config.settings.reliability: production settings)
and a Celery worker in a temporary folder, opens one recruitment call, then:

1. load: 32 concurrent submitters send public applications with files; every one is kept,
   every file byte-identical;
2. uploads: the attack set (decompression-bomb PNG, zip-bomb DOCX, shell.php with JPEG content,
   an oversized file, an executable named .pdf) is refused, nothing stored;
3. faults: Redis, the Celery worker and PostgreSQL are each stopped for N seconds while
   submitters keep submitting: no 500, nothing acknowledged is lost (during the PostgreSQL
   outage the portal answers 503 with Retry-After and the submitter retries, as a person would),
   and queued work is done once the worker is back.

Run as root (PostgreSQL runs as the postgres user): `make reliability` or
`reliability/run.sh [--quick] [--outage 15]`.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


class Services:
    """PostgreSQL, Redis, gunicorn and a Celery worker on loopback, each stoppable."""

    def __init__(self, work: Path):
        self.work = work
        self.pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: float(p.parent.name))[-1]
        self.pg_port, self.redis_port, self.web_port = free_port(), free_port(), free_port()
        self.redis = self.web = self.worker = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.reliability",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/mulin",
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/2",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "PORTAL_VAR_DIR": str(work / "var"),
            "DJANGO_STATIC_ROOT": str(work / "static"),
            "DJANGO_LOG_LEVEL": "WARNING",
        }

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _pg(self, *args):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.pgbin / "pg_ctl"), *args],
            cwd="/tmp",
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start_postgres(self):
        data = self.work / "pg"
        if not data.exists():
            for folder in (data, self.work / "pgsock"):
                folder.mkdir(parents=True)
                shutil.chown(folder, "postgres", "postgres")
            subprocess.run(
                [
                    "runuser",
                    "-u",
                    "postgres",
                    "--",
                    str(self.pgbin / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                ]
                + ["-E", "UTF8", "--locale=C.UTF-8"],
                cwd="/tmp",
                check=True,
                stdout=subprocess.DEVNULL,
            )
        options = f"-c listen_addresses=127.0.0.1 -p {self.pg_port} -k {self.work / 'pgsock'} -c max_connections=200"
        self._pg("-D", str(data), "-l", str(self.work / "pgsock" / "pg.log"), "-w", "-o", options, "start")

    def stop_postgres(self):
        self._pg("-D", str(self.work / "pg"), "-m", "fast", "-w", "stop")

    def start_redis(self):
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--appendonly", "yes"]
            + ["--dir", str(self.work)],
            stdout=subprocess.DEVNULL,
        )
        wait_port(self.redis_port)

    def stop_redis(self):
        self.redis.terminate()
        self.redis.wait(10)

    def start_web(self):
        self.web = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "-b",
                f"127.0.0.1:{self.web_port}",
                "-w",
                "4",
                "--threads",
                "4",
            ]
            + ["--timeout", "120", "--log-level", "warning"],
            cwd=ROOT,
            env=self.env,
        )
        wait_port(self.web_port, 60)

    def start_worker(self):
        self.worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "config", "worker", "-l", "warning", "--concurrency", "2"],
            cwd=ROOT,
            env=self.env,
        )

    def stop_worker(self):
        self.worker.terminate()
        self.worker.wait(30)

    def stop_all(self):
        for process in (self.web, self.worker, self.redis):
            if process and process.poll() is None:
                process.terminate()
                process.wait(30)
        try:
            self.stop_postgres()
        except subprocess.CalledProcessError:
            pass


# --- Submissions ------------------------------------------------------------------------


@dataclass
class Submitter:
    """Sends public applications through the real form, as a browser does."""

    base: str
    call: object
    space: object
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: list = field(default_factory=list)
    sent: dict = field(default_factory=dict)  # applicant name → {sha256 of each file sent}
    counter: int = 0

    def next_number(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def submit(self, *, retry_unavailable: float = 0, files: dict | None = None, name: str | None = None):
        """One application; on 503 retry (after a second) for up to `retry_unavailable` seconds."""
        import requests

        from calls.demo import demo_pdf
        from calls.validators import credit_code_check_char
        from tests.calls.factories import form_post

        n = self.next_number()
        name = name or f"可靠性测试服务中心{n:05d}"
        first17 = f"91320100MA1{n:06d}"
        if files is None:
            files = {
                "doc_registration": (f"licence{n}.pdf", demo_pdf(f"Licence {n}"), "application/pdf"),
                "doc_project_plan": (
                    f"plan{n}.pdf",
                    demo_pdf(f"Plan {n} " + "x" * (n % 97)),
                    "application/pdf",
                ),
            }
        data = form_post(
            self.call, self.space, applicant_name=name, credit_code=first17 + credit_code_check_char(first17)
        )
        headers = {"X-Real-IP": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}
        deadline = time.monotonic() + retry_unavailable
        while True:
            try:
                session = requests.Session()
                page = session.get(f"{self.base}/calls/{self.call.pk}/apply/", headers=headers, timeout=60)
                if page.status_code == 200:
                    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
                    response = session.post(
                        f"{self.base}/calls/{self.call.pk}/apply/",
                        data={**data, "csrfmiddlewaretoken": token},
                        files=[(field_name, spec) for field_name, spec in files.items()],
                        headers={**headers, "Referer": f"{self.base}/calls/{self.call.pk}/apply/"},
                        allow_redirects=False,
                        timeout=120,
                    )
                else:
                    response = page
                status = response.status_code
            except requests.RequestException:
                status = "connection error"
            with self.lock:
                self.statuses.append(status)
            if status == 503 and time.monotonic() < deadline:
                time.sleep(1)
                continue
            if status == 302:
                with self.lock:
                    self.sent[name] = {hashlib.sha256(spec[1]).hexdigest() for spec in files.values()}
            return status, name


def kept(sent: dict) -> tuple[int, int]:
    """(applications found, applications whose stored files are byte-identical to those sent)."""
    from django.db import connection

    from calls.models import Application

    connection.close()  # PostgreSQL may have restarted since
    found = identical = 0
    for application in Application.objects.filter(applicant_name__in=list(sent)).prefetch_related(
        "documents"
    ):
        found += 1
        stored = set()
        for document in application.documents.all():
            with document.file.open("rb") as f:
                stored.add(hashlib.sha256(f.read()).hexdigest())
        identical += stored == sent[application.applicant_name]
    return found, identical


# --- The probes -------------------------------------------------------------------------

RESULTS: list[tuple[str, str, str, bool]] = []


def record(probe: str, expected: str, measured: str, held: bool):
    RESULTS.append((probe, expected, measured, held))
    print(f"[{'held' if held else 'NOT HELD'}] {probe}: {measured}", flush=True)


def probe_load(submitter: Submitter, *, submitters: int, each: int):
    submitter.statuses.clear()
    submitter.sent.clear()
    with ThreadPoolExecutor(submitters) as pool:
        results = list(pool.map(lambda _: submitter.submit(), range(submitters * each)))
    ok = sum(1 for status, _ in results if status == 302)
    errors = sum(
        1 for s in submitter.statuses if s == "connection error" or (isinstance(s, int) and s >= 500)
    )
    found, identical = kept(submitter.sent)
    total = submitters * each
    record(
        f"load: {submitters} concurrent submitters",
        f"{total} kept, files byte-identical, no 5xx",
        f"{ok}/{total} accepted, {found} kept, {identical} byte-identical, {errors} errors",
        ok == found == identical == total and errors == 0,
    )


def _png_bomb() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def _docx_bomb(megabytes: int = 500) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as docx:
        docx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        with docx.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                part.write(chunk)
    return out.getvalue()


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(out, "JPEG")
    return out.getvalue()


def probe_uploads(submitter: Submitter):
    from django.conf import settings

    from calls.demo import demo_pdf
    from calls.models import Application

    pdf = ("licence.pdf", demo_pdf("Licence"), "application/pdf")
    plan = ("plan.pdf", demo_pdf("Plan"), "application/pdf")
    limit = settings.UPLOAD_MAX_FILE_BYTES
    attacks = {
        "decompression-bomb PNG (20000×20000)": ("bomb.png", _png_bomb(), "image/png"),
        "zip-bomb DOCX (inflates to 500 MB)": ("team.docx", _docx_bomb(), "application/octet-stream"),
        "shell.php with JPEG content": ("shell.php", _jpeg(), "application/x-php"),
        "oversized PDF (limit + 1 byte)": (
            "big.pdf",
            b"%PDF-1.4\n" + b"0" * (limit + 1 - 9),
            "application/pdf",
        ),
        "executable named plan.pdf": ("plan.pdf", b"MZ\x90\x00" + b"\x00" * 4096, "application/pdf"),
    }
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    # The control: the same form with a harmless third file is accepted, so a 400 below is the attack's.
    harmless = ("photo.jpg", _jpeg(), "image/jpeg")
    status, _ = submitter.submit(
        files={"doc_registration": pdf, "doc_project_plan": plan, "doc_other": harmless}
    )
    record("upload: control (a small JPEG)", "accepted (302)", str(status), status == 302)
    for label, upload in attacks.items():
        before = sum(1 for p in private.rglob("*") if p.is_file())
        files = {"doc_registration": pdf, "doc_project_plan": plan, "doc_other": upload}
        status, name = submitter.submit(files=files)
        after = sum(1 for p in private.rglob("*") if p.is_file())
        saved = Application.objects.filter(applicant_name=name).first()
        if label.startswith("shell.php") and saved is not None:
            # Accepted as the image it is: held only if stored and named by the sniffed type.
            names = [d.file.name for d in saved.documents.all()] + [
                d.original_name for d in saved.documents.all()
            ]
            held = not any(n.lower().endswith(".php") for n in names)
            measured = f"{status}, stored as {', '.join(names)}"
        else:
            held = status == 400 and saved is None and after == before
            measured = f"{status}, {'saved' if saved else 'nothing saved'}, {after - before} new files"
        record(f"upload: {label}", "refused (400), nothing stored", measured, held)


def probe_fault(
    name: str, stop, start, submitter: Submitter, *, outage: float, workers: int, retry: float = 0
):
    """Submitters keep submitting; the service is stopped for `outage` seconds in the middle."""
    submitter.statuses.clear()
    submitter.sent.clear()
    stop_flag = threading.Event()
    acknowledged = []

    def loop():
        while not stop_flag.is_set():
            status, applicant = submitter.submit(retry_unavailable=retry)
            if status == 302:
                acknowledged.append(applicant)

    threads = [threading.Thread(target=loop) for _ in range(workers)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    stop()
    time.sleep(outage)
    start()
    time.sleep(5)
    stop_flag.set()
    for thread in threads:
        thread.join()
    statuses = list(submitter.statuses)
    server_errors = sum(1 for s in statuses if isinstance(s, int) and s >= 500 and s != 503)
    unavailable = sum(1 for s in statuses if s == 503)
    found, identical = kept(submitter.sent)
    record(
        f"fault: {name} stopped {outage:g} s",
        "no 500, every acknowledged submission kept",
        f"{len(acknowledged)} acknowledged, {found} kept ({identical} byte-identical), "
        f"{server_errors} 5xx, {unavailable} 503 (retried)",
        server_errors == 0 and found == identical == len(acknowledged) > 0,
    )


def queue_drained(services: Services, timeout: float = 60) -> bool:
    import redis

    client = redis.Redis(port=services.redis_port, db=1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.llen("celery") == 0:
            return True
        time.sleep(1)
    return False


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer submissions and 5-second outages")
    parser.add_argument("--outage", type=float, default=15, help="seconds each service is stopped")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    outage = 5 if args.quick else args.outage
    each = 2 if args.quick else 7

    work = Path(tempfile.mkdtemp(prefix="mulin-reliability."))
    work.chmod(0o755)
    services = Services(work)
    os.environ.update(services.env)
    try:
        services.start_postgres()
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(services.pgbin / "createdb"), "-h", "127.0.0.1"]
            + ["-p", str(services.pg_port), "mulin"],
            check=True,
            cwd="/tmp",
        )
        services.start_redis()
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=services.env, check=True)
        import django

        django.setup()
        from tests.calls.factories import call_with_space

        call, space = call_with_space()
        services.start_web()
        services.start_worker()
        submitter = Submitter(services.base, call, space)

        probe_load(submitter, submitters=32, each=each)
        probe_uploads(submitter)
        probe_fault("Redis", services.stop_redis, services.start_redis, submitter, outage=outage, workers=8)
        probe_fault(
            "Celery worker", services.stop_worker, services.start_worker, submitter, outage=outage, workers=8
        )
        drained = queue_drained(services)
        record(
            "fault: Celery worker back",
            "queued work done",
            "queue empty" if drained else "queue not empty",
            drained,
        )
        probe_fault(
            "PostgreSQL",
            services.stop_postgres,
            services.start_postgres,
            submitter,
            outage=outage,
            workers=8,
            retry=outage + 30,
        )
    finally:
        services.stop_all()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    width = max(len(r[0]) for r in RESULTS)
    print()
    print(f"{'probe':<{width}}  held  measured (expected)")
    for probe, expected, measured, held in RESULTS:
        print(f"{probe:<{width}}  {'yes ' if held else 'NO  '}  {measured} ({expected})")
    sys.exit(0 if all(r[3] for r in RESULTS) else 1)


if __name__ == "__main__":
    main()
