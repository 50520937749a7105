"""The ledger's link to the job run that wrote an entry is kept without a database foreign-key check (a million
checks in the yearly expiry's transaction); instead PostgreSQL refuses to delete a job run, so no entry can name a
run that is gone. SQLite (the demo) keeps neither: the admin cannot delete runs there either."""

import django.db.models.deletion
from django.db import migrations, models

GUARD = """
CREATE OR REPLACE FUNCTION points_jobrun_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'job runs are kept: ledger entries name them (job run %)', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER points_jobrun_kept BEFORE DELETE ON points_jobrun FOR EACH ROW EXECUTE FUNCTION points_jobrun_kept();
"""
UNGUARD = """
DROP TRIGGER IF EXISTS points_jobrun_kept ON points_jobrun;
DROP FUNCTION IF EXISTS points_jobrun_kept();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("points", "0009_lapses_per_member")]

    operations = [
        migrations.AlterField(
            model_name="ledgerentry",
            name="job_run",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="points.jobrun",
            ),
        ),
        migrations.RunPython(guard, unguard),
    ]
