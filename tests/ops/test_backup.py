"""Backups (scripts/backup.sh, scripts/restore.sh) against the harness's real PostgreSQL:
back up, wipe the database and both upload folders, restore, find everything byte-identical."""

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from calls.models import Application
from tests.calls.factories import submitted_application

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees only committed rows


def environment(tmp_path):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PORTAL_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "PORTAL_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }


def run(script, *args, env):
    return subprocess.run(
        [str(ROOT / "scripts" / script), *map(str, args)], env=env, capture_output=True, text=True
    )


def every_row():
    """{model label: [row values …]} of every table, in primary-key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def every_file():
    """{folder/relative path: sha256} of both upload folders."""
    files = {}
    for folder in (Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT)):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            files[f"{folder.name}/{path.relative_to(folder)}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def wipe():
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connection.close()
    for folder in (Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT)):
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()


def test_backup_wipe_restore_finds_every_record_and_file_byte_identical(tmp_path):
    for n in range(3):
        submitted_application(applicant_name=f"备份测试服务中心{n}")
    (Path(settings.MEDIA_ROOT) / "thumbs").mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "thumbs" / "t.bin").write_bytes(bytes(range(256)))
    rows, files = every_row(), every_file()
    assert len(rows["calls.Application"]) == 3
    assert sum(1 for name in files if name.startswith("private/")) == 6  # two documents each
    env = environment(tmp_path)

    backup = run("backup.sh", tmp_path / "backups", env=env)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == [
        "MANIFEST.sha256",
        "db.dump",
        "media.tar",
        "private.tar",
    ]

    wipe()
    assert every_file() == {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0

    restore = run("restore.sh", folder, env=env)
    assert restore.returncode == 0, restore.stderr

    connection.close()
    assert every_row() == rows
    assert every_file() == files
    assert Application.objects.count() == 3


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(tmp_path):
    submitted_application()
    env = environment(tmp_path)
    folder = Path(run("backup.sh", tmp_path / "backups", env=env).stdout.strip().splitlines()[-1])
    with open(folder / "private.tar", "ab") as tar:
        tar.write(b"\0")  # one byte more
    before = every_file()
    Application.objects.update(project_title="备份之后的修改")

    restore = run("restore.sh", folder, env=env)

    assert restore.returncode == 1
    assert "does not match its manifest" in restore.stderr
    assert every_file() == before
    assert set(Application.objects.values_list("project_title", flat=True)) == {"备份之后的修改"}
