"""Shared fixtures: real PostgreSQL and Redis (started by scripts/test.sh), real Chromium."""

import os

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path):
    """Each test gets its own private-upload folder and an empty cache."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    from portal.uploads import private_storage

    # The storage caches its location; point it at this test's folder.
    private_storage.__dict__.pop("base_location", None)
    private_storage.__dict__.pop("location", None)
    cache.clear()
    yield
    # A request in English leaves English active in this thread; start each test afresh.
    translation.activate(settings.LANGUAGE_CODE)
    private_storage.__dict__.pop("base_location", None)
    private_storage.__dict__.pop("location", None)


# --- Playwright: Debian's chromium, headless, on loopback -----------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium"),
        "headless": True,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
        ],
    }


@pytest.fixture
def phone_page(browser):
    """A page the size of a 375-px-wide phone, in Chinese."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN",
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


# --- A real Celery worker on the test Redis -------------------------------------

@pytest.fixture
def celery_worker_thread(transactional_db):
    """Start an in-process Celery worker consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                          loglevel="WARNING") as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True
