"""The indexes a street's scope reads at city scale, and the planner setting that lets
PostgreSQL use them (issue 14, benchmarks/README.md "EXPLAIN plans of the staff pages").

The plans themselves are read on the generated city (make bench-city): a test database of
a few rows, never vacuumed, is planned differently, so here the pieces those plans rely on
are pinned."""

import pytest
from django.conf import settings
from django.db import connection

from agreements.models import Agreement
from calls.models import Application
from partners.models import Partner
from services.models import Feedback, ServiceLog

pytestmark = pytest.mark.django_db

# (model, index name, its columns in order). The leading community (or partner) column is
# what a street's scope joins on; the trailing ones let the count or aggregate read the index
# alone, or find a state without reading every record of the partner.
SCOPE_INDEXES = [
    (Partner, "partner_community_pk", ["community_id", "id"]),
    (
        Agreement,
        "agreement_community_status_end",
        ["community_id", "status", "end_date", "kind", "partner_id", "id"],
    ),
    (Application, "application_community_cover", ["community_id", "partner_id", "id"]),
    (ServiceLog, "servicelog_partner_status", ["partner_id", "status", "date"]),
    (Feedback, "feedback_partner_status", ["partner_id", "status", "created_at"]),
]


@pytest.mark.parametrize(("model", "name", "columns"), SCOPE_INDEXES)
def test_scope_index_exists_with_its_columns(model, name, columns):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    assert constraints[name]["index"] is True
    assert constraints[name]["columns"] == columns


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_connections_price_random_reads_as_configured():
    if not settings.DB_RANDOM_PAGE_COST:
        pytest.skip("DJANGO_DB_RANDOM_PAGE_COST is empty: the server's own setting applies")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == float(settings.DB_RANDOM_PAGE_COST)
