"""Shared fixtures: real PostgreSQL and Redis (started by scripts/test.sh), real Chromium."""

import os
import shutil

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation

# The demo's uploaded files while a module runs on the demo database (see `demo_database`).
_demo_files = None


def _forget_storage_location():
    from portal.uploads import private_storage

    # The storage caches its location; the next use reads the settings again.
    private_storage.__dict__.pop("base_location", None)
    private_storage.__dict__.pop("location", None)


@pytest.fixture(autouse=True)
def _isolated_state(settings, tmp_path):
    """Each test gets its own private-upload folder and an empty cache."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    if _demo_files is not None:  # the files the demo database's rows point at
        shutil.copytree(_demo_files / "private", settings.PRIVATE_MEDIA_ROOT, dirs_exist_ok=True)
        shutil.copytree(_demo_files / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    _forget_storage_location()
    cache.clear()
    yield
    # A request in English leaves English active in this thread; start each test afresh.
    translation.activate(settings.LANGUAGE_CODE)
    _forget_storage_location()


# --- The demo data, loaded once per test session and copied for each module ------
#
# `load_demo` walks every demo partner through the real domain functions and takes up to a
# minute. It runs once per session (per xdist worker) on a fresh copy of the just-migrated
# test database; that database is kept as a PostgreSQL template, and each module that asks
# for `demo_database` runs on its own copy of it (CREATE DATABASE ... TEMPLATE, a file copy),
# so tests see exactly what `load_demo` makes of an empty database. The test database itself
# is never touched; the module's copy is dropped afterwards.


def _recreate_database(name, template):
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if template:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def _use_database(name):
    """Point the default connection (and every thread's new connection) at database `name`."""
    from django.contrib.contenttypes.models import ContentType

    connection.close()
    connection.settings_dict["NAME"] = name  # the dict every thread's connection is built from
    django_settings.DATABASES["default"]["NAME"] = name
    ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, plus a copy of it as migrated (the demo is built on one)."""
    name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        connection.close()
        _recreate_database(f"{name}_migrated", template=name)
    yield
    with django_db_blocker.unblock():
        for suffix in ("_migrated", "_demo"):
            _recreate_database(f"{name}{suffix}", template=None)


@pytest.fixture(scope="session")
def demo_template(django_db_setup, django_db_blocker, tmp_path_factory):
    """(database name, folder of uploaded files): what `load_demo` made of an empty database."""
    name = connection.settings_dict["NAME"]
    files = tmp_path_factory.mktemp("demo-files")
    with django_db_blocker.unblock():
        _recreate_database(f"{name}_demo", template=f"{name}_migrated")
        _use_database(f"{name}_demo")
        try:
            with override_settings(PRIVATE_MEDIA_ROOT=files / "private", MEDIA_ROOT=files / "media"):
                _forget_storage_location()
                call_command(
                    "load_demo", verbosity=0
                )  # autocommit: on-commit callbacks run, as in production
        finally:
            _use_database(name)
            _forget_storage_location()
            translation.activate(django_settings.LANGUAGE_CODE)
    for folder in ("private", "media"):
        (files / folder).mkdir(exist_ok=True)
    return f"{name}_demo", files


@pytest.fixture(scope="module")
def demo_database(demo_template, django_db_blocker):
    """This module's tests run on a fresh copy of the demo database, with the demo's files.

    Tests using `db` roll back, so the demo stays as loaded for the next test of the module;
    a transactional test empties it at teardown, as it would empty the test database.
    """
    global _demo_files
    template, files = demo_template
    name = connection.settings_dict["NAME"]
    copy = f"{name}_module"
    with django_db_blocker.unblock():
        connection.close()
        _recreate_database(copy, template=template)
        _use_database(copy)
    _demo_files = files
    try:
        yield
    finally:
        _demo_files = None
        with django_db_blocker.unblock():
            _use_database(name)
            _recreate_database(copy, template=None)


# --- Playwright: Debian's chromium, headless, on loopback -----------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_EXECUTABLE", "/usr/bin/chromium"),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture
def phone_page(browser):
    """A page the size of a 375-px-wide phone, in Chinese."""
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        locale="zh-CN",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
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
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
        ) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True
