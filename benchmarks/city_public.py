"""Public pages in-process on a city: time per request against the baseline view, cached and uncached.

A quicker companion of `make bench-city` for working on the public pages: no
gunicorn and no wrk, the Django test client on the city database of the
scale, each page interleaved with the baseline view (`/__bench__/baseline`,
same middleware) so ratio = baseline time ÷ page time, as in the load runs.
Run through the benchmark's services:

    BENCH_ENTRY=".venv/bin/python benchmarks/city_public.py" scripts/bench_city.sh --scale 0.1
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"


def per_request_ms(client, path: str, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return 1000 * (time.perf_counter() - started) / n


def measure(pages, n: int, label: str) -> None:
    from django.db import connection
    from django.test import Client

    client = Client()
    print(f"\n{label}: {'page':<12} {'ms':>8} {'base ms':>8} {'ratio':>6} {'queries':>8} {'bytes':>8}")
    for name, path in pages:
        client.get(path)  # warm (fills the cache when there is one)
        queries = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            body = client.get(path).content
        page = per_request_ms(client, path, n)
        base = per_request_ms(client, "/__bench__/baseline", n)
        print(
            f"{'':<{len(label) + 2}}{name:<12} {page:>8.2f} {base:>8.2f} {base / page:>6.2f} "
            f"{len(queries):>8} {len(body):>8,}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("-n", type=int, default=50, help="requests per measurement")
    args, _rest = parser.parse_known_args()
    from benchmarks.city_run import database_for

    os.environ["DATABASE_URL"] = database_for(args.scale)
    import django

    django.setup()
    from django.test.utils import override_settings, setup_test_environment

    from benchmarks.city import city_generate
    from benchmarks.city_run import pages

    setup_test_environment()
    city_generate(args.scale, verbose=True)
    public = [(name, path) for name, path, role in pages({}) if role == "anonymous"]
    measure(public, args.n, "cached")
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        measure(public, max(5, args.n // 5), "uncached")


if __name__ == "__main__":
    main()
