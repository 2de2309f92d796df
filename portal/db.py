"""On PostgreSQL, the database itself refuses UPDATE and DELETE on append-only tables.

The models already refuse in Python (`AppendOnlyModel`); the trigger also
stops raw SQL, bulk operations and any future code path that forgets. It is
installed after every `migrate` for every concrete AppendOnlyModel, so a new
append-only model is protected without a hand-written migration.
"""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

from .models import AppendOnlyModel

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def append_only_tables() -> list[str]:
    return sorted(
        m._meta.db_table for m in apps.get_models() if issubclass(m, AppendOnlyModel) and not m._meta.abstract
    )


def install_append_only_triggers(*, using: str = "default", **_kwargs) -> None:
    """(Re)create the refusing trigger on each append-only table; idempotent."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        for table in append_only_tables():
            cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
            cursor.execute(
                f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION portal_refuse_change()"
            )


def serialize_on(key: str, *, using: str = "default") -> None:
    """Inside a transaction, wait for any other transaction holding `key` (PostgreSQL advisory lock).

    Two requests that must not both write (a double submit) take the same key and
    run one after the other; the lock goes with the transaction. Elsewhere (SQLite,
    which runs one writer at a time) it does nothing.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def recent_duplicate(queryset, *, field: str = "created_at", now: dt.datetime | None = None):
    """The newest row of `queryset` created within DUPLICATE_SUBMISSION_SECONDS before `now`, else None."""
    since = (now or timezone.now()) - dt.timedelta(seconds=settings.DUPLICATE_SUBMISSION_SECONDS)
    return queryset.filter(**{f"{field}__gte": since}).order_by(f"-{field}").first()
