"""Settings for the test suite: the real services the test command starts.

DATABASE_URL and REDIS_URL point at the throw-away PostgreSQL and Redis
that scripts/test.sh starts on loopback.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import FAIL_OPEN_REDIS_CACHE_BACKEND, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client's login() has no request for axes to count; see tests/axes_backend.py.
AUTHENTICATION_BACKENDS = [
    "tests.axes_backend.AxesBackendAllowingClientLogin",
    *[b for b in AUTHENTICATION_BACKENDS if b != "axes.backends.AxesStandaloneBackend"],  # noqa: F405
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process (the real task code) unless a test starts the real
# worker on Redis with the `celery_worker_thread` fixture.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)  # a worker subprocess: False
CELERY_TASK_EAGER_PROPAGATES = True


def _worker_redis(url: str) -> str:
    """The Redis URL with its database number moved to this pytest-xdist worker's own range.

    Each worker (PYTEST_XDIST_WORKER=gw0, gw1, ...) clears its cache (FLUSHDB), queues Celery
    tasks and counts rate limits; sharing one database would let workers wipe or steal each
    other's keys. Worker N uses databases 3N..3N+2 (scripts/test.sh starts Redis with 64);
    without xdist the URLs are used as given.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0) + 3 * int(worker[2:])
    return urlunsplit(parts._replace(path=f"/{db}"))


REDIS_URL = _worker_redis(env.str("REDIS_URL", default="redis://127.0.0.1:6379/0"))
CELERY_BROKER_URL = _worker_redis(
    env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default="redis://127.0.0.1:6379/0"))
)
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CACHES = {
    "default": {
        "BACKEND": FAIL_OPEN_REDIS_CACHE_BACKEND,
        "LOCATION": _worker_redis(
            env.str("CACHE_REDIS_URL", default=env.str("REDIS_URL", default="redis://127.0.0.1:6379/0"))
        ),
    }
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (whitenoise warns when missing)
