"""`make run` works on its embedded defaults (README): SQLite, no Redis.

The suite runs on PostgreSQL; this runs the first command's own steps —
migrate and load_demo, which also runs the scheduled jobs once (the renewal
scan among them) — on a fresh SQLite database, in the dev settings, so a
PostgreSQL-only query in those paths fails here and not on a newcomer's
machine (the renewal scan's ArraySubquery once did).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What the test run exports for PostgreSQL and Redis: `make run` has none of it.
SERVICES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_REDIS_URL", "CACHE_URL")


def test_the_demo_loads_and_its_jobs_run_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in SERVICES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", PORTAL_VAR_DIR=str(tmp_path))

    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stderr[-4000:]

    assert (tmp_path / "portal.sqlite3").exists()
    assert "demo: agreements.demo_reminders loaded" in done.stdout
    assert done.stdout.rstrip().endswith("Demo data ready.")
