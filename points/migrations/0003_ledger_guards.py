"""PostgreSQL guards the ORM cannot express (SQLite skips them, as django-hordak does per database).

* The ledger is append-only: a trigger refuses UPDATE and DELETE on ledger entries and lot consumptions.
  (TRUNCATE, used only by test teardown and a full reset, is a statement, not a row change.)
* The lots table leaves 30% free space on each page, so the yearly expiry's UPDATE of ``remaining`` (a column no
  index covers) is a HOT update: about 8x faster (PERFORMANCE.md).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION points_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % on % refused (post a new entry instead)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER points_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON points_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION points_refuse_change();

CREATE TRIGGER points_lotconsumption_append_only
    BEFORE UPDATE OR DELETE ON points_lotconsumption
    FOR EACH ROW EXECUTE FUNCTION points_refuse_change();

ALTER TABLE points_pointlot SET (fillfactor = 70);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS points_ledgerentry_append_only ON points_ledgerentry;
DROP TRIGGER IF EXISTS points_lotconsumption_append_only ON points_lotconsumption;
DROP FUNCTION IF EXISTS points_refuse_change();
ALTER TABLE points_pointlot RESET (fillfactor);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("points", "0002_initial")]

    operations = [migrations.RunPython(forward, backward)]
