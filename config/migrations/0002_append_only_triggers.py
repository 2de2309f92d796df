"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the append-only tables.

The models already refuse in Python; the trigger also stops raw SQL, bulk
operations and any future code path that forgets.
"""

from django.db import migrations

TABLES = ["portal_auditevent", "partners_partnertransition"]

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION portal_refuse_change();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("partners", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
