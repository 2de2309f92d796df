"""The outbox under faults (issue 17), with real services.

A real Celery worker runs as a subprocess on a Redis of the test's own (so the
test may kill the worker and stop the broker without disturbing other tests),
against the test's PostgreSQL database; messages go to the file channel, one
file per outbox key, so deliveries can be counted.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from messaging.domain import Recipient, message_rows
from messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Broker:
    """A redis-server of this test's own, which it may stop and start again on the same port."""

    def __init__(self, folder: Path):
        self.port = _free_port()
        self.folder = folder
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
        )
        _wait(lambda: _port_open(self.port), what="redis to start")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait(condition, *, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Worker:
    """`celery -A config worker` as a subprocess on the test database and the test's broker."""

    def __init__(self, broker: Broker, outbox: Path, log: Path, *, delay: float):
        db = connection.settings_dict
        channel = f"file://{outbox}?delay={delay}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"},
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": broker.url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "MESSAGE_EMAIL_URL": channel,
            "SMS_URL": channel,
            "WECOM_URL": channel,
            "PORTAL_OUTBOX_LEASE_SECONDS": "2",
            "PORTAL_SMS_QUIET_HOURS": "0,0",
        }
        self.log = log
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [CELERY, "-A", "config", "worker", "--pool=solo", "--without-gossip", "--without-mingle"]
            + ["--without-heartbeat", "-l", "INFO"],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log, "a"),  # noqa: SIM115 - closed with the process
            stderr=subprocess.STDOUT,
        )
        _wait(lambda: "ready" in self.log.read_text(errors="replace"), what="the worker to be ready")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _nudge(worker: Worker):
    """What beat does every minute: ask for a delivery sweep (from a process of its own)."""
    subprocess.run(
        [CELERY, "-A", "config", "call", "messaging.tasks.deliver_outbox"],
        cwd=ROOT,
        env=worker.env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _no_live_lease() -> bool:
    return not OutboxMessage.objects.filter(status="sending", lease_until__gt=timezone.now()).exists()


def _delivered(outbox: Path) -> list[Path]:
    return sorted(outbox.glob("*.txt"))


def _references(outbox: Path) -> list[str]:
    return sorted(path.read_text().splitlines()[0].removeprefix("Reference: ") for path in _delivered(outbox))


@pytest.fixture
def services(tmp_path, settings):
    outbox = tmp_path / "outbox"
    broker = Broker(tmp_path)
    broker.start()
    workers = []

    def worker(delay=0.0):
        started = Worker(broker, outbox, tmp_path / "worker.log", delay=delay)
        workers.append(started)
        started.start()
        return started

    # This process (set-up messages) delivers elsewhere: `outbox` counts only the worker's deliveries.
    elsewhere = tmp_path / "in-process"
    settings.PORTAL_MESSAGE_CHANNELS = {kind: f"file://{elsewhere}" for kind in ("email", "sms", "wecom")}
    yield broker, outbox, worker
    for started in workers:
        started.stop()
    broker.stop()
    log = tmp_path / "worker.log"
    if log.exists():  # shown when the test failed
        print(log.read_text(errors="replace")[-12000:])


def test_worker_killed_mid_batch_delivers_each_message_exactly_once(services):
    broker, outbox, worker = services
    rows = []
    for i in range(30):
        rows += message_rows(
            code="services.logs_due",
            to=[Recipient("email", f"partner{i}@example.cn")],
            params={"partner": f"合伙人{i}"},
            cause=f"fault-test:{i}",
        )
    OutboxMessage.objects.bulk_create(rows)
    first = worker(delay=0.15)

    _nudge(first)
    _wait(lambda: len(_delivered(outbox)) >= 5, what="the first deliveries")
    first.kill()  # SIGKILL mid-batch: one row is `sending`, its message may or may not be out
    killed_after = len(_delivered(outbox))
    assert killed_after < 30
    second = worker(delay=0.0)
    # The killed worker's row stays `sending` until its lease (2 s here) expires; only a sweep
    # after that claims it again. Beat sweeps every minute, so in production the next sweep
    # always comes after the lease. This test sweeps once: it must wait for the lease, not
    # assume the second worker takes longer than the lease to start (on an idle machine it
    # does not, and the one sweep then skipped the row: "timed out waiting for every row").
    _wait(_no_live_lease, what="the dead worker's lease to expire", timeout=30)
    _nudge(second)  # the beat sweep after the restart
    _wait(
        lambda: OutboxMessage.objects.exclude(status="sent").count() == 0,
        what="every row to be sent",
        timeout=90,
    )

    keys = sorted(OutboxMessage.objects.values_list("key", flat=True))
    assert _references(outbox) == keys  # each key delivered exactly once
    attempts = (outbox / "attempts.log").read_text().splitlines()
    assert sorted(set(attempts)) == keys
    print(f"killed after {killed_after} files; {len(attempts)} channel calls for {len(keys)} keys")


def test_broker_down_during_submissions_saves_all_and_delivers_once_after(services, client, settings):
    from config.celery import app
    from notices.models import Objection
    from tests.notices.factories import approved_partner, published_notice, setting

    broker, outbox, worker = services
    settings.RATELIMIT_ENABLE = False
    settings.PORTAL_SMS_QUIET_HOURS = (0, 0)
    staff = setting()[1]
    community = staff.profile.street.communities.first()
    notice = published_notice(staff=staff, partners=[approved_partner(community)])
    entry = notice.entries.first()

    broker.stop()
    app.conf.task_always_eager = False
    app.conf.broker_url = broker.url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        started = time.monotonic()
        statuses = [
            client.post(
                reverse("notices:objection_create", args=[notice.pk]),
                {
                    "entry": entry.pk,
                    "grounds": f"第{i}条异议：该机构存在收费行为。",
                    "objector_name": "李居民",
                    "objector_phone": f"137{i:08d}",
                    "website": "",
                },
            ).status_code
            for i in range(20)
        ]
        elapsed = time.monotonic() - started
    finally:
        app.conf.task_always_eager = True
        app._pool = None
        app.amqp._producer_pool = None

    assert statuses == [302] * 20
    assert Objection.objects.count() == 20
    objection_rows = OutboxMessage.objects.filter(code__startswith="notices.objection")
    assert objection_rows.exclude(status="pending").count() == 0
    expected = objection_rows.count()
    assert expected == 20 * (1 + staff.profile.street.profiles.filter(role="street_staff").count())
    assert _delivered(outbox) == []

    broker.start()
    _nudge(worker())  # the beat sweep once Redis is back
    _wait(
        lambda: OutboxMessage.objects.exclude(status="sent").count() == 0,
        what="every row to be sent",
        timeout=90,
    )
    assert _references(outbox) == sorted(objection_rows.values_list("key", flat=True))
    print(
        f"20 submissions with the broker down took {elapsed:.2f} s; {expected} messages delivered once after"
    )


# --- PostgreSQL restarts ------------------------------------------------------------

PGBIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name.split(".")[0]))[-1]


class Database:
    """A PostgreSQL cluster of this test's own holding a copy of the test database.

    The test restarts it (pg_ctl restart -m fast, the same data directory) or stops and
    starts it, as an operator would; the suite's shared cluster, which other xdist workers
    use at the same time, is never touched.
    """

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="mulin-pg-fault."))
        self.folder.chmod(0o755)
        shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self.port = _free_port()

    def _pg_ctl(self, *args):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PGBIN / "pg_ctl"), "-D", str(self.data), *args],
            cwd="/tmp",
            check=True,
            capture_output=True,
            timeout=120,
        )

    def create_from(self, source: dict):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PGBIN / "initdb"), "-D", str(self.data)]
            + ["-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"],
            cwd="/tmp",
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.start()
        here = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        dump = subprocess.run(
            [str(PGBIN / "pg_dump"), "-h", source["HOST"], "-p", str(source["PORT"]), "-U", source["USER"]]
            + ["--no-owner", source["NAME"]],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run([str(PGBIN / "createdb"), *here, source["NAME"]], check=True, capture_output=True)
        subprocess.run(
            [str(PGBIN / "psql"), *here, "-q", "-v", "ON_ERROR_STOP=1", "-d", source["NAME"]],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self):
        self._pg_ctl(
            "-l",
            str(self.folder / "pg.log"),
            "-w",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off",
            "start",
        )

    def stop(self):
        self._pg_ctl("-m", "fast", "-w", "stop")

    def restart(self):
        self._pg_ctl("-l", str(self.folder / "pg.log"), "-m", "fast", "-w", "restart")

    def destroy(self):
        with contextlib.suppress(subprocess.SubprocessError):
            self._pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def own_database():
    """This test (and the workers it starts afterwards) on a cluster of its own; restored after."""
    settings_dict = connection.settings_dict
    database = Database()
    try:
        database.create_from(settings_dict)
        original = settings_dict["HOST"], settings_dict["PORT"]
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(database.port)
        try:
            yield database
        finally:
            connection.close()
            settings_dict["HOST"], settings_dict["PORT"] = original
    finally:
        database.destroy()


def _sweep_until_all_sent(worker: Worker, *, timeout: float = 120.0):
    """What beat does every minute, faster: sweep, wait for the dead claims' leases, sweep again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _wait(_no_live_lease, what="the interrupted claims' leases to expire", timeout=30)
        _nudge(worker)
        for _ in range(30):
            if OutboxMessage.objects.exclude(status="sent").count() == 0:
                return
            time.sleep(0.2)
    raise AssertionError("timed out waiting for every row to be sent")


def test_postgres_restart_mid_batch_delivers_each_message_exactly_once(services, own_database):
    _broker, outbox, worker = services
    rows = []
    for i in range(30):
        rows += message_rows(
            code="services.logs_due",
            to=[Recipient("email", f"partner{i}@example.cn")],
            params={"partner": f"合伙人{i}"},
            cause=f"pg-fault-test:{i}",
        )
    OutboxMessage.objects.bulk_create(rows)
    running = worker(delay=0.15)

    _nudge(running)
    _wait(lambda: len(_delivered(outbox)) >= 5, what="the first deliveries")
    own_database.restart()  # -m fast: every session ends, the worker's mid-batch
    connection.close()
    restarted_after = len(_delivered(outbox))
    assert restarted_after < 30
    _sweep_until_all_sent(running)  # the same worker, on fresh connections

    keys = sorted(OutboxMessage.objects.values_list("key", flat=True))
    assert len(keys) == 30
    assert _references(outbox) == keys  # each key delivered exactly once, none lost
    attempts = (outbox / "attempts.log").read_text().splitlines()
    assert sorted(set(attempts)) == keys
    print(f"restarted after {restarted_after} files; {len(attempts)} channel calls for {len(keys)} keys")


def test_postgres_down_during_submissions_answers_503_and_loses_nothing(services, own_database, settings):
    from django.test import Client

    from config.celery import app
    from notices.models import Objection
    from tests.notices.factories import approved_partner, published_notice, setting

    broker, outbox, worker = services
    settings.RATELIMIT_ENABLE = False
    settings.PORTAL_SMS_QUIET_HOURS = (0, 0)
    staff = setting()[1]
    community = staff.profile.street.communities.first()
    notice = published_notice(staff=staff, partners=[approved_partner(community)])
    entry = notice.entries.first()
    running = worker(delay=0.05)
    client = Client(raise_request_exception=False)

    def submit(i):
        return client.post(
            reverse("notices:objection_create", args=[notice.pk]),
            {
                "entry": entry.pk,
                "grounds": f"第{i}条异议：该机构存在收费行为。",
                "objector_name": "李居民",
                "objector_phone": f"137{i:08d}",
                "website": "",
            },
        )

    # The commits' nudges go to the running worker, as in production.
    app.conf.task_always_eager = False
    app.conf.broker_url = broker.url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        before = [submit(i).status_code for i in range(5)]
        own_database.restart()  # the worker is delivering the first objections' messages
        connection.close()
        restarted = [submit(i).status_code for i in range(5, 10)]
        own_database.stop()
        down = [submit(i) for i in range(10, 15)]
        own_database.start()
        connection.close()
        after = [submit(i).status_code for i in range(15, 20)]
    finally:
        app.conf.task_always_eager = True
        app._pool = None
        app.amqp._producer_pool = None

    assert (before, restarted, after) == ([302] * 5, [302] * 5, [302] * 5)
    assert [response.status_code for response in down] == [503] * 5
    assert all("系统暂时无法连接数据库" in response.content.decode() for response in down)
    saved = sorted(
        int(grounds[1:].split("条")[0]) for grounds in Objection.objects.values_list("grounds", flat=True)
    )
    assert saved == [*range(10), *range(15, 20)]  # nothing of the outage's five, all of the others
    objection_rows = OutboxMessage.objects.filter(code__startswith="notices.objection")
    per_objection = 1 + staff.profile.street.profiles.filter(role="street_staff").count()
    assert objection_rows.count() == 15 * per_objection  # each saved objection has all its messages

    _sweep_until_all_sent(running)
    assert _references(outbox) == sorted(objection_rows.values_list("key", flat=True))
