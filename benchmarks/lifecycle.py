"""Partner transitions: time and queries per transition, and how they scale with history."""

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def run():
    from tests.factories import PartnerFactory, street_staff, walk_partner

    staff = street_staff()
    results = []
    for batch in (10, 50):
        partners = [PartnerFactory(community__street=staff.profile.street) for _ in range(batch)]
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            for partner in partners:
                walk_partner(partner, "active", by=staff)
        elapsed = time.perf_counter() - start
        transitions = batch * 8
        results.append((f"{batch} partners to active: ms per transition", 1000 * elapsed / transitions, "ms"))
        results.append(
            (f"{batch} partners to active: queries per transition", len(queries) / transitions, "queries")
        )
    per_small, per_large = results[0][1], results[2][1]
    results.append(("ratio ms/transition (50 vs 10 partners)", per_large / per_small, "x"))
    return results
