"""The yearly expiry updates the balance rows of most members at once; leaving free space on each page lets
PostgreSQL update them in place (HOT: ``posted`` and ``pending`` are in no index). SQLite skips it."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE points_memberbalance SET (fillfactor = 80)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE points_memberbalance RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("points", "0007_claims_and_requests")]

    operations = [migrations.RunPython(forward, backward)]
