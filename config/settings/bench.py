"""The city benchmark (make bench-city): production settings plus a baseline view.

Only this module adds `/__bench__/baseline`, a trivial view on the same
gunicorn that every page's throughput is divided by (benchmarks/README.md).
"""

import os

# Production refuses the development key; the benchmark runs on loopback only.
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
# Plain HTTP on loopback: no redirect to HTTPS, no HSTS (production keeps both, issue 18).
os.environ.setdefault("DJANGO_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")

from .production import *  # noqa: E402, F403

ROOT_URLCONF = "config.bench_urls"
RATELIMIT_ENABLE = False  # every request comes from 127.0.0.1
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
