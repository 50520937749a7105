"""J5, the nightly reconciliation of the ledger (issue 13), and the daily purge of Idempotency-Key answers past their
24 hours, on the beat schedule stored by django-celery-beat; the
office groups may view its findings (Admin > Points > Ledger mismatches). Running it again adds what is missing."""

import json

from django.contrib.auth.management import create_permissions
from django.db import migrations

TZ = "Asia/Tokyo"
NAME = "J5 reconcile the ledger (daily)"
PURGE = "Forget expired Idempotency-Key answers (daily)"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 05:00, after J1 (03:00) and the yearly expiries (02:00): the ledger has settled for the night
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="5", day_of_month="*", month_of_year="*", day_of_week="*", timezone=TZ
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": "points.reconcile_ledger", "crontab": crontab, "kwargs": json.dumps({}), "enabled": True},
    )
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="4", day_of_month="*", month_of_year="*", day_of_week="*", timezone=TZ
    )
    PeriodicTask.objects.get_or_create(
        name=PURGE,
        defaults={
            "task": "points.purge_idempotency_keys",
            "crontab": crontab,
            "kwargs": json.dumps({}),
            "enabled": True,
        },
    )


def allow_office(apps, schema_editor):
    app_config = apps.get_app_config("points")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(content_type__app_label="points", codename="view_ledgermismatch")
    for group in Group.objects.filter(name__in=["Office clerk", "Office supervisor"]):
        group.permissions.add(*view)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[NAME, PURGE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0018_application_role"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("members", "0012_jal_coupon_checks"),
    ]

    operations = [
        migrations.RunPython(create, remove),
        migrations.RunPython(allow_office, migrations.RunPython.noop),
    ]
