"""On PostgreSQL, the database itself refuses UPDATE and DELETE on append-only tables.

The models already refuse in Python (`AppendOnlyModel`); the trigger also
stops raw SQL, bulk operations and any future code path that forgets. It is
installed after every `migrate` for every concrete AppendOnlyModel, so a new
append-only model is protected without a hand-written migration.
"""

from django.apps import apps
from django.db import connections

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
