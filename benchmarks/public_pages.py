"""Residents' pages: time and queries per request, cold and cached, at two sizes of data."""

import statistics
import time

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

PAGES = ["/", "/notices/", "/partners/", "/calls/", "/notices/feed/"]


def measure(client, url, repeat=20):
    cache.clear()
    first = client.get(url)
    assert first.status_code == 200, url
    size = len(first.content)
    colds = []
    for _ in range(7):  # median of several cold renders: one sample is noise
        cache.clear()
        with CaptureQueriesContext(connection) as cold_queries:
            start = time.perf_counter()
            client.get(url)
            colds.append(time.perf_counter() - start)
    cold = statistics.median(colds)
    with CaptureQueriesContext(connection) as warm_queries:
        start = time.perf_counter()
        for _ in range(repeat):
            client.get(url)
        warm = (time.perf_counter() - start) / repeat
    return cold, len(cold_queries), warm, len(warm_queries) / repeat, size


def run():
    from django.core.management import call_command

    from tests.factories import partner_in_state

    call_command("load_demo", verbosity=0)
    client = Client()
    results = []
    before = {url: measure(client, url) for url in PAGES}
    from portal.models import Community

    community = Community.objects.first()
    for _ in range(40):
        partner_in_state("active", community=community)
    after = {url: measure(client, url) for url in PAGES}
    for url in PAGES:
        cold, cold_q, warm, warm_q, size = before[url]
        cold2, cold_q2, warm2, _, size2 = after[url]
        results += [
            (f"{url} cold ms (demo)", 1000 * cold, "ms"),
            (f"{url} cold queries (demo / +40 partners)", cold_q, f"/ {cold_q2}"),
            (f"{url} cached ms", 1000 * warm, "ms"),
            (f"{url} cached queries", warm_q, "queries"),
            (f"{url} cold ms ratio (+40 partners / demo)", cold2 / cold if cold else 0, "x"),
            (f"{url} response KB (demo / +40 partners)", size / 1024, f"/ {size2 / 1024:.1f} KB"),
        ]
    return results
