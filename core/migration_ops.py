"""Operations the apps' migrations share."""

from django.db import migrations


def county_rows_after_the_default(table):
    """A core.models.JurisdictionSettings table: its default row is written at pk 1 by its id, which an identity
    column does not count, so a county's row (numbered by the column) would take 1 too. The column starts at 2,
    also after a flush (TRUNCATE … RESTART IDENTITY), and continues after the rows there are. No MINVALUE 2: Django's
    sequence reset (loaddata, test rollbacks) sets an empty table's sequence to 1."""
    return migrations.RunSQL(
        f"ALTER TABLE {table} ALTER COLUMN id SET START WITH 2 RESTART WITH 2; "  # noqa: S608  # nosec B608 (a table name from the migration)
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"GREATEST(2, (SELECT COALESCE(max(id), 0) + 1 FROM {table})), false);",
        reverse_sql=f"ALTER TABLE {table} ALTER COLUMN id SET START WITH 1;",
    )
