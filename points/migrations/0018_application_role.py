"""Least privilege (issue 13 item 6): the application connects to PostgreSQL as a role that owns nothing.

Migrations run as the owner of the schema (``DATABASE_URL`` of the deploy step: the owner's URL); the running site,
workers and beat connect as the application role (``DATABASE_URL`` of the app: that role's URL). This migration
creates the role if it does not exist (``LOYALTY_APP_ROLE``, Default ``loyalty_app``; ``NOLOGIN`` unless
``LOYALTY_APP_PASSWORD`` is set, then ``LOGIN`` with that password) and grants it what the application needs:

* SELECT, INSERT, UPDATE, DELETE on every table, USAGE and SELECT on every sequence, now and (default privileges of
  the owner) for every table a later migration creates;
* but no UPDATE, DELETE or TRUNCATE on the ledger's entries and lot consumptions: the append-only ledger is then
  enforced by privileges too, not only by the trigger (which the owner could disable: the role cannot, ALTER TABLE
  needs ownership).

Idempotent: running it again (or on another database of the same cluster) changes nothing. SQLite skips it.
"""

import os

from django.db import migrations

LEDGER_TABLES = ("points_ledgerentry", "points_lotconsumption")


def role_name() -> str:
    return os.environ.get("LOYALTY_APP_ROLE", "loyalty_app")


def grant(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    role = quote(role_name())
    password = os.environ.get("LOYALTY_APP_PASSWORD")
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN EXECUTE format('CREATE ROLE %%I NOLOGIN', %s);"
            " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
            [role_name()],
        )
        if password:
            cursor.execute("SELECT format('ALTER ROLE %%I LOGIN PASSWORD %%L', %s, %s)", [role_name(), password])
            cursor.execute(cursor.fetchone()[0])
        cursor.execute("SELECT current_schema()")
        schema = quote(cursor.fetchone()[0])
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"REVOKE CREATE ON SCHEMA {schema} FROM {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {', '.join(LEDGER_TABLES)} FROM {role}",
        ):
            cursor.execute(statement)


def revoke(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    role = connection.ops.quote_name(role_name())
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role_name()])
        if cursor.fetchone() is None:
            return
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        for statement in (
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON SEQUENCES FROM {role}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
            f"REVOKE ALL ON SCHEMA {schema} FROM {role}",
        ):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        # After every table of the apps so far (the default privileges cover the later ones)
        ("points", "0017_idempotency_keys_and_reconciliation"),
        ("members", "0014_one_email_no_staff_login"),
        ("rewards", "0006_verbose_names"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
