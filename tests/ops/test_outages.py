"""Outages of Redis, the broker and PostgreSQL (issue 18, defects 3 and 4): nothing lost, no 500.

Redis down: the cache answers as an empty cache and the rate limiter fails open
(portal/cache_backends.py); the broker down: the record is saved and the task's
publication is logged and dropped (portal.tasks.publish); PostgreSQL down: a 503
page (or JSON under /api/) with Retry-After (portal.middleware).
"""

import logging

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from kombu import Connection
from kombu.pools import ProducerPool

from calls.models import Application
from calls.validators import credit_code_check_char
from portal.views import server_error
from tests.calls.factories import call_with_space, form_files, form_post

FAIL_OPEN = "portal.cache_backends.FailOpenRedisCache"


def credit_code(n: int) -> str:
    first17 = f"91320100MA1{n:06d}"
    return first17 + credit_code_check_char(first17)


def submit(client, call, space, n):
    data = {
        **form_post(call, space, credit_code=credit_code(n), applicant_name=f"邻里服务中心{n}号"),
        **form_files(),
    }
    return client.post(f"/calls/{call.pk}/apply/", data, REMOTE_ADDR="10.9.9.9")


@pytest.mark.django_db
def test_redis_down_public_submissions_all_saved_and_limiter_fails_open(settings, redis_server, caplog):
    settings.CACHES = {"default": {"BACKEND": FAIL_OPEN, "LOCATION": redis_server.url}}
    settings.PORTAL_CACHE_RETRY_SECONDS = 0  # try Redis on every call: each one meets the outage
    call, space = call_with_space()
    client = Client(raise_request_exception=False)
    assert [submit(client, call, space, n).status_code for n in range(2)] == [302, 302]

    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        statuses = [submit(client, call, space, n).status_code for n in range(2, 22)]
        listing = client.get("/calls/")

    # 22 from one address is over the limit of 10 an hour: while the counters are unreachable
    # the limiter lets every one through rather than refuse (or 500) them all.
    assert statuses == [302] * 20
    assert Application.objects.count() == 22
    assert listing.status_code == 200
    assert "cache unreachable" in caplog.text


@pytest.mark.django_db
def test_redis_back_the_limiter_counts_again(settings, redis_server):
    settings.CACHES = {"default": {"BACKEND": FAIL_OPEN, "LOCATION": redis_server.url}}
    settings.PORTAL_CACHE_RETRY_SECONDS = 0
    call, space = call_with_space()
    client = Client(raise_request_exception=False)
    redis_server.stop()
    assert submit(client, call, space, 0).status_code == 302
    redis_server.start()

    statuses = [submit(client, call, space, n).status_code for n in range(1, 12)]

    assert statuses == [302] * 10 + [429]


@pytest.mark.django_db
def test_redis_down_cache_skipped_for_the_retry_interval(settings, redis_server, caplog):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": FAIL_OPEN, "LOCATION": redis_server.url}}
    settings.PORTAL_CACHE_RETRY_SECONDS = 60
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        assert cache.get("x", "default") == "default"
        assert cache.add("x", 1) is False
        assert cache.get_many(["x", "y"]) == {}
        with pytest.raises(ValueError):
            cache.incr("x")

    # One warning: after the first failure the cache is not tried again for a minute.
    assert caplog.text.count("cache unreachable") == 1


@pytest.mark.django_db
def test_broker_down_submission_saved_and_task_not_failing_the_request(
    settings, django_capture_on_commit_callbacks, caplog
):
    from config.celery import app

    call, space = call_with_space()
    client = Client(raise_request_exception=False)
    original = app.conf.task_always_eager, app.amqp._producer_pool
    # Nothing listens on port 1: publishing the outbox nudge for the confirmation meets a dead broker, through
    # a producer pool of its own (the app's own pool, shared by every test, stays as it was).
    dead = Connection("redis://127.0.0.1:1/0")
    app.conf.task_always_eager = False
    app.amqp._producer_pool = ProducerPool(dead.Pool(limit=2), limit=2)
    try:
        with caplog.at_level(logging.WARNING, logger="portal.tasks"):
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                response = submit(client, call, space, 0)
    finally:
        app.amqp._producer_pool.force_close_all()
        app.conf.task_always_eager, app.amqp._producer_pool = original

    assert response.status_code == 302
    assert Application.objects.count() == 1
    assert len(callbacks) >= 1
    assert "broker unreachable, messaging.tasks.deliver_outbox not queued" in caplog.text


@pytest.fixture
def database_down():
    """The default connection pointed at a port nothing listens on; restored afterwards."""
    connection.close()
    original = connection.settings_dict["PORT"], connection.settings_dict["HOST"]
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", "1"
    yield
    connection.close()
    connection.settings_dict["PORT"], connection.settings_dict["HOST"] = original


@pytest.mark.django_db(transaction=True)
def test_database_down_page_is_503_with_retry_after(settings, database_down):
    settings.PORTAL_RETRY_AFTER_SECONDS = 30
    client = Client(raise_request_exception=False)

    response = client.get("/calls/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "系统暂时无法连接数据库" in response.content.decode()
    assert "请在 30 秒后重试。" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_database_down_post_of_the_public_form_is_503(settings, database_down):
    client = Client(raise_request_exception=False)

    response = client.post("/calls/1/apply/", {"applicant_name": "某某"})

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.PORTAL_RETRY_AFTER_SECONDS)


@pytest.mark.django_db(transaction=True)
def test_database_down_api_is_503_json(settings, database_down):
    client = Client(raise_request_exception=False)

    response = client.get("/api/partners/", HTTP_AUTHORIZATION="Token 0123456789abcdef")

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.PORTAL_RETRY_AFTER_SECONDS)
    assert response.json()["detail"].startswith("系统暂时无法连接数据库")


def test_database_error_outside_a_view_is_503_too(settings):
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.PORTAL_RETRY_AFTER_SECONDS)


def test_the_drivers_own_error_is_503_too(settings):
    # PostgreSQL shutting down under an open cursor: psycopg2's error escapes Django's wrapper.
    request = RequestFactory().get("/calls/")
    try:
        raise connection.Database.OperationalError("server closed the connection unexpectedly")
    except connection.Database.OperationalError:
        response = server_error(request)

    assert response.status_code == 503


def test_other_errors_outside_a_view_stay_500():
    request = RequestFactory().get("/api/x/")
    try:
        raise RuntimeError("bug")
    except RuntimeError:
        response = server_error(request)

    assert response.status_code == 500


def test_database_settings_check_connection_health(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
